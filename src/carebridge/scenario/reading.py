"""Read a YAML input file once, within limits, into plain data and the line of each of its parts.

Every YAML file the tool reads (scenarios, registers, appraisal parameters, candidates) comes through here.
The text is parsed once, event by event, and in the same pass:

- plain dicts, lists, str, int, float, bool and ``None`` are built (dates become text ``YYYY-MM-DD``);
- a :class:`Lines` tree records the line of every map key and list item, for located messages;
- a key given twice in one map is a problem;
- the limits below are enforced, each refusal a located problem, so that no file can exhaust the machine:

========================  =====================================================================
:data:`MAX_FILE_BYTES`    the size of a file (checked before it is read)
:data:`MAX_DEPTH`         maps and lists inside each other
:data:`MAX_ALIAS_VALUES`  values repeated by aliases (``*name``), in all: a map of 100 values
                          repeated by 3 aliases counts 303 (this stops "billion laughs")
:data:`MAX_DIGITS`        digits of a whole number
========================  =====================================================================

The events come from libyaml's parser (through PyYAML, in C: a 5 MB file parses in well under a second; the
pure-Python parsers take a minute), and scalars are typed by ruamel.yaml's YAML 1.2 rules, so ``yes`` and
``no`` stay text as the format says. A file libyaml cannot parse is parsed again with ruamel.yaml only to
word the problem as it always has been. Python's cycle collector is paused while the data is built
(:func:`without_cycle_collection`). A 5 MB scenario is read and checked in under 3 s
(``benchmarks/loader.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import pathlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml as pyyaml  # type: ignore[import-untyped]
from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from yaml.events import (  # type: ignore[import-untyped]
    AliasEvent,
    CollectionEndEvent,
    DocumentStartEvent,
    Event,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)

from carebridge.scenario.errors import Path, Problem, shorten

MAX_FILE_BYTES = 10_000_000
"""The largest input file read: 10 MB (a large place's scenario is under 1 MB)."""

MAX_DEPTH = 50
"""The deepest nesting of maps and lists (a scenario needs fewer than 10 levels)."""

MAX_ALIAS_VALUES = 10_000
"""The most values that aliases (``*name``) may repeat in one file, counting every value inside."""

MAX_DIGITS = 30
"""The most digits of a whole number (no plan's number has more than 15)."""

_TAG = "tag:yaml.org,2002:"
_SCALAR_KINDS = ("str", "int", "float", "bool", "null", "timestamp")
_STR = _TAG + "str"
_MERGE_KEY = (_TAG + "merge", "<<")
_DECIMAL = re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?$")
_DECIMAL_INT = re.compile(r"^[-+]?[1-9][0-9_]*$|^[-+]?0$")
_MERGE = _TAG + "merge"


class ReadError(Exception):
    """A file that cannot be read or parsed: the problems found (file and line filled in)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class Lines:
    """The lines of a map's keys or a list's items, each with the :class:`Lines` of its value (or None)."""

    entries: dict[Any, tuple[int, Lines | None]] | list[tuple[int, Lines | None]]
    line: int
    """The line where the map or list starts."""


@dataclass(frozen=True)
class Parsed:
    """A file's plain data and the lines of its parts (``None`` for an empty file)."""

    data: Any
    lines: Lines | None
    first_line: int | None = None


@contextlib.contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a file's data is built and checked: the data holds no cycles,
    and the collector would otherwise walk every object made so far again and again (a third of the time
    of a large file)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_text(path: pathlib.Path, file: str, what: str) -> str:
    """The text of ``path`` as UTF-8 (a byte-order mark is dropped); ``what`` says what it should be."""
    message: str
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            message = (
                f"the file is {size / 1e6:,.1f} MB; the largest file read is {MAX_FILE_BYTES / 1e6:,.0f} MB "
                f"(expected {what})"
            )
        else:
            return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        message = f"the file does not exist; expected {what}"
    except IsADirectoryError:
        message = f"this is a folder; expected {what}"
    except UnicodeDecodeError as error:
        message = f"the file is not UTF-8 text (byte {error.start} cannot be read); expected a YAML text file"
    except OSError as error:
        message = f"the file cannot be read ({error.strerror or error}); expected {what}"
    raise ReadError([Problem((), message, file=file)])


def parse(text: str, file: str) -> Parsed:
    """Parse YAML ``text`` once into plain data and lines; :class:`ReadError` with every problem found."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        limit = f"{MAX_FILE_BYTES / 1e6:,.0f} MB"
        raise ReadError([Problem((), f"the text is larger than {limit}, the largest read", file=file)])
    builder = _Builder()
    try:
        with without_cycle_collection():
            builder.run(pyyaml.parse(text, Loader=_LOADER))
    except _StopError:
        pass
    except pyyaml.YAMLError as error:
        builder.problems.append(_syntax_problem(text, error))
    if builder.problems:
        raise ReadError([problem.located(file, problem.line) for problem in builder.problems])
    return Parsed(builder.data, builder.lines, builder.first_line)


_LOADER = pyyaml.CSafeLoader if pyyaml.__with_libyaml__ else pyyaml.SafeLoader


def _syntax_problem(text: str, error: pyyaml.YAMLError) -> Problem:
    """The problem of text libyaml cannot parse, worded by ruamel.yaml when it agrees that it cannot."""
    if isinstance(error, pyyaml.reader.ReaderError):  # a character YAML refuses: no mark, a position
        at = text.count("\n", 0, error.position) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return Problem((), f"not valid YAML: the character U+{code:04X} cannot be in a YAML file", line=at)
    mark = getattr(error, "problem_mark", None)
    reason = getattr(error, "problem", None) or str(error)
    line = mark.line + 1 if mark else None
    if "nesting depth" in str(reason):
        message = f"maps and lists are nested more than {MAX_DEPTH} deep; no input needs so many levels"
        return Problem((), message, line=line)
    if len(text) <= _REWORD_CHARACTERS:
        try:
            for _ in YAML(typ="safe", pure=True).parse(text):
                pass
        except YAMLError as worded:
            return _yaml_problem(worded)
    return Problem((), f"not valid YAML: {shorten(str(reason), 300)}", line=line)


_REWORD_CHARACTERS = 1_000_000
"""The largest text parsed again by ruamel.yaml to word a syntax problem (it parses about 1 MB a second)."""


class _StopError(Exception):
    """Reading stops at a limit: its problem is already recorded."""


@dataclass(slots=True)
class _Collection:
    """A map or list being built: its data, its lines, where it is, and the values counted inside."""

    data: Any
    lines: Lines
    path: Path
    anchor: str | None
    size: int = 1
    key: Any = None
    key_line: int = 0
    key_identity: tuple[str, str] | None = None
    has_key: bool = False
    first_lines: dict[tuple[str, str], int] = field(default_factory=dict)
    merges: list[tuple[Any, Lines | None, int]] = field(default_factory=list)
    is_list: bool = False


class _Builder:
    """Builds plain data and :class:`Lines` from parser events, enforcing the limits."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.data: Any = None
        self.lines: Lines | None = None
        self.first_line: int | None = None
        self.stack: list[_Collection] = []
        self.anchors: dict[str, tuple[Any, Lines | None, int]] = {}
        self.alias_values = 0
        self.documents = 0
        self.yaml = YAML(typ="safe", pure=True)
        self.resolver: VersionedResolver = self.yaml.resolver
        self.constructor: SafeConstructor = self.yaml.constructor
        self.plain_values: dict[str, tuple[Any, str]] = {}

    def run(self, events: Iterator[Event]) -> None:
        """Build from ``events``; scalars, the most frequent, are placed here without further calls."""
        stack, plain_values = self.stack, self.plain_values
        for event in events:
            if type(event) is ScalarEvent and stack and event.anchor is None:
                text, tag = event.value, event.tag
                if tag is not None and tag != "!":
                    value = self.construct(tag, event)
                elif not event.implicit[0]:
                    value, tag = text, _STR
                elif (known := plain_values.get(text)) is not None:
                    value, tag = known
                elif text[:1].isalpha() and text[:1] not in "tTfFnN":
                    value, tag = text, _STR
                else:
                    value, tag = self.plain(text, event)
                top = stack[-1]
                top.size += 1
                if top.is_list:
                    top.data.append(value)
                    top.lines.entries.append((event.start_mark.line + 1, None))  # type: ignore[union-attr]
                elif not top.has_key:
                    self.key(top, value, event.start_mark.line + 1, tag, text)
                elif top.key_identity == _MERGE_KEY:
                    top.has_key = False
                    top.merges.append((value, None, event.start_mark.line + 1))
                else:
                    top.has_key = False
                    top.data[top.key] = value
                    top.lines.entries[top.key] = (top.key_line, None)
            elif type(event) is ScalarEvent:
                self.scalar(event)
            elif isinstance(event, MappingStartEvent | SequenceStartEvent):
                self.start(event)
            elif isinstance(event, CollectionEndEvent):
                self.end()
            elif isinstance(event, AliasEvent):
                self.alias(event)
            elif isinstance(event, DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    message = "a second document (after ---); a file holds one document"
                    self.problems.append(Problem((), message, line=_line(event)))
                    raise _StopError

    # --- values -------------------------------------------------------------------------------------------

    def scalar(self, event: ScalarEvent) -> None:
        text, tag = event.value, event.tag
        if tag is not None and tag != "!":
            value = self.construct(tag, event)
        elif not event.implicit[0]:
            value, tag = text, _STR  # quoted: text
        else:
            value, tag = self.plain(text, event)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, None, 1)
        self.add(value, None, event.start_mark.line + 1, 1, tag=tag, text=text)

    def plain(self, text: str, event: ScalarEvent) -> tuple[Any, str]:
        """The value and tag of a plain (unquoted) scalar, remembered: years and numbers repeat often."""
        known = self.plain_values.get(text)
        if known is not None:
            return known
        first = text[:1]
        if first.isalpha() and first not in "tTfFnN":
            return text, _STR  # no YAML 1.2 type but text starts with such a letter
        tag = str(self.resolver.resolve(ScalarNode, text, (True, False)))
        count = len(self.problems)
        found = (self.construct(tag, event), tag)
        if len(text) < 100 and len(self.problems) == count and len(self.plain_values) < 100_000:
            self.plain_values[text] = found
        return found

    def construct(self, tag: str, event: ScalarEvent) -> Any:
        text = event.value
        if tag == _STR:
            return text
        kind = tag[len(_TAG) :] if tag.startswith(_TAG) else ""
        if kind == "merge":  # the key `<<` of a merge, handled where its map ends
            return text
        if kind not in _SCALAR_KINDS:
            self.refuse_tag(tag, event)
            return text
        if kind == "float" and _DECIMAL.match(text):
            return float(text.replace("_", ""))
        if kind == "int" and len(text) <= MAX_DIGITS and _DECIMAL_INT.match(text):
            return int(text.replace("_", ""))
        if kind == "int":
            digits = sum(character.isdigit() for character in text)
            if digits > MAX_DIGITS:
                self.located(
                    f"a whole number of {digits:,} digits; no number may have more than {MAX_DIGITS}", event
                )
                return 0
        if kind in ("int", "float", "bool", "null", "timestamp"):
            node = ScalarNode(tag, text, event.start_mark, event.end_mark)
            try:
                value = getattr(self.constructor, f"construct_yaml_{kind}")(node)
            except (ValueError, TypeError, OverflowError, YAMLError):
                return text
            return value.isoformat() if isinstance(value, dt.date) else value
        return text

    def refuse_tag(self, tag: str, event: Event) -> None:
        """A YAML tag other than the plain kinds (``!!python/object``, ``!include``, …) is an error, not
        dropped: nothing in a CareBridge file needs one."""
        written = "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
        self.located(
            f"the YAML tag '{shorten(written)}' is not allowed; write a plain value (text, a number, true or "
            "false, a date, a map or a list) without a tag",
            event,
        )

    def start(self, event: MappingStartEvent | SequenceStartEvent) -> None:
        line = _line(event)
        if event.tag is not None and event.tag not in (_TAG + "map", _TAG + "seq", "!"):
            self.refuse_tag(event.tag, event)
        if self.first_line is None:
            self.first_line = line
        if len(self.stack) >= MAX_DEPTH:
            path = self.stack[-1].path + ((self.stack[-1].key,) if self.stack[-1].has_key else ())
            message = f"maps and lists are nested more than {MAX_DEPTH} deep; no input needs so many levels"
            self.problems.append(Problem(_shown(path), message, line=line))
            raise _StopError
        path = self.child_path()
        if isinstance(event, MappingStartEvent):
            self.stack.append(_Collection({}, Lines({}, line), path, event.anchor))
        else:
            self.stack.append(_Collection([], Lines([], line), path, event.anchor, is_list=True))

    def end(self) -> None:
        done = self.stack.pop()
        if done.merges:
            self.merge(done)
        if done.anchor is not None:
            self.anchors[done.anchor] = (done.data, done.lines, done.size)
        self.add(done.data, done.lines, done.lines.line, done.size)

    def alias(self, event: AliasEvent) -> None:
        line = _line(event)
        if event.anchor not in self.anchors:
            self.problems.append(
                Problem((), f"the alias *{shorten(str(event.anchor))} names no anchor", line=line)
            )
            raise _StopError
        value, lines, size = self.anchors[event.anchor]
        self.alias_values += size
        if self.alias_values > MAX_ALIAS_VALUES:
            message = (
                f"aliases (*name) repeat more than {MAX_ALIAS_VALUES:,} values in this file; write the "
                "values out, or use fewer aliases"
            )
            self.problems.append(Problem(_shown(self.child_path()), message, line=line))
            raise _StopError
        self.add(value, lines, line, size)

    # --- placing a value ----------------------------------------------------------------------------------

    def child_path(self) -> Path:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.data, list):
            return (*top.path, len(top.data))
        return (*top.path, top.key) if top.has_key else top.path

    def add(
        self, value: Any, lines: Lines | None, line: int, size: int, tag: str | None = None, text: str = ""
    ) -> None:
        if not self.stack:
            self.data, self.lines = value, lines
            if self.first_line is None:
                self.first_line = line
            return
        top = self.stack[-1]
        top.size += size
        if top.is_list:
            assert isinstance(top.lines.entries, list)
            top.data.append(value)
            top.lines.entries.append((line, lines))
            return
        if not top.has_key:
            self.key(top, value, line, tag, text)
            return
        top.has_key = False
        if top.key_identity == _MERGE_KEY:
            top.merges.append((value, lines, line))
            return
        assert isinstance(top.lines.entries, dict)
        top.data[top.key] = value
        top.lines.entries[top.key] = (top.key_line, lines)

    def key(self, top: _Collection, key: Any, line: int, tag: str | None, text: str) -> None:
        if isinstance(key, dict | list):
            message = "a map or list is used as a key; a key must be text or a number"
            self.problems.append(Problem(top.path, message, line=line))
            key, text = f"<key at line {line}>", f"<key at line {line}>"
        identity = (tag or "", text)
        top.key, top.key_line, top.has_key, top.key_identity = key, line, True, identity
        if identity in top.first_lines:
            message = f"duplicate key '{shorten(text)}' (first given at line {top.first_lines[identity]}); "
            message += "a key may appear only once in a map"
            self.problems.append(Problem(_shown((*top.path, key)), message, line=line))
        elif tag != _MERGE:
            top.first_lines[identity] = line

    def merge(self, done: _Collection) -> None:
        """``<<: *base`` (or a list of them): the entries of the maps merged in, where the map has none."""
        assert isinstance(done.lines.entries, dict)
        for value, lines, line in done.merges:
            sources: list[tuple[Any, Lines | None]] = [(value, lines)]
            if isinstance(value, list) and lines is not None and isinstance(lines.entries, list):
                sources = [(item, inner) for item, (_, inner) in zip(value, lines.entries, strict=True)]
            for source, inner in sources:
                if not isinstance(source, dict) or inner is None or not isinstance(inner.entries, dict):
                    message = "the merge key << takes a map (*name) or a list of them"
                    self.problems.append(Problem(done.path, message, line=line))
                    continue
                for key, item in source.items():
                    if key not in done.data:
                        done.data[key] = item
                        done.lines.entries[key] = inner.entries[key]

    def located(self, message: str, event: Event) -> None:
        self.problems.append(Problem(_shown(self.child_path()), message, line=_line(event)))


def _line(event: Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


def _shown(path: Path) -> Path:
    """A path for a message: its text parts no longer than a message shows."""
    return tuple(part if isinstance(part, int) else shorten(str(part)) for part in path)


def _yaml_problem(error: YAMLError) -> Problem:
    if not isinstance(error, MarkedYAMLError):
        return Problem((), f"not valid YAML: {shorten(str(error), 300)}")
    mark = error.problem_mark or error.context_mark
    reason = error.problem or error.context or "cannot be parsed"
    if error.problem and error.context and error.context_mark is not None:
        reason += f" ({error.context} at line {error.context_mark.line + 1})"
    if "'\\t'" in reason:
        reason += "; indent with spaces, not tabs"
    return Problem((), f"not valid YAML: {shorten(reason, 300)}", line=mark.line + 1 if mark else None)
