"""The anyio pytest plugin: runs async tests and fixtures on every anyio backend."""
