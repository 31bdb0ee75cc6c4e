"""Private implementation of anyio.to_thread and anyio.from_thread."""
