"""The virtual clock: `anyio.lowlevel.VirtualClock`, its backends and the ``anyio_clock`` marker.

The timing tests below describe hours of waiting; on the virtual clock they
take milliseconds, and they fail if the time ever runs backwards, if a timer
fires before or after its deadline, or if a jump skips a deadline.
"""

from __future__ import annotations

import importlib.util
import math
import threading
import time
from typing import Any

import pytest

import anyio
from anyio import (
    CapacityLimiter,
    Event,
    create_task_group,
    current_time,
    fail_after,
    move_on_after,
    sleep,
    sleep_until,
    to_thread,
    wait_all_tasks_blocked,
)
from anyio.lowlevel import VirtualClock, current_virtual_clock

HOUR = 3600.0
#: The real-time run of `scenario` divides every delay by this.
SCALE = HOUR / 0.05


async def scenario(unit: float) -> list[tuple[str, float]]:
    """Timeouts, sleeps and a lock timeout, in multiples of ``unit``; return (event, when)."""
    start = current_time()
    log: list[tuple[str, float]] = []

    def note(what: str) -> None:
        log.append((what, (current_time() - start) / unit))

    async def sleeper(name: str, units: float) -> None:
        await sleep(units * unit)
        note(name)

    async with create_task_group() as tg:
        tg.start_soon(sleeper, "b", 2)
        tg.start_soon(sleeper, "a", 1)
        with move_on_after(3 * unit) as scope:
            await Event().wait()
        note(f"move_on_after caught={scope.cancelled_caught}")
        try:
            with fail_after(0.5 * unit):
                await anyio.Semaphore(0).acquire()  # never: no token
        except TimeoutError:
            note("fail_after")
    return log


def _run(backend: str, clock: VirtualClock | None, unit: float) -> list[tuple[str, float]]:
    options: dict[str, Any] = {} if clock is None else {"clock": clock}
    return anyio.run(scenario, unit, backend=backend, backend_options=options)


BACKENDS = [
    "asyncio",
    pytest.param(
        "trio",
        marks=pytest.mark.skipif(importlib.util.find_spec("trio") is None, reason="no trio"),
    ),
]


class TestVirtualClockObject:
    def test_settings_are_checked(self) -> None:
        with pytest.raises(ValueError, match="rate must be a number >= 0"):
            VirtualClock(rate=-1)
        with pytest.raises(ValueError, match="autojump_threshold must be a number >= 0"):
            VirtualClock(autojump_threshold=math.nan)

    def test_time_never_runs_backwards(self) -> None:
        clock = VirtualClock()
        clock.jump(5)
        assert clock.current_time() == 5
        with pytest.raises(ValueError, match="seconds must be a number >= 0"):
            clock.jump(-1)
        assert clock.current_time() == 5

    def test_rate_scales_real_time(self) -> None:
        clock = VirtualClock(rate=1000)
        first = clock.current_time()
        time.sleep(0.01)
        assert clock.current_time() - first >= 10
        clock.rate = 0
        frozen = clock.current_time()
        time.sleep(0.001)
        assert clock.current_time() == frozen


@pytest.mark.parametrize("backend", BACKENDS)
class TestRunOnVirtualClock:
    """``anyio.run(..., backend_options={"clock": clock})`` (synchronous tests: one run each)."""

    def test_hours_take_no_time_and_match_real_time(self, backend: str) -> None:
        began = time.perf_counter()
        virtual = _run(backend, VirtualClock(autojump_threshold=0), HOUR)
        assert time.perf_counter() - began < 5  # ~7 virtual hours
        assert virtual == [
            ("a", 1.0),
            ("b", 2.0),
            ("move_on_after caught=True", 3.0),
            ("fail_after", 3.5),
        ]
        real = _run(backend, None, HOUR / SCALE)
        assert [what for what, _ in real] == [what for what, _ in virtual]
        for (_, seen), (_, expected) in zip(real, virtual, strict=True):
            assert expected <= seen < expected + 2  # real timers are late, never early

    def test_standing_clock_moves_only_by_jumps(self, backend: str) -> None:
        clock = VirtualClock()  # rate 0, no auto-jump

        async def main() -> float:
            assert current_virtual_clock() is clock
            start = current_time()
            async with create_task_group() as tg:
                tg.start_soon(sleep, 10)
                await wait_all_tasks_blocked()
                assert current_time() == start
                clock.jump(10)
            return current_time() - start

        assert anyio.run(main, backend=backend, backend_options={"clock": clock}) == 10

    def test_a_clock_drives_one_run(self, backend: str) -> None:
        clock = VirtualClock()
        anyio.run(sleep, 0, backend=backend, backend_options={"clock": clock})
        with pytest.raises(
            RuntimeError, match="already drove an event loop; create a new VirtualClock"
        ):
            anyio.run(sleep, 0, backend=backend, backend_options={"clock": clock})

    def test_real_clock_has_no_virtual_clock(self, backend: str) -> None:
        async def main() -> object:
            return current_virtual_clock()

        assert anyio.run(main, backend=backend) is None


