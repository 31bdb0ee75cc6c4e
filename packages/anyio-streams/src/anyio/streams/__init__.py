"""Stream implementations for anyio: memory object streams and stream wrappers."""
