"""What the schema says about a field, for the workbook's headers: its description, default and allowed words.

The workbook documents each column from :mod:`carebridge.scenario.schema`, so that every field is still
declared once.
"""

from __future__ import annotations

import types
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from carebridge.scenario.errors import Path


def words(model: type[BaseModel], name: str) -> tuple[str, ...]:
    """The words a field allows (its ``Literal`` values), in the schema's order.

    >>> from carebridge.scenario.schema import Reduce
    >>> words(Reduce, "basis")
    ('base', 'do_nothing')
    """
    return tuple(str(word) for word in _literals(model.model_fields[name].annotation))


def field_info(model: type[BaseModel] | None, path: Path) -> FieldInfo | None:
    """The field at ``path`` (names of fields, through nested models), or ``None`` when there is none."""
    info: FieldInfo | None = None
    current: Any = model
    for part in path:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _model_in(info.annotation)
    return info


def describe(model: type[BaseModel] | None, path: Path) -> str:
    """The description of the field at ``path``, with its default when it has a plain one."""
    info = field_info(model, path)
    if info is None:
        return ""
    text = info.description or ""
    default = info.default
    if default is not PydanticUndefined and default is not None and not isinstance(default, BaseModel):
        shown = str(default).lower() if isinstance(default, bool) else str(default)
        text = f"{text} Default: {shown}." if text else f"Default: {shown}."
    return text.strip()


def _literals(annotation: Any) -> list[Any]:
    if get_origin(annotation) is Literal:
        return list(get_args(annotation))
    if get_origin(annotation) in (Union, types.UnionType):
        return [word for option in get_args(annotation) for word in _literals(option)]
    return []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, directly or as a branch of a union (``PriceUplift | YearValue | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType):
        return next((found for option in get_args(annotation) if (found := _model_in(option))), None)
    return None
