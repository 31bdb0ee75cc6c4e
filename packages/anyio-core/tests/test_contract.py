"""The backend contract as a backend author reads it (issue 13, item 2).

`CancelScope.timed_out` is what `fail_after()` asks (no private field read
from outside a backend); a backend's scope class defines ``__new__`` as the
rule at `CancelScope.__new__` says; every backend types its options and names the accepted ones for an
unknown key.
"""

from __future__ import annotations

import math

import pytest

import anyio
from anyio import CancelScope, fail_after, move_on_after
from anyio._core.contract import current_backend, get_backend
from anyio.lowlevel import checkpoint


@pytest.mark.anyio
class TestTimedOut:
    async def test_by_deadline(self) -> None:
        with CancelScope(deadline=-math.inf) as scope:
            await checkpoint()
        assert scope.cancelled_caught
        assert scope.timed_out

    async def test_explicit_cancel_is_not_a_timeout(self) -> None:
        with CancelScope(deadline=anyio.current_time() + 1000) as scope:
            scope.cancel()
            await checkpoint()
        assert scope.cancelled_caught
        assert not scope.timed_out

    async def test_not_cancelled(self) -> None:
        with move_on_after(1000) as scope:
            await checkpoint()
        assert not scope.timed_out

    async def test_fail_after_uses_it(self) -> None:
        with pytest.raises(TimeoutError), fail_after(0):
            await checkpoint()


@pytest.mark.anyio
class TestScopeConstruction:
    async def test_public_class_makes_the_backends(self) -> None:
        scope = CancelScope(shield=True)
        assert type(scope) is current_backend().cancel_scope_class
        assert scope.shield

    async def test_backend_class_makes_itself(self) -> None:
        # The rule written at CancelScope.__new__: each backend's class has its own.
        scope_class = current_backend().cancel_scope_class
        assert "__new__" in vars(scope_class)

        class Sub(scope_class):  # type: ignore[misc,valid-type]  # the backend's class
            __slots__ = ()

        scope = Sub(deadline=5.0)
        assert type(scope) is Sub
        assert scope.deadline == 5.0


class TestOptions:
    @pytest.mark.parametrize(
        ("backend", "accepted"),
        [("asyncio", "debug, loop_factory, use_uvloop"), ("trio", "clock")],
    )
    def test_unknown_key_lists_the_accepted_ones(self, backend: str, accepted: str) -> None:
        with pytest.raises(TypeError, match="Unknown option 'colour'") as info:
            get_backend(backend).check_options({"colour": "red"})
        assert accepted in str(info.value)

    def test_asyncio_accepts_exactly_its_typed_keys(self) -> None:
        from anyio._backends._asyncio._options import OPTIONS, AsyncioOptions

        assert set(OPTIONS) == set(AsyncioOptions.__optional_keys__)
        assert "clock" in OPTIONS

    def test_trio_types_keys_it_accepts(self) -> None:
        from anyio._backends._trio._options import OPTIONS, TrioOptions

        assert set(TrioOptions.__optional_keys__) <= set(OPTIONS)
