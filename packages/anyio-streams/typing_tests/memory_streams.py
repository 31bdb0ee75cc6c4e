"""Static type checks for memory object streams (run by mypy --strict; see the README).

Nothing here needs to run: each ``assert_type`` fails the type check if the type a checker
infers differs, and each ``# type: ignore[code]`` fails it (``warn_unused_ignores``) if the
error it expects does not occur.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from anyio import create_memory_object_stream
from anyio.streams.memory import (
    MemoryObjectReceiveStream,
    MemoryObjectSendStream,
    MemoryObjectStreamStatistics,
)

if TYPE_CHECKING:
    from anyio.abc import ObjectReceiveStream, ObjectSendStream

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type


async def subscripted_call_gives_the_item_type() -> None:
    send, receive = create_memory_object_stream[int](5)
    assert_type(send, MemoryObjectSendStream[int])
    assert_type(receive, MemoryObjectReceiveStream[int])
    with send, receive:
        assert_type(await receive.receive(), int)
        assert_type(receive.receive_nowait(), int)
        async for item in receive:
            assert_type(item, int)
        assert_type(send.clone(), MemoryObjectSendStream[int])
        assert_type(receive.clone(), MemoryObjectReceiveStream[int])
        assert_type(send.statistics(), MemoryObjectStreamStatistics)
        await send.send(1)
        send.send_nowait(2)
        await send.send("not an int")  # type: ignore[arg-type]
        send.send_nowait(b"not an int")  # type: ignore[arg-type]


def whole_pair_is_a_tuple() -> None:
    pair = create_memory_object_stream[str]()
    assert_type(pair, tuple[MemoryObjectSendStream[str], MemoryObjectReceiveStream[str]])
    pair[0].close()
    pair[1].close()


def annotated_targets_give_the_item_type() -> None:
    send: MemoryObjectSendStream[bytes]
    receive: MemoryObjectReceiveStream[bytes]
    send, receive = create_memory_object_stream(10)
    assert_type(receive.receive_nowait(), bytes)
    send.close()
    receive.close()


def buffer_size_is_a_float() -> None:
    send, receive = create_memory_object_stream[int](float("inf"))
    send.close()
    receive.close()
    create_memory_object_stream[int]("5")  # type: ignore[arg-type]


def ends_follow_variance(
    ints_out: MemoryObjectReceiveStream[int], objects_in: MemoryObjectSendStream[object]
) -> None:
    # A receive end yields its items as any supertype; a send end accepts any subtype.
    receives_objects: ObjectReceiveStream[object] = ints_out
    sends_ints: ObjectSendStream[int] = objects_in
    receives_strs: MemoryObjectReceiveStream[str] = ints_out  # type: ignore[assignment]
    del receives_objects, sends_ints, receives_strs


async def stapled_memory_streams_keep_the_item_type() -> None:
    from anyio.streams.stapled import StapledObjectStream

    send, receive = create_memory_object_stream[int](1)
    stapled = StapledObjectStream(send, receive)
    assert_type(stapled, StapledObjectStream[int])
    stapled.send_nowait(1)
    stapled.send_nowait("not an int")  # type: ignore[arg-type]
    assert_type(await stapled.receive(), int)
    await stapled.aclose()