def test_asyncio_rejects_a_clock_of_another_kind() -> None:
    """asyncio-specific: the clock option must be a VirtualClock."""
    with pytest.raises(TypeError, match=r"must be an anyio\.lowlevel\.VirtualClock"):
        anyio.run(sleep, 0, backend="asyncio", backend_options={"clock": object()})


@pytest.mark.skipif(importlib.util.find_spec("uvloop") is None, reason="uvloop not installed")
def test_uvloop_cannot_take_a_virtual_clock() -> None:
    """asyncio+uvloop-specific: uvloop's C loop keeps its own clock."""
    with pytest.raises(ValueError, match="uvloop keeps its own clock in C"):
        anyio.run(
            sleep,
            0,
            backend="asyncio",
            backend_options={"clock": VirtualClock(), "use_uvloop": True},
        )


@pytest.mark.anyio
@pytest.mark.anyio_clock("autojump")
class TestAutojumpMarker:
    async def test_half_hour_timeout_is_instant(self, anyio_clock: VirtualClock) -> None:
        began = time.perf_counter()
        start = current_time()
        with pytest.raises(TimeoutError):
            with fail_after(30 * 60):
                await Event().wait()
        assert current_time() - start == 30 * 60
        assert anyio_clock.current_time() == current_time()
        assert time.perf_counter() - began < 5

    async def test_deadlines_in_order_never_skipped_never_backwards(self) -> None:
        start = current_time()
        # Deadlines out of order, some equal, some tiny next to huge ones.
        delays = [7200.0, 0.001, 3600.0, 5.5, 3600.0, 86400.0 * 3, 0.25, 1e-6]
        woke: list[tuple[float, float]] = []
        readings: list[float] = []

        async def sleeper(delay: float) -> None:
            deadline = start + delay
            await sleep_until(deadline)
            woke.append((deadline, current_time()))

        async def watcher() -> None:
            while len(woke) < len(delays):
                readings.append(current_time())
                await sleep(1000)

        async with create_task_group() as tg:
            tg.start_soon(watcher)
            for delay in delays:
                tg.start_soon(sleeper, delay)
        # Each sleeper woke exactly at its deadline, in deadline order.
        assert [w for w, _ in woke] == sorted(start + d for d in delays)
        assert all(now == deadline for deadline, now in woke)
        assert readings == sorted(readings)
        assert readings == [start + 1000 * i for i in range(len(readings))]

    async def test_primitive_timeouts_follow_it(self) -> None:
        limiter = CapacityLimiter(1)
        await limiter.acquire_on_behalf_of("someone else")
        start = current_time()
        with move_on_after(600) as scope:
            await limiter.acquire()
        assert scope.cancelled_caught
        assert current_time() - start == 600
        limiter.release_on_behalf_of("someone else")

    async def test_no_jump_while_a_worker_thread_works(self) -> None:
        release = threading.Event()
        start = current_time()

        def work() -> float:
            release.wait(0.5)
            return 0.0

        async def timer() -> None:
            await sleep(HOUR)
            release.set()  # only reached if the clock jumped during the thread's work

        async with create_task_group() as tg:
            tg.start_soon(timer)
            await wait_all_tasks_blocked()
            began = time.perf_counter()
            with fail_after(2 * HOUR):
                await to_thread.run_sync(work)
            # The thread waited its real half second: nobody set the event meanwhile.
            assert time.perf_counter() - began >= 0.4
            assert current_time() == start
        assert current_time() - start == HOUR


@pytest.mark.anyio
@pytest.mark.anyio_clock
async def test_standstill_marker_and_fixture(anyio_clock: VirtualClock) -> None:
    start = current_time()
    done = Event()

    async def nap() -> None:
        await sleep(HOUR)
        done.set()

    async with create_task_group() as tg:
        tg.start_soon(nap)
        await wait_all_tasks_blocked()
        assert current_time() == start
        assert not done.is_set()
        anyio_clock.jump(HOUR - 1)
        await wait_all_tasks_blocked()
        assert not done.is_set()
        anyio_clock.jump(1)
    assert done.is_set()
    assert current_time() - start == HOUR


@pytest.fixture
async def clock_seen_by_fixture() -> VirtualClock | None:
    """A function-scoped async fixture: it runs on the marked test's clock."""
    return current_virtual_clock()


@pytest.mark.anyio
@pytest.mark.anyio_clock("autojump")
async def test_function_scoped_fixtures_share_the_clock(
    clock_seen_by_fixture: VirtualClock | None, anyio_clock: VirtualClock
) -> None:
    assert clock_seen_by_fixture is anyio_clock
    assert current_virtual_clock() is anyio_clock


@pytest.mark.anyio
async def test_unmarked_tests_run_on_the_real_clock(
    clock_seen_by_fixture: VirtualClock | None,
) -> None:
    assert clock_seen_by_fixture is None
    assert current_virtual_clock() is None
