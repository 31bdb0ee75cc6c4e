"""Run functions in worker processes (the anyio-process distribution)."""
