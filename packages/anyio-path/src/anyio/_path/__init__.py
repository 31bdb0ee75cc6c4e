"""Private implementation of anyio.Path, open_file(), wrap_file() and temporary files."""
