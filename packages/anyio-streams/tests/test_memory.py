"""Memory object streams: creation, sending and receiving, closing, cancellation."""

from __future__ import annotations

import contextlib
import gc
import math
from typing import Any

import pytest

import anyio
from anyio import (
    BrokenResourceError,
    CancelScope,
    ClosedResourceError,
    EndOfStream,
    WouldBlock,
    create_memory_object_stream,
    create_task_group,
    fail_after,
    wait_all_tasks_blocked,
)
from anyio.abc import ObjectReceiveStream, ObjectSendStream
from anyio.lowlevel import checkpoint
from anyio.streams.memory import (
    MemoryObjectReceiveStream,
    MemoryObjectSendStream,
    MemoryObjectStreamStatistics,
)


async def receive_all(stream: MemoryObjectReceiveStream[Any]) -> list[Any]:
    return [item async for item in stream]


async def _sender_sees_receiver_go_on(buffer: int) -> bool:
    """Whether a parked sender, once a receive took its item, saw the receiver go on."""
    send, receive = create_memory_object_stream[int](buffer)
    received = False
    seen: list[bool] = []

    async def sender() -> None:
        await send.send(1)
        seen.append(received)

    with send, receive:
        async with create_task_group() as tg:
            for _ in range(buffer):
                send.send_nowait(0)
            tg.start_soon(sender)
            await wait_all_tasks_blocked()
            assert send.statistics().tasks_waiting_send == 1
            await receive.receive()
            received = True
    return seen == [True]


async def _receiver_sees_sender_go_on() -> bool:
    """Whether a parked receiver, once handed an item, saw the sender go on."""
    send, receive = create_memory_object_stream[int]()
    sent = False
    seen: list[bool] = []

    async def receiver() -> None:
        await receive.receive()
        seen.append(sent)

    with send, receive:
        async with create_task_group() as tg:
            tg.start_soon(receiver)
            await wait_all_tasks_blocked()
            await send.send(1)
            sent = True
    return seen == [True]


class TestCreate:
    def test_returns_connected_pair(self) -> None:
        send, receive = create_memory_object_stream[int](3)
        with send, receive:
            assert isinstance(send, MemoryObjectSendStream)
            assert isinstance(receive, MemoryObjectReceiveStream)
            assert isinstance(send, ObjectSendStream)
            assert isinstance(receive, ObjectReceiveStream)
            send.send_nowait(1)
            assert receive.receive_nowait() == 1

    def test_plain_call_and_subscription_return_a_tuple(self) -> None:
        for pair in (create_memory_object_stream(), create_memory_object_stream[str]()):
            assert type(pair) is tuple
            assert len(pair) == 2
            for stream in pair:
                stream.close()

    def test_public_names(self) -> None:
        assert anyio.create_memory_object_stream is create_memory_object_stream
        assert create_memory_object_stream.__module__ == "anyio"
        assert MemoryObjectSendStream.__module__ == "anyio.streams.memory"

    @pytest.mark.parametrize("size", [0, 1, 100, math.inf])
    def test_valid_buffer_sizes(self, size: float) -> None:
        send, receive = create_memory_object_stream[int](size)
        with send, receive:
            assert send.statistics().max_buffer_size == size

    def test_default_buffer_size_is_zero(self) -> None:
        send, receive = create_memory_object_stream[int]()
        with send, receive:
            assert receive.statistics().max_buffer_size == 0
            with pytest.raises(WouldBlock):
                send.send_nowait(1)

    @pytest.mark.parametrize("size", [1.5, 1.0, "5", None, math.nan, -math.inf, True], ids=repr)
    def test_invalid_buffer_size(self, size: Any) -> None:
        # AnyIO's wording: users' tests match it.
        with pytest.raises(
            ValueError, match=r"^max_buffer_size must be either an integer or math\.inf"
        ):
            create_memory_object_stream(size)

    @pytest.mark.parametrize("size", [-1, -100])
    def test_negative_buffer_size(self, size: int) -> None:
        with pytest.raises(ValueError, match=r"^max_buffer_size cannot be negative"):
            create_memory_object_stream(size)

    def test_item_type_is_deprecated(self) -> None:
        with pytest.warns(DeprecationWarning, match="item_type") as record:
            send, receive = create_memory_object_stream(5, item_type=int)
        send.close()
        receive.close()
        message = str(record[0].message)
        assert message.startswith("The item_type argument has been deprecated in AnyIO 4.0.")
        assert "create_memory_object_stream[" in message
        assert record[0].filename == __file__

    def test_initial_statistics(self) -> None:
        send, receive = create_memory_object_stream[int](7)
        with send, receive:
            assert send.statistics() == MemoryObjectStreamStatistics(
                current_buffer_used=0,
                max_buffer_size=7,
                open_send_streams=1,
                open_receive_streams=1,
                tasks_waiting_send=0,
                tasks_waiting_receive=0,
            )

    def test_repr(self) -> None:
        send, receive = create_memory_object_stream[int](2)
        send.send_nowait(1)
        assert repr(send).startswith("<MemoryObjectSendStream at 0x")
        assert "open buffer=1/2" in repr(receive)
        send.close()
        receive.close()
        assert "closed" in repr(send)


