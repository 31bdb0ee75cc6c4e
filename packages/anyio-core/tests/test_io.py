"""File-descriptor readiness: ``_core/_io.py`` and the backends' ``_io.py``."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

import pytest

from anyio import (
    BusyResourceError,
    CancelScope,
    ClosedResourceError,
    create_task_group,
    fail_after,
    notify_closing,
    wait_all_tasks_blocked,
    wait_readable,
    wait_socket_readable,
    wait_socket_writable,
    wait_writable,
)
from anyio import run as anyio_run

from ._sync_helpers import exactly

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

pytestmark = pytest.mark.anyio


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    with a, b:
        yield a, b


def fill_send_buffer(sock: socket.socket) -> None:
    """Write until the socket is no longer writable."""
    with pytest.raises(BlockingIOError):  # noqa: PT012 - the loop is the point
        while True:
            sock.send(b"x" * 65536)


def loop_still_watches(fd: int, writing: bool) -> bool:
    """On asyncio: tell whether the loop still had a callback for ``fd`` (and drop it)."""
    import asyncio

    loop = asyncio.get_running_loop()
    return bool(loop.remove_writer(fd) if writing else loop.remove_reader(fd))


WAITS = [
    pytest.param(wait_readable, False, "reading from", id="readable"),
    pytest.param(wait_writable, True, "writing to", id="writable"),
]


def block(pair: tuple[socket.socket, socket.socket], writing: bool) -> socket.socket:
    """Return the end of ``pair`` that a wait in that direction will block on."""
    if writing:
        fill_send_buffer(pair[0])
    return pair[0]


class TestReadiness:
    async def test_readable_once_data_arrives(
        self, pair: tuple[socket.socket, socket.socket]
    ) -> None:
        a, b = pair
        woken = False

        async def reader() -> None:
            nonlocal woken
            await wait_readable(a)
            woken = True

        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(reader)
                await wait_all_tasks_blocked()
                assert not woken
                b.send(b"ping")
        assert a.recv(10) == b"ping"

    async def test_file_descriptor_number(self, pair: tuple[socket.socket, socket.socket]) -> None:
        a, b = pair
        b.send(b"x")
        with fail_after(10):
            await wait_readable(a.fileno())
            await wait_writable(a.fileno())

    async def test_writable_once_the_buffer_drains(
        self, pair: tuple[socket.socket, socket.socket]
    ) -> None:
        a, b = pair
        fill_send_buffer(a)
        woken = False

        async def writer() -> None:
            nonlocal woken
            await wait_writable(a)
            woken = True

        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(writer)
                await wait_all_tasks_blocked()
                assert not woken
                with pytest.raises(BlockingIOError):  # noqa: PT012 - drain it all
                    while True:
                        b.recv(1 << 20)
        assert woken

    async def test_not_a_file_descriptor(self) -> None:
        with pytest.raises(TypeError, match="fileno"):
            await wait_readable(object())  # type: ignore[arg-type]


class TestBusy:
    @pytest.mark.parametrize(("wait", "writing", "action"), WAITS)
    async def test_second_waiter_same_direction(
        self,
        pair: tuple[socket.socket, socket.socket],
        wait: Callable[[Any], Awaitable[None]],
        writing: bool,
        action: str,
    ) -> None:
        sock = block(pair, writing)
        message = exactly(f"Another task is already {action} this resource")
        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(wait, sock)
                await wait_all_tasks_blocked()
                with pytest.raises(BusyResourceError, match=message):
                    await wait(sock.fileno())
                tg.cancel_scope.cancel()

    async def test_one_waiter_per_direction(
        self, pair: tuple[socket.socket, socket.socket]
    ) -> None:
        a, b = pair
        fill_send_buffer(a)
        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(wait_readable, a)
                tg.start_soon(wait_writable, a)
                await wait_all_tasks_blocked()
                b.send(b"wake the reader")
                tg.cancel_scope.cancel()


class TestNotifyClosing:
    @pytest.mark.parametrize(("wait", "writing", "action"), WAITS)
    async def test_wakes_the_waiter(
        self,
        pair: tuple[socket.socket, socket.socket],
        wait: Callable[[Any], Awaitable[None]],
        writing: bool,
        action: str,
    ) -> None:
        sock = block(pair, writing)
        outcome: list[BaseException] = []

        async def waiter() -> None:
            try:
                await wait(sock)
            except ClosedResourceError as exc:
                outcome.append(exc)

        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(waiter)
                await wait_all_tasks_blocked()
                notify_closing(sock)
        assert len(outcome) == 1
        # The slot is free again: a new wait is not refused as busy.
        with CancelScope() as scope:
            scope.cancel()
            await wait(sock)

    async def test_nobody_waiting(self, pair: tuple[socket.socket, socket.socket]) -> None:
        notify_closing(pair[0])
        notify_closing(pair[0].fileno())


class TestCancellation:
    @pytest.mark.parametrize(("wait", "writing", "action"), WAITS)
    async def test_cancelled_wait_unregisters(
        self,
        pair: tuple[socket.socket, socket.socket],
        wait: Callable[[Any], Awaitable[None]],
        writing: bool,
        action: str,
        anyio_backend_name: str,
    ) -> None:
        sock = block(pair, writing)
        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(wait, sock)
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
        if anyio_backend_name == "asyncio":  # what the loop itself says
            assert not loop_still_watches(sock.fileno(), writing)
        # Nothing is left of the first wait: a second one may start.
        with CancelScope() as scope:
            scope.cancel()
            await wait(sock)
        assert scope.cancelled_caught

    @pytest.mark.parametrize(("wait", "writing", "action"), WAITS)
    async def test_cancel_point_when_ready(
        self,
        pair: tuple[socket.socket, socket.socket],
        wait: Callable[[Any], Awaitable[None]],
        writing: bool,
        action: str,
    ) -> None:
        a, b = pair
        b.send(b"ready to read")
        with CancelScope() as scope:
            scope.cancel()
            await wait(a)
            pytest.fail("a wait in a cancelled scope did not raise")
        assert scope.cancelled_caught

    async def test_schedule_point_when_ready(
        self, pair: tuple[socket.socket, socket.socket]
    ) -> None:
        a, b = pair
        b.send(b"ready to read")
        ran: list[str] = []
        with fail_after(10):
            async with create_task_group() as tg:

                async def other() -> None:
                    ran.append("other")

                tg.start_soon(other)
                # A wait that did not yield would starve `other` for good. (Trio may
                # run the two in either order after a yield, so allow a few rounds.)
                for _ in range(50):
                    await wait_readable(a)
                    if ran:
                        break
                assert ran == ["other"]


class TestDeprecated:
    @pytest.mark.parametrize(
        ("deprecated", "replacement"),
        [(wait_socket_readable, "wait_readable"), (wait_socket_writable, "wait_writable")],
    )
    async def test_warns_and_works(
        self,
        pair: tuple[socket.socket, socket.socket],
        deprecated: Callable[[socket.socket], Awaitable[None]],
        replacement: str,
    ) -> None:
        a, b = pair
        b.send(b"x")
        with (
            pytest.warns(
                DeprecationWarning,
                match=f"^This function is deprecated; use `{replacement}` instead",
            ),
            fail_after(10),
        ):
            await deprecated(a)


def test_loop_without_readiness_support() -> None:
    """asyncio-specific: a loop without add_reader() (Windows' Proactor) says what to use."""
    import asyncio

    class NoReadinessLoop(asyncio.SelectorEventLoop):
        def add_reader(self, *args: Any) -> None:
            raise NotImplementedError

    async def main() -> None:
        a, b = socket.socketpair()
        with a, b:
            await wait_readable(a)

    with pytest.raises(NotImplementedError, match="SelectorEventLoop"):
        anyio_run(main, backend_options={"loop_factory": NoReadinessLoop})
