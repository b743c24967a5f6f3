"""A scenario's plain data written as YAML a person can read and edit.

ruamel's round-trip dumper, in the schema's field order: short maps and lists (a map of years, providers, a
cost structure, an organisation) on one line in flow style, longer ones as blocks; whole numbers without
``.0``; text that ends in a line break folded over lines, text with line breaks inside as a literal block.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

WIDTH = 110
"""The longest line written, but for long text and long values by year."""
FOLD_AT = 100
LEADING = ("id", "name", "kind")
QUOTED = (":", "#", "'", '"', "{", "}", "[", "]", ",", "&", "*", "!", "|", ">", "%", "@", "`")
"""Characters that may make text be written in quotes in a flow map (an estimate, on the long side)."""


def dump_yaml(data: Mapping[str, Any], comment: str | None = None) -> str:
    """The YAML text of the scenario ``data``, with ``comment`` at the top."""
    yaml = YAML(typ="rt")
    yaml.width = WIDTH
    yaml.indent(mapping=2, sequence=4, offset=2)
    tree = _styled(data, indent=0)
    for key, value in data.items():
        if isinstance(value, Mapping | list):
            tree.yaml_set_comment_before_after_key(key, before="\n")
    if comment:
        tree.yaml_set_start_comment(comment)
    stream = io.StringIO()
    yaml.dump(tree, stream)
    return stream.getvalue()


def _styled(value: Any, indent: int, room: int = WIDTH, item: bool = False) -> Any:
    """``value`` as ruamel nodes with their style. ``indent`` is the column a block form starts at, ``room``
    the columns left on the line for a flow form, ``item`` whether ``value`` is an item of a list."""
    if isinstance(value, Mapping):
        keys = _ordered(value) if indent > 0 else list(value)
        node = CommentedMap(
            (key, _styled(value[key], indent + 2, WIDTH - indent - len(str(key)) - 2)) for key in keys
        )
        if indent > 0 and _flat(value, item):
            _flow_if_it_fits(node, value, room)
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_styled(entry, indent + 2, WIDTH - indent - 2, item=True) for entry in value)
        if indent > 0 and _all_scalars(value):
            _flow_if_it_fits(seq, value, room)
        return seq
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str):
        return _text(value)
    return value


def _flat(value: Mapping[str, Any], item: bool) -> bool:
    """Whether a map may go on one line: its values are scalars, or, for a list item (an effect), scalars and
    maps or lists of scalars (its values by year)."""
    if _all_scalars(value.values()):
        return True
    nested = (entry.values() if isinstance(entry, Mapping) else entry for entry in value.values())
    return item and all(not isinstance(entry, Mapping | list) or _all_scalars(entry) for entry in nested)


def _ordered(value: Mapping[str, Any]) -> list[str]:
    """The keys of ``value`` in the schema's order, but ``id``, ``name`` and ``kind`` first (an effect's kind
    before its POD)."""
    leading = [key for key in LEADING if key in value]
    return [*leading, *(key for key in value if key not in leading)]


def _flow_if_it_fits(node: CommentedMap | CommentedSeq, value: Any, room: int) -> None:
    width = _flow_width(value)
    if width is not None and width <= room:
        node.fa.set_flow_style()


def _all_scalars(values: Any) -> bool:
    return all(not isinstance(value, Mapping | list) for value in values)


def _flow_width(value: Any) -> int | None:
    """How wide ``value`` is written on one line; ``None`` when it cannot be (long text, text over lines)."""
    if isinstance(value, Mapping):
        parts = [(_flow_width(key), _flow_width(item)) for key, item in value.items()]
        if any(key is None or item is None for key, item in parts):
            return None
        return 4 * len(parts) + sum(key + item for key, item in parts if key is not None and item is not None)
    if isinstance(value, list):
        widths = [_flow_width(item) for item in value]
        return (
            None if None in widths else 2 * len(widths) + sum(width for width in widths if width is not None)
        )
    text = str(_styled(value, indent=1))
    if "\n" in text or len(text) > FOLD_AT // 2:
        return None
    return len(text) + (2 if isinstance(value, str) and any(mark in text for mark in QUOTED) else 0)


def _text(value: str) -> Any:
    """Text as a literal block if it has line breaks inside, folded if it ends in one, plain otherwise."""
    body = value.removesuffix("\n")
    if "\n" in body:
        return LiteralScalarString(value)
    if value.endswith("\n"):
        folded = FoldedScalarString(value)
        folded.fold_pos = _fold_positions(body)
        return folded
    return value


def _fold_positions(text: str) -> list[int]:
    """Spaces at which to break ``text`` so that no line is much longer than :data:`FOLD_AT`."""
    positions, start = [], 0
    while len(text) - start > FOLD_AT:
        space = text.rfind(" ", start, start + FOLD_AT)
        if space <= start or text[space - 1] == " " or text[space + 1 : space + 2] == " ":
            break
        positions.append(space)
        start = space + 1
    return positions