class TestNowait:
    def test_buffer_fills_then_would_block(self) -> None:
        send, receive = create_memory_object_stream[int](2)
        with send, receive:
            send.send_nowait(1)
            send.send_nowait(2)
            with pytest.raises(WouldBlock):
                send.send_nowait(3)
            assert send.statistics().current_buffer_used == 2
            assert receive.receive_nowait() == 1
            assert receive.receive_nowait() == 2
            with pytest.raises(WouldBlock):
                receive.receive_nowait()

    def test_unbounded_buffer(self) -> None:
        send, receive = create_memory_object_stream[int](math.inf)
        with send, receive:
            for i in range(1000):
                send.send_nowait(i)
            assert [receive.receive_nowait() for _ in range(1000)] == list(range(1000))

    def test_end_of_stream_after_buffer_drained(self) -> None:
        send, receive = create_memory_object_stream[str](5)
        with receive:
            send.send_nowait("a")
            send.close()
            assert receive.receive_nowait() == "a"
            with pytest.raises(EndOfStream):
                receive.receive_nowait()

    @pytest.mark.parametrize("item", [0, None, "", False])
    def test_broken_when_receivers_closed(self, item: object) -> None:
        send, receive = create_memory_object_stream[object](5)
        receive.close()
        with send, pytest.raises(BrokenResourceError):
            send.send_nowait(item)

    def test_closed_ends(self) -> None:
        send, receive = create_memory_object_stream[int](5)
        send.close()
        receive.close()
        with pytest.raises(ClosedResourceError):
            send.send_nowait(1)
        with pytest.raises(ClosedResourceError):
            receive.receive_nowait()
        with pytest.raises(ClosedResourceError):
            send.clone()
        with pytest.raises(ClosedResourceError):
            receive.clone()


def _drop_one_end_unclosed(keep_open: int) -> None:
    pair = create_memory_object_stream[int]()
    pair[1 - keep_open].close()
    del pair
    gc.collect()


class TestClosing:
    def test_sync_context_manager_closes(self) -> None:
        send, receive = create_memory_object_stream[int]()
        with send as entered_send, receive as entered_receive:
            assert entered_send is send
            assert entered_receive is receive
        assert send.statistics().open_send_streams == 0
        assert send.statistics().open_receive_streams == 0

    @pytest.mark.anyio
    async def test_async_context_manager_and_aclose(self) -> None:
        send, receive = create_memory_object_stream[int]()
        async with send as entered:
            assert entered is send
        await receive.aclose()
        await receive.aclose()  # closing twice does nothing
        assert send.statistics().open_send_streams == 0
        assert send.statistics().open_receive_streams == 0

    def test_clones_count_separately(self) -> None:
        send, receive = create_memory_object_stream[int](1)
        send2 = send.clone()
        receive2 = receive.clone()
        stats = send.statistics()
        assert (stats.open_send_streams, stats.open_receive_streams) == (2, 2)
        send.close()
        send2.send_nowait(1)  # the clone still sends
        receive.close()
        assert receive2.receive_nowait() == 1
        send2.close()
        with pytest.raises(EndOfStream):
            receive2.receive_nowait()
        receive2.close()

    def test_unclosed_stream_warns_when_collected(self) -> None:
        with pytest.warns(ResourceWarning, match=r"Unclosed <MemoryObjectSendStream at "):
            _drop_one_end_unclosed(keep_open=0)
        with pytest.warns(ResourceWarning, match=r"Unclosed <MemoryObjectReceiveStream at "):
            _drop_one_end_unclosed(keep_open=1)

    def test_closed_stream_does_not_warn(self) -> None:
        send, receive = create_memory_object_stream[int]()
        send.close()
        receive.close()
        del send, receive
        gc.collect()  # warnings are errors in this suite


