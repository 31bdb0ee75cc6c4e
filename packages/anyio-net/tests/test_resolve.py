"""Tests of `anyio.getaddrinfo()` and `anyio.getnameinfo()` (`_net/_resolve.py`)."""

from __future__ import annotations

import inspect
import socket
import threading
from typing import TYPE_CHECKING, Any

import idna
import pytest

import anyio
from anyio import CancelScope, create_task_group, fail_after, getaddrinfo, getnameinfo
from anyio._net import _resolve

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.anyio

_real_getaddrinfo = socket.getaddrinfo


def _has_ipv6() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


needs_ipv6 = pytest.mark.skipif(not _has_ipv6(), reason="IPv6 is not available")


class FakeResolver:
    """Stands in for the OS resolver: numeric lookups pass, names are recorded.

    A name lookup sets `started` (through the event loop, so it must run in
    a worker thread), then returns 192.0.2.1 (a documentation address) once
    `release` is set (at once if it is set already).
    """

    def __init__(self) -> None:
        self.names: list[Any] = []
        self.threads: list[threading.Thread] = []
        self.started = anyio.Event()
        self.release = threading.Event()
        self.release.set()
        self.finished = threading.Event()

    def lookup(
        self, host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ) -> list[Any]:
        if flags & socket.AI_NUMERICHOST:
            return _real_getaddrinfo(host, port, family, type, proto, flags)
        self.names.append(host)
        self.threads.append(threading.current_thread())
        anyio.from_thread.run_sync(self.started.set)
        # Bounded, so that a lookup wrongly run in the loop's thread fails the
        # test instead of hanging it.
        released = self.release.wait(10)
        self.finished.set()
        if not released:
            raise AssertionError("the lookup was never released")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.1", port))]


@pytest.fixture
def fake_resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeResolver]:
    resolver = FakeResolver()
    monkeypatch.setattr(_resolve.socket, "getaddrinfo", resolver.lookup)
    yield resolver
    resolver.release.set()


