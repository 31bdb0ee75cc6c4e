"""Name resolution: `getaddrinfo()` and `getnameinfo()` without blocking the loop.

The problem
-----------
The operating system's resolver (`socket.getaddrinfo`) blocks: a DNS query can
take seconds. Neither asyncio's `loop.getaddrinfo()` nor Trio's resolver is
available to backend-neutral code, and both would also hand non-ASCII host
names to the standard library's IDNA 2003 codec, which maps some names
differently from what browsers and registries use today (IDNA 2008 with the
UTS #46 mapping: `"straße.de"` must become `"xn--strae-oqa.de"`, not
`"strasse.de"`).

What we do
----------
* Host names that are not ASCII are encoded here with the `idna` package
  (IDNA 2008, UTS #46 mapping, non-transitional), then handed to the OS as
  bytes. ASCII names, IP addresses included, go through unchanged.
* A numeric host and port need no resolver at all: we first try the lookup
  with ``AI_NUMERICHOST | AI_NUMERICSERV``, which the C library answers by
  parsing, without any I/O. Only when that fails does the lookup go to a
  worker thread (`anyio.to_thread.run_sync`). The thread is abandoned on
  cancellation, so a cancelled lookup returns at once; its eventual result is
  discarded, and it holds no resource that would leak.
* Both paths are checkpoints.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

from ..abc._sockets import convert_ipv6_sockaddr
from ..lowlevel import checkpoint
from ..to_thread import run_sync

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from ..abc._sockets import IPSockAddrType

__all__ = ("getaddrinfo", "getnameinfo")

#: What `socket.getaddrinfo()` returns: (family, type, proto, canonname, sockaddr).
_RawAddrInfo = tuple[socket.AddressFamily, socket.SocketKind, int, str, Any]
_NUMERIC_ONLY = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


def encode_host(host: bytes | str | None) -> bytes | None:
    """Return `host` as the bytes the OS resolver expects.

    ASCII strings (host names and IP addresses alike) are encoded as they are;
    other strings are encoded with IDNA 2008 and the UTS #46 mapping.

    Raises:
        idna.IDNAError: if `host` is not a valid internationalized domain name.
    """
    if not isinstance(host, str):
        return host
    try:
        return host.encode("ascii")
    except UnicodeEncodeError:
        import idna

        return idna.encode(host, uts46=True)


def _numeric_lookup(
    host: bytes | None, port: str | int | None, family: int, socktype: int, proto: int, flags: int
) -> list[_RawAddrInfo] | None:
    """Answer the lookup without a resolver if host and port are numeric, else None."""
    try:
        return _lookup(host, port, family, socktype, proto, flags | _NUMERIC_ONLY)
    except socket.gaierror:
        return None


def _lookup(
    host: bytes | None, port: str | int | None, family: int, socktype: int, proto: int, flags: int
) -> list[_RawAddrInfo]:
    """Call the OS resolver (blocking, unless `flags` ask for numeric host and port)."""
    return list(socket.getaddrinfo(host, port, family, socktype, proto, flags))


async def resolve(
    host: bytes | str | None,
    port: str | int | None,
    *,
    family: int = 0,
    type: int = 0,  # noqa: A002 - the name socket.getaddrinfo() uses
    proto: int = 0,
    flags: int = 0,
) -> list[_RawAddrInfo]:
    """Look `host` up like `getaddrinfo()`, but return the OS's socket addresses unchanged.

    The sockets of anyio-net use this one: an IPv6 address keeps its
    `(host, port, flowinfo, scope_id)` form, ready for `connect()` or `sendto()`.
    """
    encoded = encode_host(host)
    result = _numeric_lookup(encoded, port, family, type, proto, flags)
    if result is not None:
        await checkpoint()
        return result
    return await run_sync(
        _lookup, encoded, port, family, type, proto, flags, abandon_on_cancel=True
    )


async def getaddrinfo(
    host: bytes | str | None,
    port: str | int | None,
    *,
    family: int | socket.AddressFamily = 0,
    type: int | socket.SocketKind = 0,  # noqa: A002 - the name socket.getaddrinfo() uses
    proto: int = 0,
    flags: int = 0,
) -> list[tuple[socket.AddressFamily, socket.SocketKind, int, str, tuple[str, int]]]:
    """Look up the socket addresses of a host and port, without blocking the event loop.

    Works like `socket.getaddrinfo()`, with two differences:

    * Internationalized host names are encoded with IDNA 2008 (UTS #46
      mapping, non-transitional), as browsers do, rather than with the
      standard library's IDNA 2003 codec.
    * IPv6 addresses are reported as `(host, port)` pairs; a nonzero scope ID
      is appended to the host as `host%scope_id`.

    A numeric host and port are parsed at once; anything else is looked up
    in a worker thread. Cancelling the call returns at once.

    Args:
        host: the host name or IP address (`None` for the wildcard or
            loopback address, depending on `AI_PASSIVE`).
        port: the port number or service name (or `None`).
        family: restrict the results to this address family.
        type: restrict the results to this socket type.
        proto: restrict the results to this protocol.
        flags: `socket.AI_*` flags.

    Returns:
        A list of `(family, type, proto, canonname, (host, port))` tuples.

    Raises:
        socket.gaierror: if the name cannot be resolved.
        idna.IDNAError: if `host` is not a valid internationalized domain name.

    Example:
        ```python
        for family, _, _, _, (ip, port) in await anyio.getaddrinfo("example.org", 443):
            print(family.name, ip, port)
        ```
    """
    results = await resolve(host, port, family=family, type=type, proto=proto, flags=flags)
    return [
        (family_, type_, proto_, canonname, convert_ipv6_sockaddr(sockaddr))
        for family_, type_, proto_, canonname, sockaddr in results
        # A Python built without IPv6 support reports IPv6 results as (int, bytes).
        if not isinstance(sockaddr[0], int)
    ]


def getnameinfo(sockaddr: IPSockAddrType, flags: int = 0) -> Awaitable[tuple[str, str]]:
    """Look up the host name and service name of a socket address, without blocking.

    Works like `socket.getnameinfo()`; the lookup runs in a worker thread,
    and cancelling the call returns at once.

    Args:
        sockaddr: the `(host, port)` address to look up.
        flags: `socket.NI_*` flags.

    Returns:
        An awaitable of the `(host, service)` pair.

    Raises:
        socket.gaierror: if the address cannot be looked up.
    """
    return run_sync(socket.getnameinfo, sockaddr, flags, abandon_on_cancel=True)