@pytest.mark.anyio
class TestSendReceive:
    async def test_rendezvous(self) -> None:
        send, receive = create_memory_object_stream[str]()
        received: list[str] = []

        async def consume() -> None:
            received.extend(await receive_all(receive))

        with send, receive:
            async with create_task_group() as tg:
                tg.start_soon(consume)
                await send.send("hello")
                await send.send("world")
                send.close()
        assert received == ["hello", "world"]

    async def test_send_waits_for_a_receiver(self) -> None:
        send, receive = create_memory_object_stream[int]()
        with send, receive:
            async with create_task_group() as tg:
                tg.start_soon(send.send, 42)
                await wait_all_tasks_blocked()
                assert send.statistics().tasks_waiting_send == 1
                assert receive.receive_nowait() == 42
            assert send.statistics().tasks_waiting_send == 0

    async def test_receive_waits_for_a_sender(self) -> None:
        send, receive = create_memory_object_stream[int]()
        result: list[int] = []

        async def receiver() -> None:
            result.append(await receive.receive())

        with send, receive:
            async with create_task_group() as tg:
                tg.start_soon(receiver)
                await wait_all_tasks_blocked()
                assert receive.statistics().tasks_waiting_receive == 1
                send.send_nowait(7)  # handed over directly
            assert result == [7]
            assert receive.statistics().tasks_waiting_receive == 0

    async def test_buffered_order(self) -> None:
        send, receive = create_memory_object_stream[int](3)
        with send, receive:
            async with create_task_group() as tg:
                tg.start_soon(_send_all, send, range(10))
                assert await receive_all_n(receive, 10) == list(range(10))

    async def test_parked_senders_keep_their_order_behind_the_buffer(self) -> None:
        send, receive = create_memory_object_stream[int](2)
        with send, receive:
            async with create_task_group() as tg:
                send.send_nowait(0)
                send.send_nowait(1)
                for i in (2, 3, 4):
                    tg.start_soon(send.send, i)
                    await wait_all_tasks_blocked()
                assert send.statistics().tasks_waiting_send == 3
                assert [await receive.receive() for _ in range(5)] == [0, 1, 2, 3, 4]

    # As in AnyIO: a task woken by a hand-over runs only after the task that
    # woke it has gone on to its next schedule point. Repeated, because Trio
    # runs the tasks of each turn of its loop in a random order.
    @pytest.mark.parametrize("buffer", [0, 1])
    async def test_woken_sender_runs_after_the_receiver_goes_on(self, buffer: int) -> None:
        for _ in range(20):
            assert await _sender_sees_receiver_go_on(buffer)

    async def test_woken_receiver_runs_after_the_sender_goes_on(self) -> None:
        for _ in range(20):
            assert await _receiver_sees_sender_go_on()

    async def test_receivers_are_served_first_in_first_out(self) -> None:
        send, receive = create_memory_object_stream[int]()
        got: dict[str, int] = {}

        async def receiver(name: str) -> None:
            got[name] = await receive.receive()

        with send, receive:
            async with create_task_group() as tg:
                for name in ("first", "second", "third"):
                    tg.start_soon(receiver, name)
                    await wait_all_tasks_blocked()
                for i in range(3):
                    await send.send(i)
        assert got == {"first": 0, "second": 1, "third": 2}

    async def test_senders_are_served_first_in_first_out(self) -> None:
        send, receive = create_memory_object_stream[str]()
        with send, receive:
            async with create_task_group() as tg:
                for name in ("first", "second", "third"):
                    tg.start_soon(send.send, name)
                    await wait_all_tasks_blocked()
                assert [await receive.receive() for _ in range(3)] == [
                    "first",
                    "second",
                    "third",
                ]

    async def test_async_iteration_ends_at_end_of_stream(self) -> None:
        send, receive = create_memory_object_stream[int](10)
        with receive:
            async with send:
                for i in range(5):
                    await send.send(i)
            assert await receive_all(receive) == [0, 1, 2, 3, 4]
            assert await receive_all(receive) == []

    @pytest.mark.parametrize("size", [0, 5])
    async def test_receive_end_of_stream_is_not_chained(self, size: int) -> None:
        send, receive = create_memory_object_stream[int](size)
        send.close()
        with receive, pytest.raises(EndOfStream) as info:
            await receive.receive()
        assert info.value.__context__ is None
        assert info.value.__cause__ is None

    async def test_clones_share_items(self) -> None:
        send, receive = create_memory_object_stream[int](10)
        receive2 = receive.clone()
        with send, receive, receive2:
            for i in range(4):
                await send.send(i)
            got = [await receive.receive(), await receive2.receive()]
            got += [receive2.receive_nowait(), receive.receive_nowait()]
            assert got == [0, 1, 2, 3]

    async def test_statistics_while_waiting(self) -> None:
        send, receive = create_memory_object_stream[int](1)
        with send, receive:
            async with create_task_group() as tg:
                await send.send(1)
                tg.start_soon(send.send, 2)
                tg.start_soon(send.send, 3)
                await wait_all_tasks_blocked()
                stats = receive.statistics()
                assert stats.current_buffer_used == 1
                assert stats.tasks_waiting_send == 2
                assert stats.tasks_waiting_receive == 0
                for _ in range(3):
                    await receive.receive()


