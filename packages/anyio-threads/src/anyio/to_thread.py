"""Run synchronous functions in worker threads without blocking the event loop."""
