"""Frozen dataclasses <-> plain values (tuples, strings, numbers), derived from the dataclasses' own fields.

The saved lookup index (snapshot.py) stores each Term as a tuple of plain values, which marshal can write.
Writing that tuple by hand meant naming all twenty of Term's fields twice in the right order, and a field added
to Term and forgotten there would have been lost on every warm start. Here the shape is read from
`dataclasses.fields` and the type hints, once, at import: a new field is saved with no change here, and a field
of a type this module cannot save (a dict, a date) fails at import, naming the field, instead of silently.

A value saved is one of: str, int, float, bool, None; a StrEnum saved as its value; a dataclass saved as the
tuple of its fields' values; a `tuple[X, ...]` or `X | None` of any of these. The order is the fields'
declaration order; model.py and this module are both in the saved index's code fingerprint.

The two functions are generated as straight-line code, as `dataclasses` writes `__init__`: a warm start decodes
10,000 terms, and a loop over each field's converter decoded them ~65% slower than the hand-written codec this
replaced (165 against 100 ms here); the generated code is as fast as it was, and saves the very same values.
"""

from __future__ import annotations

import dataclasses
import itertools
import types
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any

PLAIN = (str, int, float, bool, type(None))


class Codec:
    """To and from plain values for one dataclass (and every dataclass its fields hold)."""

    to_plain: Callable[[Any], tuple[Any, ...]]
    from_plain: Callable[[Any], Any]

    def __init__(self, cls: type) -> None:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls.__name__} is not a dataclass")
        hints = typing.get_type_hints(cls)
        names = [f.name for f in dataclasses.fields(cls)]
        scope: dict[str, Any] = {"_cls": cls}
        counter = itertools.count()
        exprs = [
            _exprs(hints[n], f"o.{n}", f"v{i}", scope, counter, f"{cls.__name__}.{n}") for i, n in enumerate(names)
        ]
        unpacked = ", ".join(f"v{i}" for i in range(len(names)))
        source = (
            f"def to_plain(o):\n    return ({''.join(to + ', ' for to, _ in exprs)})\n"
            # Unpacking checks the width: a saved value of another shape raises ValueError, never a wrong Term.
            f"def from_plain(v):\n    ({unpacked},) = v\n    return _cls({', '.join(back for _, back in exprs)})\n"
        )
        exec(compile(source, f"<codec for {cls.__name__}>", "exec"), scope)  # our own text, from field names
        self.cls = cls
        self.to_plain = scope["to_plain"]
        self.from_plain = scope["from_plain"]


def _exprs(hint: Any, value: str, saved: str, scope: dict[str, Any], counter: Any, where: str) -> tuple[str, str]:
    """Python expressions that turn `value` (an attribute) into its plain form, and `saved` back."""
    if hint in PLAIN:
        return value, saved
    origin = typing.get_origin(hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        name = _bind(scope, counter, hint)
        return f"{value}.value", f"{name}({saved})"
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        inner = Codec(hint)
        return (
            f"{_bind(scope, counter, inner.to_plain)}({value})",
            f"{_bind(scope, counter, inner.from_plain)}({saved})",
        )
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item = f"x{next(counter)}"
            to, back = _exprs(args[0], item, item, scope, counter, where)
            return (
                value if to == item else f"tuple([{to} for {item} in {value}])",
                saved if back == item else f"tuple([{back} for {item} in {saved}])",
            )
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if all(a in PLAIN for a in options):
            return value, saved
        if len(options) == 1:
            to, back = _exprs(options[0], value, saved, scope, counter, where)
            return f"(None if {value} is None else {to})", f"(None if {saved} is None else {back})"
    raise TypeError(f"{where}: cannot save a field of type {hint!r} in the lookup index; teach bot/glossary/codec.py")


def _bind(scope: dict[str, Any], counter: Any, thing: object) -> str:
    name = f"_f{next(counter)}"
    scope[name] = thing
    return name