async def _send_all(send: MemoryObjectSendStream[int], items: range) -> None:
    for item in items:
        await send.send(item)


async def receive_all_n(receive: MemoryObjectReceiveStream[int], n: int) -> list[int]:
    return [await receive.receive() for _ in range(n)]


@pytest.mark.anyio
class TestClosingWakesWaiters:
    async def test_last_sender_closing_ends_waiting_receivers(self) -> None:
        send, receive = create_memory_object_stream[int]()
        send2 = send.clone()
        ended: list[str] = []

        async def receiver(name: str) -> None:
            with pytest.raises(EndOfStream) as info:
                await receive.receive()
            assert info.value.__context__ is None
            ended.append(name)

        async def iterator() -> None:
            assert await receive_all(receive) == []
            ended.append("iterator")

        with receive:
            async with create_task_group() as tg:
                tg.start_soon(receiver, "a")
                tg.start_soon(iterator)
                await wait_all_tasks_blocked()
                send.close()
                await wait_all_tasks_blocked()
                assert ended == []  # send2 is still open
                send2.close()
        assert sorted(ended) == ["a", "iterator"]

    @pytest.mark.parametrize("item", [0, None, "x"])
    async def test_last_receiver_closing_breaks_waiting_senders(self, item: object) -> None:
        send, receive = create_memory_object_stream[object]()

        async def sender() -> None:
            with pytest.raises(BrokenResourceError):
                await send.send(item)

        with send:
            async with create_task_group() as tg:
                tg.start_soon(sender)
                tg.start_soon(sender)
                await wait_all_tasks_blocked()
                receive.close()
            with pytest.raises(BrokenResourceError):
                await send.send(item)

    @pytest.mark.parametrize("how", ["close", "aclose", "exit"])
    @pytest.mark.parametrize("end", ["send", "receive"])
    async def test_closing_wakes_tasks_blocked_on_the_same_end(self, how: str, end: str) -> None:
        # AnyIO 4.16 (anyio#1391): closing an end wakes its own blocked tasks with
        # ClosedResourceError, however it is closed.
        send, receive = create_memory_object_stream[int]()
        send_clone, receive_clone = send.clone(), receive.clone()  # the other ends stay open
        closing: Any = send if end == "send" else receive
        errors: list[BaseException] = []

        async def blocked() -> None:
            try:
                if end == "send":
                    await send.send(1)
                else:
                    await receive.receive()
            except ClosedResourceError as exc:
                errors.append(exc)

        with send_clone, receive_clone, fail_after(5):
            async with create_task_group() as tg:
                tg.start_soon(blocked)
                tg.start_soon(blocked)
                await wait_all_tasks_blocked()
                if how == "close":
                    closing.close()
                elif how == "aclose":
                    await closing.aclose()
                else:
                    with closing:
                        pass
            assert len(errors) == 2
            other = receive if end == "send" else send
            other.close()

    async def test_closing_an_end_wakes_only_its_own_waiters(self) -> None:
        send, receive = create_memory_object_stream[str]()
        other = receive.clone()
        results: dict[str, object] = {}

        async def receiver(name: str, stream: MemoryObjectReceiveStream[str]) -> None:
            try:
                results[name] = await stream.receive()
            except ClosedResourceError as exc:
                results[name] = exc

        with send, other:
            async with create_task_group() as tg:
                tg.start_soon(receiver, "closed", receive)
                tg.start_soon(receiver, "other", other)
                await wait_all_tasks_blocked()
                receive.close()
                await wait_all_tasks_blocked()
                assert isinstance(results.pop("closed"), ClosedResourceError)
                assert other.statistics().tasks_waiting_receive == 1
                await send.send("for the other one")
        assert results == {"other": "for the other one"}

    async def test_closing_a_send_end_fails_its_waiting_senders(self) -> None:
        send, receive = create_memory_object_stream[str]()
        other = send.clone()

        async def sender() -> None:
            with pytest.raises(ClosedResourceError):
                await send.send("never delivered")

        with receive, other:
            async with create_task_group() as tg:
                tg.start_soon(sender)
                tg.start_soon(other.send, "delivered")
                await wait_all_tasks_blocked()
                send.close()
                assert await receive.receive() == "delivered"
            assert receive.statistics().current_buffer_used == 0

    async def test_operations_on_closed_ends_checkpoint_and_fail(self) -> None:
        send, receive = create_memory_object_stream[int](5)
        send.close()
        receive.close()
        with pytest.raises(ClosedResourceError):
            await send.send(1)
        with pytest.raises(ClosedResourceError):
            await receive.receive()
        with pytest.raises(ClosedResourceError):
            await receive.__anext__()


