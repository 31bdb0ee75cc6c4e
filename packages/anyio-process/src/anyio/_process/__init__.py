"""Subprocesses for anyio (the anyio-process distribution); public names are reached as ``anyio.<name>``."""