class TestGetaddrinfo:
    def test_signature_matches_anyio(self) -> None:
        params = inspect.signature(getaddrinfo).parameters
        assert list(params) == ["host", "port", "family", "type", "proto", "flags"]
        assert [p.kind for p in params.values()][2:] == [inspect.Parameter.KEYWORD_ONLY] * 4
        assert all(params[name].default == 0 for name in ("family", "type", "proto", "flags"))

    async def test_numeric_ipv4(self) -> None:
        results = await getaddrinfo("127.0.0.1", 8080, type=socket.SOCK_STREAM)
        assert results == [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", 8080))
        ]

    @needs_ipv6
    async def test_ipv6_addresses_are_host_port_pairs(self) -> None:
        results = await getaddrinfo("::1", 80, type=socket.SOCK_STREAM)
        assert results == [
            (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("::1", 80))
        ]

    @needs_ipv6
    async def test_ipv6_scope_id_is_appended_to_the_host(self) -> None:
        index = socket.if_nametoindex("lo") if hasattr(socket, "if_nametoindex") else 1
        results = await getaddrinfo(f"fe80::1%{index}", 80, type=socket.SOCK_DGRAM)
        assert results[0][4] == (f"fe80::1%{index}", 80)

    async def test_numeric_host_needs_no_thread(self, fake_resolver: FakeResolver) -> None:
        await getaddrinfo("10.1.2.3", 53)
        assert fake_resolver.names == []

    async def test_host_name_is_looked_up_in_a_worker_thread(
        self, fake_resolver: FakeResolver
    ) -> None:
        results = await getaddrinfo("example.org", 80)
        assert results == [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.1", 80))]
        assert fake_resolver.names == [b"example.org"]
        assert fake_resolver.threads[0] is not threading.current_thread()

    async def test_lookup_does_not_block_the_loop(self, fake_resolver: FakeResolver) -> None:
        # The lookup is released by another task: this only completes if the
        # loop keeps running while the lookup waits.
        fake_resolver.release.clear()

        async def release_when_looking_up() -> None:
            await fake_resolver.started.wait()
            fake_resolver.release.set()

        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(release_when_looking_up)
                assert (await getaddrinfo("example.org", 80))[0][4] == ("192.0.2.1", 80)

    async def test_cancellation_is_prompt(self, fake_resolver: FakeResolver) -> None:
        fake_resolver.release.clear()
        with fail_after(5):
            async with create_task_group() as tg:

                async def look_up() -> None:
                    await getaddrinfo("example.org", 80)
                    pytest.fail("the lookup should have been cancelled")

                tg.start_soon(look_up)
                await fake_resolver.started.wait()
                tg.cancel_scope.cancel()
        # The thread was abandoned, still blocked in the lookup.
        assert not fake_resolver.finished.is_set()
        fake_resolver.release.set()
        assert fake_resolver.finished.wait(10)

    async def test_idna_2008_encoding(self, fake_resolver: FakeResolver) -> None:
        # IDNA 2003 (the standard library's codec) maps "ß" to "ss".
        assert "straße.de".encode("idna") == b"strasse.de"
        await getaddrinfo("straße.de", 80)
        assert fake_resolver.names == [b"xn--strae-oqa.de"]

    async def test_uts46_mapping_lowercases(self, fake_resolver: FakeResolver) -> None:
        await getaddrinfo("BÜCHER.example", 80)
        assert fake_resolver.names == [b"xn--bcher-kva.example"]

    async def test_ascii_names_pass_unchanged(self, fake_resolver: FakeResolver) -> None:
        await getaddrinfo("Example.ORG", 80)
        await getaddrinfo(b"raw.example", 80)
        assert fake_resolver.names == [b"Example.ORG", b"raw.example"]

    async def test_name_invalid_in_idna_2008(self, fake_resolver: FakeResolver) -> None:
        # IDNA 2003 accepted symbols such as the snowman; IDNA 2008 does not.
        with pytest.raises(idna.IDNAError):
            await getaddrinfo("☃.net", 80)
        assert fake_resolver.names == []

    async def test_localhost_resolves(self) -> None:
        results = await getaddrinfo(
            "localhost", 80, family=socket.AF_INET, type=socket.SOCK_STREAM
        )
        assert ("127.0.0.1", 80) in [result[4] for result in results]

    async def test_unknown_name_raises_gaierror(self, fake_resolver: FakeResolver) -> None:
        def fail(*args: Any) -> list[Any]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

        _resolve.socket.getaddrinfo = fail  # type: ignore[assignment]  # undone by monkeypatch
        with pytest.raises(socket.gaierror):
            await getaddrinfo("no-such-host.invalid", 80)

    @pytest.mark.parametrize("host", ["127.0.0.1", "example.org"])
    async def test_is_a_checkpoint(self, host: str, fake_resolver: FakeResolver) -> None:
        with CancelScope() as scope:
            scope.cancel()
            await getaddrinfo(host, 80)
            pytest.fail("getaddrinfo() should have raised the cancellation exception")
        assert scope.cancelled_caught


class TestGetnameinfo:
    def test_returns_an_awaitable_from_a_plain_function(self) -> None:
        assert not inspect.iscoroutinefunction(getnameinfo)
        params = inspect.signature(getnameinfo).parameters
        assert list(params) == ["sockaddr", "flags"]
        assert params["flags"].default == 0

    async def test_numeric_lookup(self) -> None:
        flags = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
        assert await getnameinfo(("127.0.0.1", 8080), flags) == ("127.0.0.1", "8080")

    async def test_runs_in_a_worker_thread(self, monkeypatch: pytest.MonkeyPatch) -> None:
        threads: list[threading.Thread] = []

        def fake(sockaddr: Any, flags: int) -> tuple[str, str]:
            threads.append(threading.current_thread())
            return "host.example", "http"

        monkeypatch.setattr(_resolve.socket, "getnameinfo", fake)
        assert await getnameinfo(("192.0.2.1", 80)) == ("host.example", "http")
        assert threads[0] is not threading.current_thread()