@pytest.mark.anyio
class TestCheckpoints:
    """Every send and receive is a checkpoint, also when it completes at once."""

    async def test_sends_with_room_let_other_tasks_run(self) -> None:
        # A task that only sends, and never has to wait, must not starve the others.
        send, receive = create_memory_object_stream[int](math.inf)
        ran: list[bool] = []
        with send, receive:
            async with create_task_group() as tg:
                tg.start_soon(_append, ran)
                for sent in range(100):
                    await send.send(sent)
                    if ran:
                        break
                assert ran
                assert sent < 10

    @pytest.mark.parametrize("via", ["receive", "anext"])
    async def test_receives_with_items_let_other_tasks_run(self, via: str) -> None:
        send, receive = create_memory_object_stream[int](math.inf)
        ran: list[bool] = []
        with send, receive:
            for i in range(100):
                send.send_nowait(i)
            async with create_task_group() as tg:
                tg.start_soon(_append, ran)
                for received in range(100):
                    assert await _receive_via(receive, via) == received
                    if ran:
                        break
                assert ran
                assert received < 10

    async def test_send_in_cancelled_scope_does_not_deliver(self) -> None:
        send, receive = create_memory_object_stream[int](math.inf)
        with send, receive:
            with CancelScope() as scope:
                scope.cancel()
                await send.send(1)
            assert scope.cancelled_caught
            with pytest.raises(WouldBlock):
                receive.receive_nowait()

    @pytest.mark.parametrize("via", ["receive", "anext"])
    async def test_receive_in_cancelled_scope_takes_nothing(self, via: str) -> None:
        send, receive = create_memory_object_stream[int](5)
        with send, receive:
            send.send_nowait(1)
            send.send_nowait(2)
            with CancelScope() as scope:
                scope.cancel()
                await _receive_via(receive, via)
            assert scope.cancelled_caught
            # The item is back at the front: the order is unchanged.
            assert [receive.receive_nowait(), receive.receive_nowait()] == [1, 2]


async def _append(ran: list[bool]) -> None:
    ran.append(True)


async def _receive_via(stream: MemoryObjectReceiveStream[int], via: str) -> int:
    if via == "anext":
        return await stream.__anext__()
    return await stream.receive()


