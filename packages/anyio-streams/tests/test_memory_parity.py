"""Parity of `MemoryObjectReceiveStream.receive()` and ``__anext__()`` (issue 13, item 5).

``__anext__()`` repeats the body of ``receive()`` for speed (see the comment
there). Each scenario here runs through both and expects the same outcome,
``StopAsyncIteration`` standing for ``EndOfStream``, so that the copies cannot
drift apart unnoticed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from anyio import (
    CancelScope,
    ClosedResourceError,
    EndOfStream,
    WouldBlock,
    create_memory_object_stream,
    create_task_group,
    fail_after,
    get_cancelled_exc_class,
    wait_all_tasks_blocked,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from anyio.streams.memory import MemoryObjectReceiveStream

pytestmark = pytest.mark.anyio


async def _receive(stream: MemoryObjectReceiveStream[Any]) -> Any:
    return await stream.receive()


async def _anext(stream: MemoryObjectReceiveStream[Any]) -> Any:
    try:
        return await stream.__anext__()
    except StopAsyncIteration:
        raise EndOfStream from None  # the one difference, mapped back


@pytest.fixture(params=[_receive, _anext], ids=["receive", "anext"])
def receive(request: pytest.FixtureRequest) -> Any:
    return request.param


@pytest.fixture
def make() -> Iterator[Callable[[float], tuple[Any, Any]]]:
    """Make memory object streams, closed when the test ends."""
    made: list[Any] = []

    def make(size: float = 0) -> tuple[Any, Any]:
        pair = create_memory_object_stream[int](size)
        made.extend(pair)
        return pair

    yield make
    for stream in made:
        stream.close()


async def test_buffered_item(receive: Any, make: Any) -> None:
    send, recv = make(1)
    send.send_nowait(1)
    assert await receive(recv) == 1


async def test_waiting_sender_on_rendezvous(receive: Any, make: Any) -> None:
    send, recv = make()
    with fail_after(5):
        async with create_task_group() as tg:
            tg.start_soon(send.send, 7)
            await wait_all_tasks_blocked()
            assert await receive(recv) == 7


async def test_senders_closed(receive: Any, make: Any) -> None:
    send, recv = make(1)
    send.send_nowait(1)
    send.close()
    assert await receive(recv) == 1
    with pytest.raises(EndOfStream):
        await receive(recv)


async def test_receiver_closed(receive: Any, make: Any) -> None:
    send, recv = make(1)
    send.send_nowait(1)
    recv.close()
    with pytest.raises(ClosedResourceError):
        await receive(recv)


async def test_parked_then_sent(receive: Any, make: Any) -> None:
    send, recv = make()
    got: list[int] = []

    async def receiver() -> None:
        got.append(await receive(recv))

    with fail_after(5):
        async with create_task_group() as tg:
            tg.start_soon(receiver)
            await wait_all_tasks_blocked()
            send.send_nowait(3)
    assert got == [3]


async def test_parked_then_senders_close(receive: Any, make: Any) -> None:
    send, recv = make()
    outcome: list[str] = []

    async def receiver() -> None:
        try:
            await receive(recv)
        except EndOfStream:
            outcome.append("end")

    with fail_after(5):
        async with create_task_group() as tg:
            tg.start_soon(receiver)
            await wait_all_tasks_blocked()
            send.close()
    assert outcome == ["end"]


async def test_cancelled_while_parked_takes_nothing(receive: Any, make: Any) -> None:
    send, recv = make()
    with fail_after(5):
        async with create_task_group() as tg:
            tg.start_soon(receive, recv)
            await wait_all_tasks_blocked()
            tg.cancel_scope.cancel()
    # The cancelled receiver is gone: nobody waits, so nothing can be handed over.
    with pytest.raises(WouldBlock):
        send.send_nowait(1)


async def test_a_checkpoint_with_an_item_ready(receive: Any, make: Any) -> None:
    send, recv = make(1)
    send.send_nowait(1)
    with CancelScope() as scope:
        scope.cancel()
        with pytest.raises(get_cancelled_exc_class()):
            await receive(recv)
    # The cancellation took no item.
    assert recv.receive_nowait() == 1
