"""Reading YAML with positions: the composed node tree, typed scalars, and problems located in the file.

PyYAML's `compose` keeps each node's start mark, so every problem can name its line and column (1-based)
and what it belongs to (`rule 'high value' in dimension value_group`). Problems are collected, not
raised one by one, so a check reports all of them at once.

>>> context = Context()
>>> node = compose("dimensions:\\n  - {name: x, mode: exclusiv}\\n", context=context)
>>> entry = context.mapping(node, required=(), allowed=("dimensions",))["dimensions"].value[0]
>>> fields = context.mapping(entry, required=("name",), allowed=("name", "mode"))
>>> context.choice(fields["mode"], ("exclusive", "tags"))
>>> print(context.problems[0])
2:21: unknown mode 'exclusiv'; did you mean exclusive?
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..fields import nearest

Position = tuple[int, int]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a rule file, where it is and what it belongs to."""

    message: str
    line: int | None = None
    column: int | None = None
    subject: str = ""

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}: " if self.line is not None else ""
        subject = f"{self.subject}: " if self.subject else ""
        return f"{where}{subject}{self.message}"


def position(node: Node) -> Position:
    """The node's line and column, 1-based."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def text_position(node: Node, offset: int | None) -> Position:
    """Where character `offset` of a one-line scalar's text is; its start otherwise."""
    line, column = position(node)
    if offset is None or not isinstance(node, ScalarNode) or node.end_mark.line != node.start_mark.line:
        return line, column
    if node.style not in (None, "'", '"'):
        return line, column
    return line, column + (1 if node.style else 0) + offset


class Context:
    """Collects problems; `subject` says what is being read (a rule, a metric, a scheme)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.subject = ""

    @contextmanager
    def about(self, subject: str) -> Iterator[None]:
        outer, self.subject = self.subject, subject
        try:
            yield
        finally:
            self.subject = outer

    def fail(self, node: Node | None, message: str, *, at: Position | None = None) -> None:
        line, column = at if at is not None else position(node) if node is not None else (None, None)
        self.problems.append(Problem(message, line, column, self.subject))

    def mapping(
        self, node: Node, *, required: Sequence[str], allowed: Sequence[str], what: str = "this"
    ) -> dict[str, Node]:
        """The entries of a mapping with text keys; unknown, repeated and missing keys are problems."""
        if not isinstance(node, MappingNode):
            self.fail(node, f"{what} should be a mapping of {', '.join(allowed)}")
            return {}
        found: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node)
            if not isinstance(key, str):
                self.fail(key_node, f"a key is text, not {key!r}")
            elif key in found:
                self.fail(key_node, f"{key!r} is given twice (first at line {position(found[key])[0]})")
            elif key not in allowed:
                hint = nearest(key, allowed)
                suggestion = f"; did you mean {hint}?" if hint else f" (expected {', '.join(allowed)})"
                self.fail(key_node, f"unknown key {key!r}{suggestion}")
            else:
                found[key] = value_node
        for key in required:
            if key not in found:
                self.fail(node, f"{key!r} is missing")
        return found

    def sequence(self, node: Node, *, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.fail(node, f"{what} should be a list")
            return []
        return list(node.value)

    def scalar(self, node: Node) -> object:
        """The typed value of a scalar node (text, number, true/false, null); None for anything else."""
        if not isinstance(node, ScalarNode):
            return None
        try:
            return SafeConstructor().construct_object(node, deep=True)
        except ConstructorError as error:
            self.fail(node, f"cannot read the value: {error.problem}")
            return None

    def text(self, node: Node | None, *, what: str = "the value", default: str | None = None) -> str | None:
        if node is None:
            return default
        value = self.scalar(node)
        if not isinstance(value, str) or not value.strip():
            self.fail(node, f"{what} should be non-empty text")
            return None
        return value.strip()

    def number(self, node: Node | None, *, what: str, default: float | None = None) -> float | None:
        if node is None:
            return default
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            self.fail(node, f"{what} should be a number, not {value!r}")
            return None
        return value

    def integer(self, node: Node | None, *, what: str, default: int | None = None) -> int | None:
        if node is None:
            return default
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(node, f"{what} should be a whole number, not {value!r}")
            return None
        return value

    def boolean(self, node: Node | None, *, what: str, default: bool) -> bool:
        if node is None:
            return default
        value = self.scalar(node)
        if not isinstance(value, bool):
            self.fail(node, f"{what} should be true or false, not {value!r}")
            return default
        return value

    def choice(self, node: Node | None, choices: Iterable[str], *, what: str = "mode") -> str | None:
        if node is None:
            return None
        value = self.scalar(node)
        options = list(choices)
        if value not in options:
            hint = nearest(str(value), options)
            suggestion = f"; did you mean {hint}?" if hint else f" (one of {', '.join(options)})"
            self.fail(node, f"unknown {what} {value!r}{suggestion}")
            return None
        return str(value)

    def labels(self, node: Node | None, *, default_en: str = "", default_zh: str = "") -> tuple[str, str]:
        """`labels: {en: …, zh: …}`, each optional."""
        if node is None:
            return default_en, default_zh
        entries = self.mapping(node, required=(), allowed=("en", "zh"), what="labels")
        en = self.text(entries.get("en"), what="the English label", default=default_en)
        zh = self.text(entries.get("zh"), what="the Chinese label", default=default_zh)
        return en or default_en, zh or default_zh


def compose(text: str, *, context: Context) -> Node | None:
    """The document's node tree; malformed YAML is a problem at the place the parser stopped."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = (mark.line + 1, mark.column + 1) if mark is not None else None
        context.fail(None, f"malformed YAML: {error.problem or error.context}", at=at)
    except yaml.YAMLError as error:
        context.fail(None, f"malformed YAML: {error}")
    return None
