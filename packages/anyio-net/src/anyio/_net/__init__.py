"""Networking for anyio (the anyio-net distribution); public names are reached as ``anyio.<name>``."""
