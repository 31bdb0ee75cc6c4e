"""Private implementation of the anyio pytest plugin."""