@pytest.mark.anyio
class TestCancellation:
    @pytest.mark.parametrize("via", ["receive", "anext"])
    async def test_cancelled_receiver_leaves_the_queue(self, via: str) -> None:
        send, receive = create_memory_object_stream[int]()
        with send, receive:
            async with create_task_group() as tg:
                tg.start_soon(_receive_via, receive, via)
                await wait_all_tasks_blocked()
                assert receive.statistics().tasks_waiting_receive == 1
                tg.cancel_scope.cancel()
            assert receive.statistics().tasks_waiting_receive == 0
            # Nobody is waiting any more, so a send cannot complete at once.
            with pytest.raises(WouldBlock):
                send.send_nowait(1)

    async def test_cancelled_sender_does_not_deliver(self) -> None:
        send, receive = create_memory_object_stream[int]()
        with send, receive:
            async with create_task_group() as tg:
                tg.start_soon(send.send, 1)
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
            assert send.statistics().tasks_waiting_send == 0
            with pytest.raises(WouldBlock):
                receive.receive_nowait()

    async def test_cancelled_sender_not_yet_resumed_still_delivers(self) -> None:
        """AnyIO's race, which programs rely on: the item goes, the send raises anyway.

        A parked sender whose scope was just cancelled stays in the queue until it
        runs again; a receive_nowait() in between takes its item (the MCP SDK then
        sends a courtesy cancellation for the request it delivered).
        """
        send, receive = create_memory_object_stream[str]()
        outcome: list[str] = []
        scope = CancelScope()

        async def sender() -> None:
            with scope:
                await send.send("request")
                outcome.append("returned")
            outcome.append("cancelled" if scope.cancelled_caught else "not cancelled")

        with send, receive:
            async with create_task_group() as tg:
                tg.start_soon(sender)
                await wait_all_tasks_blocked()
                scope.cancel()
                assert receive.receive_nowait() == "request"  # before the sender resumes
            assert outcome == ["cancelled"]
            assert send.statistics().tasks_waiting_send == 0

    @pytest.mark.parametrize("via", ["receive", "anext"])
    async def test_item_handed_to_a_receiver_cancelled_at_once_is_not_lost(self, via: str) -> None:
        # The receiver is woken with the item and its scope is cancelled in the same
        # step: either it returns the item, or the item stays in the stream.
        send, receive = create_memory_object_stream[int]()
        got: list[int] = []

        async def receiver(scope: CancelScope) -> None:
            with scope:
                got.append(await _receive_via(receive, via))
                await checkpoint()

        with send, receive:
            async with create_task_group() as tg:
                scope = CancelScope()
                tg.start_soon(receiver, scope)
                await wait_all_tasks_blocked()
                send.send_nowait(99)
                scope.cancel()
            leftover = []
            with contextlib.suppress(WouldBlock):
                leftover.append(receive.receive_nowait())
            assert got + leftover == [99]

    async def test_receivers_give_back_to_next_receiver_when_natively_cancelled(
        self, anyio_backend_name: str
    ) -> None:
        if anyio_backend_name != "asyncio":
            pytest.skip("asyncio only: a native Task.cancel() after the hand-over")
        import asyncio

        send, receive = create_memory_object_stream[str]()
        tasks: dict[str, asyncio.Task[Any]] = {}
        got: dict[str, object] = {}

        async def receiver(name: str) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks[name] = task
            try:
                got[name] = await receive.receive()
            except asyncio.CancelledError:
                got[name] = "cancelled"
                _uncancel(task)

        with send, receive:
            async with create_task_group() as tg:
                tg.start_soon(receiver, "first")
                await wait_all_tasks_blocked()
                tg.start_soon(receiver, "second")
                await wait_all_tasks_blocked()
                send.send_nowait("item")  # handed to "first"
                tasks["first"].cancel()  # before "first" could run
        assert got == {"first": "cancelled", "second": "item"}

    async def test_natively_cancelled_receiver_puts_item_back_in_front(
        self, anyio_backend_name: str
    ) -> None:
        if anyio_backend_name != "asyncio":
            pytest.skip("asyncio only: a native Task.cancel() after the hand-over")
        import asyncio

        send, receive = create_memory_object_stream[str](5)
        outcome: list[str] = []

        tasks: list[asyncio.Task[Any]] = []

        async def receiver() -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.append(task)
            try:
                await receive.receive()
            except asyncio.CancelledError:
                outcome.append("cancelled")
                _uncancel(task)

        with send, receive:
            async with create_task_group() as tg:
                tg.start_soon(receiver)
                await wait_all_tasks_blocked()
                send.send_nowait("first")  # handed to the parked receiver
                send.send_nowait("second")  # buffered
                tasks[0].cancel()  # before the receiver could run
            assert outcome == ["cancelled"]
            assert [receive.receive_nowait(), receive.receive_nowait()] == ["first", "second"]


def _uncancel(task: Any) -> None:
    """Undo the count of a native cancel() we handled (Python 3.11+ keeps one)."""
    if hasattr(task, "uncancel"):
        task.uncancel()


class _Ledger:
    """What the hammer test's tasks did: items sent (or tried), delivered and received."""

    def __init__(self) -> None:
        self.tried: list[int] = []
        self.delivered: list[int] = []
        self.received: list[int] = []
        self.scopes: list[CancelScope] = []
        self.cancellations = 0


