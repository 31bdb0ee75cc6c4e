"""Handing out free network ports to tests."""

from __future__ import annotations

import socket
from contextlib import ExitStack
from functools import cache

_LOOPBACK = {socket.AF_INET: "127.0.0.1", socket.AF_INET6: "::1"}


@cache
def _usable_families() -> tuple[socket.AddressFamily, ...]:
    """The families a port must be free on: IPv4, and IPv6 if the host has ``::1``.

    Checking both lets a server bound to "localhost" (which may resolve to
    either) get the port. A container may have IPv6 compiled in but no IPv6
    loopback address; then only IPv4 counts, or no port would ever be free.
    """
    if not socket.has_ipv6:
        return (socket.AF_INET,)
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return (socket.AF_INET,)
    return (socket.AF_INET, socket.AF_INET6)


class FreePortFactory:
    """Hand out local port numbers that are free, never the same one twice.

    A port is free when it can be bound on the loopback address of every
    address family the host supports (IPv4, and IPv6 where available). Each
    factory remembers what it handed out, so one session never gets the same
    port twice, even after the socket that used it has closed.

    Args:
        kind: `socket.SOCK_STREAM` for TCP ports, `socket.SOCK_DGRAM` for UDP.

    Example:
        ```python
        def test_server(free_tcp_port_factory):
            first, second = free_tcp_port_factory(), free_tcp_port_factory()
            assert first != second
        ```
    """

    def __init__(self, kind: socket.SocketKind) -> None:
        self._kind = kind
        self._handed_out: set[int] = set()

    @property
    def kind(self) -> socket.SocketKind:
        """The socket kind the ports are free for."""
        return self._kind

    def __repr__(self) -> str:
        return f"<FreePortFactory kind={self._kind.name} handed_out={len(self._handed_out)}>"

    def __call__(self, family: socket.AddressFamily | None = None) -> int:
        """Return a port that is free now and was not returned before.

        Args:
            family: check only this address family (default: every family the
                host supports).
        """
        families = (family,) if family is not None else _usable_families()
        while True:
            port = self._probe(families)
            if port is not None and port not in self._handed_out:
                self._handed_out.add(port)
                return port

    def _probe(self, families: tuple[socket.AddressFamily, ...]) -> int | None:
        """Bind a port chosen by the OS on each family; None if one of them refused it."""
        port = 0
        with ExitStack() as sockets:
            for family in families:
                sock = sockets.enter_context(socket.socket(family, self._kind))
                try:
                    sock.bind((_LOOPBACK[family], port))
                except OSError:
                    return None
                port = sock.getsockname()[1]
        return port
