"""Typed attributes: `typed_attribute()`, `TypedAttributeSet`, `TypedAttributeProvider`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from anyio import (
    TypedAttributeLookupError,
    TypedAttributeProvider,
    TypedAttributeSet,
    typed_attribute,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


class PeerAttribute(TypedAttributeSet):
    name: str = typed_attribute()
    port: int = typed_attribute()
    _helper = "private names need no annotation"


class Peer(TypedAttributeProvider):
    def __init__(self) -> None:
        self.lookups = 0

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return {PeerAttribute.name: self._name}

    def _name(self) -> str:
        self.lookups += 1
        return "peer.example"


class Wrapper(TypedAttributeProvider):
    """Offers everything the wrapped provider offers, plus one attribute of its own."""

    def __init__(self, inner: TypedAttributeProvider) -> None:
        self.inner = inner

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return {**self.inner.extra_attributes, PeerAttribute.port: lambda: 443}


class TestTypedAttribute:
    def test_each_call_returns_a_distinct_marker(self) -> None:
        assert typed_attribute() is not typed_attribute()
        assert PeerAttribute.name != PeerAttribute.port
        assert len({PeerAttribute.name, PeerAttribute.port}) == 2

    def test_subclass_shares_the_parents_markers(self) -> None:
        class MorePeerAttribute(PeerAttribute):
            protocol: str = typed_attribute()

        assert MorePeerAttribute.name is PeerAttribute.name
        assert MorePeerAttribute.protocol not in {PeerAttribute.name, PeerAttribute.port}


class TestTypedAttributeSet:
    def test_public_attribute_without_annotation_is_rejected(self) -> None:
        with pytest.raises(TypeError, match=r"'port'.*missing its type annotation"):

            class BadAttribute(TypedAttributeSet):
                name: str = typed_attribute()
                port = typed_attribute()

    def test_public_method_without_annotation_is_rejected(self) -> None:
        with pytest.raises(TypeError, match="'helper'"):

            class BadAttribute(TypedAttributeSet):
                def helper(self) -> None:
                    pass

    def test_private_names_are_allowed(self) -> None:
        assert PeerAttribute._helper

    def test_public_names(self) -> None:
        assert TypedAttributeSet.__module__ == "anyio"
        assert TypedAttributeProvider.__module__ == "anyio"
        assert typed_attribute.__module__ == "anyio"


class TestTypedAttributeProvider:
    def test_extra_returns_the_value(self) -> None:
        assert Peer().extra(PeerAttribute.name) == "peer.example"

    def test_value_is_computed_on_each_lookup(self) -> None:
        peer = Peer()
        assert peer.lookups == 0
        peer.extra(PeerAttribute.name)
        peer.extra(PeerAttribute.name)
        assert peer.lookups == 2

    def test_missing_attribute_raises(self) -> None:
        with pytest.raises(TypedAttributeLookupError, match=r"^Attribute not found$"):
            Peer().extra(PeerAttribute.port)

    def test_missing_attribute_is_a_lookup_error(self) -> None:
        with pytest.raises(LookupError):
            Peer().extra(PeerAttribute.port)

    def test_missing_attribute_with_default(self) -> None:
        marker = object()
        assert Peer().extra(PeerAttribute.port, marker) is marker

    def test_none_is_a_valid_default(self) -> None:
        assert Peer().extra(PeerAttribute.port, None) is None

    def test_default_is_ignored_when_present(self) -> None:
        assert Peer().extra(PeerAttribute.name, "other") == "peer.example"

    def test_base_class_offers_nothing(self) -> None:
        provider = TypedAttributeProvider()
        assert provider.extra_attributes == {}
        assert provider.extra(PeerAttribute.name, 7) == 7

    def test_wrapper_passes_on_inner_attributes(self) -> None:
        wrapper = Wrapper(Peer())
        assert wrapper.extra(PeerAttribute.name) == "peer.example"
        assert wrapper.extra(PeerAttribute.port) == 443

    def test_lookup_error_from_getter_is_not_masked(self) -> None:
        # A KeyError raised while computing a value is a bug in the getter and
        # must not be reported as a missing attribute.
        class Broken(TypedAttributeProvider):
            @property
            def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
                return {PeerAttribute.name: lambda: {}["missing"]}

        with pytest.raises(KeyError, match="missing"):
            Broken().extra(PeerAttribute.name, "default")
