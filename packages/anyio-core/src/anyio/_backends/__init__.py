"""The only place that imports asyncio or trio (private)."""
