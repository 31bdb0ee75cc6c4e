"""The free port fixtures and FreePortFactory."""

from __future__ import annotations

import socket
from textwrap import dedent
from typing import TYPE_CHECKING

import pytest

from anyio.pytest_plugin import FreePortFactory

if TYPE_CHECKING:
    from .conftest import RunTests


def _bind(kind: socket.SocketKind, port: int) -> None:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", port))


class TestFixtures:
    def test_tcp_port_is_free(self, free_tcp_port: int) -> None:
        _bind(socket.SOCK_STREAM, free_tcp_port)

    def test_udp_port_is_free(self, free_udp_port: int) -> None:
        _bind(socket.SOCK_DGRAM, free_udp_port)

    def test_factories_are_session_wide_and_typed(
        self, free_tcp_port_factory: FreePortFactory, free_udp_port_factory: FreePortFactory
    ) -> None:
        assert free_tcp_port_factory.kind == socket.SOCK_STREAM
        assert free_udp_port_factory.kind == socket.SOCK_DGRAM

    def test_no_port_is_handed_out_twice_in_a_session(self, run_tests: RunTests) -> None:
        result = run_tests(
            dedent("""
            import pytest

            seen = []

            @pytest.mark.parametrize("i", range(5))
            def test_ports(i, free_tcp_port, free_udp_port, free_tcp_port_factory):
                seen.extend([("tcp", free_tcp_port), ("udp", free_udp_port)])
                seen.append(("tcp", free_tcp_port_factory()))

            def test_all_distinct():
                assert len(seen) == 15
                assert len(set(seen)) == 15
            """),
        )
        result.assert_outcomes(passed=6)


class TestFreePortFactory:
    @pytest.mark.parametrize("kind", [socket.SOCK_STREAM, socket.SOCK_DGRAM])
    def test_ports_are_distinct_and_bindable(self, kind: socket.SocketKind) -> None:
        factory = FreePortFactory(kind)
        ports = [factory() for _ in range(20)]
        assert len(set(ports)) == 20
        for port in ports[:3]:
            _bind(kind, port)

    def test_family_restricts_the_check(self) -> None:
        factory = FreePortFactory(socket.SOCK_STREAM)
        _bind(socket.SOCK_STREAM, factory(socket.AF_INET))

    def test_repr_and_module(self) -> None:
        factory = FreePortFactory(socket.SOCK_STREAM)
        factory()
        assert repr(factory) == "<FreePortFactory kind=SOCK_STREAM handed_out=1>"
        assert FreePortFactory.__module__ == "anyio.pytest_plugin"
