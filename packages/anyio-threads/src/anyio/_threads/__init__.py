"""Private implementation of anyio.to_thread, anyio.from_thread and anyio.to_interpreter."""
