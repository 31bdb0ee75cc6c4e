"""Griffe extensions for our sources: `#:` comments, and classes built by `__new__`.

`CommentDocs`: `#:` comments document the attribute they precede (or end).

Our sources document attributes the Sphinx way, with `#:` comments:

    class TLSAttribute(TypedAttributeSet):
        #: the ALPN protocol that the peers agreed on
        alpn_protocol: str | None = typed_attribute()

        tls_version: str = typed_attribute()  #: the TLS version, e.g. "TLSv1.3"

Griffe reads only docstrings, so without this extension such attributes show up in the API
reference with no text. For every attribute that has no docstring of its own, it takes the
`#:` comment lines right above the assignment (or a `#:` comment at the end of its line) and
makes them the docstring.

`NewAsSignature`: mkdocstrings shows a class's call signature from its `__init__` only. A
class that is really a factory (`create_memory_object_stream`: a class only so that
`create_memory_object_stream[int](5)` works, whose `__new__` returns a tuple) defines
`__new__` alone, and showed no signature. For such a class, the API reference takes the
signature from `__new__`.

mkdocs.yml loads both through mkdocstrings' `extensions` option.
"""

from __future__ import annotations

import ast
from typing import Any

import griffe

MARK = "#:"


def comment_above(lines: list[str], lineno: int) -> str | None:
    """Return the `#:` comment block that ends right above line `lineno` (1-based)."""
    found: list[str] = []
    index = lineno - 2
    while index >= 0 and lines[index].strip().startswith(MARK):
        found.append(lines[index].strip()[len(MARK) :].strip())
        index -= 1
    return "\n".join(reversed(found)) or None


def comment_after(line: str) -> str | None:
    """Return the text of a trailing `#:` comment on `line`, if there is one."""
    code, mark, text = line.partition("  " + MARK)
    return text.strip() or None if mark and code.strip() else None


def as_docstring(text: str) -> str:
    """Make a sentence of a comment: a capital first letter and a final full stop."""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", ":", "!", "?", "`", ")")) else text + "."


class CommentDocs(griffe.Extension):
    """Turn `#:` comments into attribute docstrings (see the module docstring)."""

    def on_attribute_instance(
        self, *, node: Any, attr: griffe.Attribute, agent: Any, **kwargs: Any
    ) -> None:
        if attr.docstring is not None or not isinstance(node, ast.AST):
            return
        code = getattr(agent, "code", None)
        lineno = getattr(node, "lineno", None)
        if not isinstance(code, str) or not isinstance(lineno, int):
            return
        lines = code.splitlines()
        text = comment_above(lines, lineno) or comment_after(lines[lineno - 1])
        if text:
            attr.docstring = griffe.Docstring(
                as_docstring(text), lineno=lineno, endlineno=lineno, parent=attr
            )


class NewAsSignature(griffe.Extension):
    """Show the signature of `__new__` for a class that has no `__init__` of its own."""

    def on_class_members(self, *, node: Any, cls: griffe.Class, agent: Any, **kwargs: Any) -> None:
        new = cls.members.get("__new__")
        if "__init__" in cls.members or not isinstance(new, griffe.Function):
            return
        init = griffe.Function(
            "__init__",
            lineno=new.lineno,
            endlineno=new.endlineno,
            parameters=new.parameters,
            returns=None,
            docstring=None,
        )
        cls.set_member("__init__", init)
