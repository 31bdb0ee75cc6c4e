"""Backend-neutral implementation of anyio's core API (private)."""
