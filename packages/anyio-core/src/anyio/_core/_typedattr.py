"""Typed attributes: extra, typed information that a resource can offer.

A stream wrapped around a socket can tell its peer's address; a TLS stream
can tell the negotiated protocol; a wrapper passes on what the wrapped stream
offers. Each piece of information is named by a *typed attribute*: a unique
marker object declared, with its type, on a `TypedAttributeSet` subclass.
A `TypedAttributeProvider` maps the markers it supports to zero-argument
callables that produce the value on demand, and `extra()` looks them up.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TypeVar, final, overload

from ._exceptions import TypedAttributeLookupError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

T_Attr = TypeVar("T_Attr")
T_Default = TypeVar("T_Default")

# Sentinel telling `extra()` that no default was given (None is a valid default).
_NO_DEFAULT: Any = object()


def typed_attribute() -> Any:
    """Return a new, unique marker for a typed attribute.

    Use it as the value of an annotated class attribute of a
    `TypedAttributeSet` subclass; the annotation gives the attribute's type.

    Returns:
        A plain `object()`, which compares equal only to itself: it is the
        key under which providers list the attribute in `extra_attributes`.

    Example:
        ```python
        class PeerAttribute(TypedAttributeSet):
            peer_name: str = typed_attribute()
        ```
    """
    return object()


def _own_annotation_names(klass: type) -> Iterable[str]:
    """Return the names annotated in `klass`'s own body (not its bases')."""
    if sys.version_info >= (3, 14):  # pragma: no cover - lazy annotations
        import annotationlib

        return annotationlib.get_annotations(klass, format=annotationlib.Format.FORWARDREF).keys()
    # What inspect.get_annotations() does before 3.14, without importing inspect.
    annotations: dict[str, Any] = klass.__dict__.get("__annotations__", {})  # noqa: RUF063
    return annotations.keys()


class TypedAttributeSet:
    """Base class for a collection of typed attributes.

    Declare each attribute as an annotated class attribute whose value is
    `typed_attribute()`. Defining a subclass fails with `TypeError` if one of
    its public attributes has no type annotation, since the annotation is
    what tells users (and type checkers) the attribute's type.

    Example:
        ```python
        class PeerAttribute(TypedAttributeSet):
            peer_name: str = typed_attribute()
            peer_port: int = typed_attribute()
        ```
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        annotated = set(_own_annotation_names(cls))
        for name in cls.__dict__:
            if not name.startswith("_") and name not in annotated:
                raise TypeError(
                    f"Attribute {name!r} of {cls.__qualname__} is missing its type "
                    f"annotation; declare it as `{name}: <type> = typed_attribute()`"
                )
        super().__init_subclass__(**kwargs)


class TypedAttributeProvider:
    """Base class for objects that offer typed attributes through `extra()`.

    Subclasses override the `extra_attributes` property; `extra()` is the
    lookup that users call.
    """

    __slots__ = ()

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        """The typed attributes this object offers.

        A mapping from each supported typed attribute to a zero-argument
        callable that returns the attribute's current value. A wrapper should
        include the attributes of the object it wraps (`{**inner.extra_attributes,
        ...}`). The base implementation offers nothing.
        """
        return {}

    @overload
    def extra(self, attribute: T_Attr) -> T_Attr: ...

    @overload
    def extra(self, attribute: T_Attr, default: T_Default) -> T_Attr | T_Default: ...

    @final
    def extra(self, attribute: Any, default: object = _NO_DEFAULT) -> object:
        """Return the value of a typed attribute.

        Args:
            attribute: the typed attribute to look up, for example
                `SocketAttribute.remote_address`.
            default: the value to return if this object does not offer the
                attribute.

        Returns:
            The attribute's value, or `default` if the attribute is missing.

        Raises:
            TypedAttributeLookupError: if the attribute is missing and no
                default was given.
        """
        try:
            getter = self.extra_attributes[attribute]
        except KeyError:
            if default is _NO_DEFAULT:
                raise TypedAttributeLookupError("Attribute not found") from None
            return default
        return getter()


# Shown as `anyio.TypedAttributeSet` in reprs and docs, where users find them.
for _public in (typed_attribute, TypedAttributeSet, TypedAttributeProvider):
    _public.__module__ = "anyio"
del _public