@pytest.mark.anyio
class TestHammer:
    """Many senders and receivers, cancelled at random: no item lost, none doubled."""

    @pytest.mark.parametrize("size", [0, 1, 7])
    @pytest.mark.parametrize("seed", range(4))
    async def test_random_cancellations(self, size: int, seed: int) -> None:
        import random

        rng = random.Random(seed)
        ledger = _Ledger()
        send, receive = create_memory_object_stream[int](size)
        items_per_sender, senders, receivers = 150, 4, 4

        async def sender(stream: MemoryObjectSendStream[int], first: int) -> None:
            with stream:
                for item in range(first, first + items_per_sender):
                    with CancelScope() as scope:
                        ledger.scopes.append(scope)
                        ledger.tried.append(item)
                        await stream.send(item)
                        ledger.delivered.append(item)
                    ledger.scopes.remove(scope)

        async def receiver(stream: MemoryObjectReceiveStream[int], use_anext: bool) -> None:
            with stream:
                while True:
                    with CancelScope() as scope:
                        ledger.scopes.append(scope)
                        try:
                            item = await (stream.__anext__() if use_anext else stream.receive())
                        except (EndOfStream, StopAsyncIteration):
                            return
                        ledger.received.append(item)
                    ledger.scopes.remove(scope)

        async def chaos(done: CancelScope) -> None:
            with done:
                while True:
                    for _ in range(rng.randrange(4)):
                        await checkpoint()
                    if ledger.scopes:
                        rng.choice(ledger.scopes).cancel()
                        ledger.cancellations += 1

        with fail_after(30):
            async with create_task_group() as tg:
                for i in range(receivers):
                    tg.start_soon(receiver, receive.clone(), i % 2 == 1)
                receive.close()
                done = CancelScope()
                tg.start_soon(chaos, done)
                async with create_task_group() as sending:
                    for i in range(senders):
                        sending.start_soon(sender, send.clone(), i * items_per_sender)
                    send.close()
                done.cancel()

        assert ledger.cancellations > 50
        assert len(ledger.received) == len(set(ledger.received)), "an item was doubled"
        assert set(ledger.delivered) <= set(ledger.received), "an item was lost"
        # A send() cancelled while parked may still have delivered (as in AnyIO):
        # what was received is what was sent or tried, nothing else.
        assert set(ledger.received) <= set(ledger.tried)

    async def test_native_cancellations_never_double_an_item(
        self, anyio_backend_name: str
    ) -> None:
        # With asyncio's own Task.cancel(), a sender may be cancelled right after a
        # receiver took its item (the send then happened but raises); receivers never
        # lose or double an item.
        if anyio_backend_name != "asyncio":
            pytest.skip("asyncio only: native Task.cancel()")
        import asyncio
        import random

        rng = random.Random(1)
        send, receive = create_memory_object_stream[int]()
        attempted: set[int] = set()
        delivered: list[int] = []
        received: list[int] = []
        tasks: list[asyncio.Task[Any]] = []

        async def sender(stream: MemoryObjectSendStream[int], first: int) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.append(task)
            with stream:
                for item in range(first, first + 200):
                    attempted.add(item)
                    try:
                        await stream.send(item)
                    except asyncio.CancelledError:
                        _uncancel(task)
                    else:
                        delivered.append(item)

        async def receiver(stream: MemoryObjectReceiveStream[int]) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.append(task)
            with stream:
                while True:
                    try:
                        received.append(await stream.receive())
                    except asyncio.CancelledError:  # noqa: PERF203 - the point of the test
                        _uncancel(task)
                    except EndOfStream:
                        return

        async def chaos(done: CancelScope) -> None:
            with done:
                while True:
                    await checkpoint()
                    victim = rng.choice(tasks)
                    if not victim.done():
                        victim.cancel()

        with fail_after(30):
            async with create_task_group() as tg:
                for _ in range(3):
                    tg.start_soon(receiver, receive.clone())
                receive.close()
                async with create_task_group() as sending:
                    for i in range(3):
                        sending.start_soon(sender, send.clone(), i * 200)
                    send.close()
                    await wait_all_tasks_blocked()
                    done = CancelScope()
                    tg.start_soon(chaos, done)
                done.cancel()

        assert len(received) == len(set(received))
        assert set(delivered) <= set(received) <= attempted
