"""The condition tree: what a rule's `when` means, as typed data.

A condition is a tree of groups (AND / OR) over leaves (`key operator value`). The visual rule builder
edits its JSON form, the text form (`text.py`) parses into the same tree, and the compiler reads only
the tree. Trees are immutable and hashable.

Missing values: a leaf is false when its key has no value (NULL), except `is_null`; `negated` is the
exact complement. So `NOT csat_mean_12m < 3` includes customers without a survey, and a condition and
its negation always partition the customers. `not_in` is the complement of `in` in the same sense.

>>> tree = Group("AND", (Leaf("amount_12m", ">", 10000), Leaf("contact_form_filled", "is_true")))
>>> from_json(tree.to_json()) == tree
True
>>> tree.to_json()["children"][0]
{'key': 'amount_12m', 'operator': '>', 'value': 10000, 'negated': False}
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeAlias, get_args

Op = Literal["AND", "OR"]
Operator = Literal[
    "=",
    "!=",
    ">",
    ">=",
    "<",
    "<=",
    "in",
    "not_in",
    "between",
    "is_null",
    "is_not_null",
    "contains",
    "starts_with",
    "is_true",
]
Scalar: TypeAlias = str | int | float | bool
Value: TypeAlias = Scalar | tuple[Scalar, ...] | None

OPERATORS: tuple[Operator, ...] = get_args(Operator)
COMPARISONS: frozenset[str] = frozenset({"=", "!=", ">", ">=", "<", "<="})
VALUELESS: frozenset[str] = frozenset({"is_null", "is_not_null", "is_true"})
LIST_OPERATORS: frozenset[str] = frozenset({"in", "not_in"})
TEXT_OPERATORS: frozenset[str] = frozenset({"contains", "starts_with"})
# Negating one of these gives the other; `normalize` uses the positive spelling of neither.
COMPLEMENTS: dict[str, Operator] = {
    "in": "not_in",
    "not_in": "in",
    "is_null": "is_not_null",
    "is_not_null": "is_null",
}
MAX_LIST_VALUES = 1000
MAX_DEPTH = 32
KEY_PATTERN = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class ConditionError(ValueError):
    """A condition that cannot be accepted, with where it went wrong and what was probably meant.

    `position` is a 0-based character offset into the condition text; `path` locates a node of a JSON
    tree (child indexes from the root); `suggestion` is the nearest known name or value. `message` is
    English (the command line's language); `code` names the message and `params` holds the values it
    names, so that a user interface can say the same in its user's language.

    >>> error = ConditionError.of("unknown_name", "unknown name {name!r}", 0, "amount_12m", name="amont_12m")
    >>> str(error)
    "unknown name 'amont_12m'; did you mean amount_12m? (at position 0)"
    >>> error.code, error.params
    ('unknown_name', {'name': 'amont_12m'})
    """

    def __init__(
        self,
        message: str,
        position: int | None = None,
        suggestion: str | None = None,
        *,
        path: tuple[int, ...] | None = None,
        code: str = "",
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.message = message
        self.position = position
        self.suggestion = suggestion
        self.path = path
        self.code = code
        self.params: dict[str, object] = dict(params or {})
        super().__init__(str(self))

    @classmethod
    def of(
        cls,
        code: str,
        template: str,
        position: int | None = None,
        suggestion: str | None = None,
        *,
        path: tuple[int, ...] | None = None,
        **params: object,
    ) -> ConditionError:
        """The error `code` whose English message is `template` filled with `params` (`str.format`)."""
        return cls(template.format(**params), position, suggestion, path=path, code=code, params=params)

    def __str__(self) -> str:
        text = self.message
        if self.suggestion is not None:
            text += f"; did you mean {self.suggestion}?"
        if self.position is not None:
            text += f" (at position {self.position})"
        if self.path:
            text += f" (in condition {'.'.join(str(i) for i in self.path)})"
        return text

    def located(self, *, position: int | None = None, path: tuple[int, ...] | None = None) -> ConditionError:
        """The same error placed at a position or path, unless it already has one."""
        return ConditionError(
            self.message,
            self.position if self.position is not None else position,
            self.suggestion,
            path=self.path if self.path is not None else path,
            code=self.code,
            params=self.params,
        )


def _check_scalar(value: object, *, what: str) -> Scalar:
    if isinstance(value, float) and not math.isfinite(value):
        raise ConditionError(
            f"{what} must be a finite number, not {value}", code="not_finite", params={"value": value}
        )
    if not isinstance(value, str | int | float):  # bool is an int
        kind = type(value).__name__
        raise ConditionError(f"{what} must be text, a number or true/false, not {kind}", code="bad_value")
    return value


@dataclass(frozen=True)
class Leaf:
    """One test on one key: `amount_12m > 10000`, `customer_type in (...)`, a bare boolean key."""

    key: str
    operator: Operator
    value: Value = None
    negated: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not KEY_PATTERN.fullmatch(self.key):
            raise ConditionError.of(
                "invalid_name", "{name!r} is not a valid name (lower-case letters, digits, _)", name=self.key
            )
        if self.operator not in OPERATORS:
            allowed = ", ".join(OPERATORS)
            raise ConditionError.of(
                "unknown_operator",
                "unknown operator {operator!r}; use one of {allowed}",
                operator=self.operator,
                allowed=allowed,
            )
        if not isinstance(self.negated, bool):
            raise ConditionError("negated must be true or false", code="negated_boolean")
        object.__setattr__(self, "value", self._checked_value())

    def _checked_value(self) -> Value:
        op, value = self.operator, self.value
        if op in VALUELESS:
            if value is not None:
                raise ConditionError.of("no_value", "{operator} takes no value", operator=op)
            return None
        if op in LIST_OPERATORS or op == "between":
            if not isinstance(value, list | tuple):
                raise ConditionError.of("needs_list", "{operator} needs a list of values", operator=op)
            items = tuple(_check_scalar(v, what=f"a value of {op}") for v in value)
            if op == "between" and len(items) != 2:
                raise ConditionError("between needs two values: [low, high]", code="between_two")
            if not items or len(items) > MAX_LIST_VALUES:
                raise ConditionError.of(
                    "list_size", "{operator} needs 1 to {most} values", operator=op, most=MAX_LIST_VALUES
                )
            return items
        scalar = _check_scalar(value, what=f"the value of {op}")
        if op in TEXT_OPERATORS and (not isinstance(scalar, str) or not scalar):
            raise ConditionError.of("needs_text", "{operator} needs non-empty text", operator=op)
        return scalar

    def to_json(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"key": self.key, "operator": self.operator, "value": value, "negated": self.negated}


@dataclass(frozen=True)
class Group:
    """All (AND) or any (OR) of its children hold; `negated` turns it into its complement."""

    op: Op
    children: tuple[Condition, ...]
    negated: bool = False

    def __post_init__(self) -> None:
        if self.op not in ("AND", "OR"):
            raise ConditionError.of("group_op", "a group is AND or OR, not {op!r}", op=self.op)
        children = tuple(self.children) if isinstance(self.children, list | tuple) else None
        if not children:
            raise ConditionError("a group needs at least one condition", code="group_empty")
        if not all(isinstance(child, Leaf | Group) for child in children):
            raise ConditionError("a group holds only groups and leaves", code="group_children")
        if not isinstance(self.negated, bool):
            raise ConditionError("negated must be true or false", code="negated_boolean")
        object.__setattr__(self, "children", children)

    def to_json(self) -> dict[str, Any]:
        return {"op": self.op, "children": [c.to_json() for c in self.children], "negated": self.negated}


Condition: TypeAlias = Group | Leaf


def from_json(data: object, *, _path: tuple[int, ...] = ()) -> Condition:
    """Read a tree from its JSON form; errors carry the path of the node at fault.

    >>> from_json({"key": "interactions_30d", "operator": ">", "value": 5})
    Leaf(key='interactions_30d', operator='>', value=5, negated=False)
    >>> from_json({"op": "AND", "children": []})
    Traceback (most recent call last):
    ...
    stratacrm.segmentation.conditions.ConditionError: a group needs at least one condition
    """
    if len(_path) > MAX_DEPTH:
        raise ConditionError.of("too_deep", "conditions nest at most {most} deep", path=_path, most=MAX_DEPTH)
    if not isinstance(data, dict):
        raise ConditionError("a condition is a JSON object", path=_path, code="not_an_object")
    try:
        if "key" in data:
            _only(data, {"key", "operator", "value", "negated"})
            operator = data.get("operator")  # checked by Leaf, like every other field
            return Leaf(data["key"], operator, data.get("value"), data.get("negated", False))  # type: ignore[arg-type]
        _only(data, {"op", "children", "negated"})
        children = data.get("children")
        if not isinstance(children, list):
            raise ConditionError("a group needs a list of children", code="children_list")
        parsed = tuple(from_json(child, _path=(*_path, i)) for i, child in enumerate(children))
        return Group(data.get("op"), parsed, data.get("negated", False))  # type: ignore[arg-type]
    except ConditionError as error:
        raise error.located(path=_path) from None


def _only(data: dict[str, object], allowed: set[str]) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise ConditionError.of(
            "unexpected_field",
            "unexpected field {field!r}; a condition has {allowed}",
            field=extra[0],
            allowed=", ".join(sorted(allowed)),
        )


def negate(tree: Condition) -> Condition:
    """The complement of a condition, spelled as simply as possible.

    >>> negate(Leaf("x", "in", (1, 2)))
    Leaf(key='x', operator='not_in', value=(1, 2), negated=False)
    """
    return normalize(replace(tree, negated=not tree.negated))


def normalize(tree: Condition) -> Condition:
    """The canonical spelling of a tree with the same meaning.

    Negated `in`/`is_null` become `not_in`/`is_not_null` (and back), one-child groups disappear, and a
    group inside a group of the same operator is merged into it. The text parser returns normalized
    trees, so `parse(to_text(t)) == normalize(t)` for every tree `t`.

    >>> normalize(Group("AND", (Leaf("a", "is_true"), Group("AND", (Leaf("b", "is_true"),)))))
    Group(op='AND', children=(Leaf(key='a', operator='is_true', value=None, negated=False), \
Leaf(key='b', operator='is_true', value=None, negated=False)), negated=False)
    """
    if isinstance(tree, Leaf):
        if tree.negated and tree.operator in COMPLEMENTS:
            return Leaf(tree.key, COMPLEMENTS[tree.operator], tree.value)
        return tree
    children: list[Condition] = []
    for child in map(normalize, tree.children):
        if isinstance(child, Group) and child.op == tree.op and not child.negated:
            children.extend(child.children)
        else:
            children.append(child)
    if len(children) == 1:
        only = children[0]
        return negate(only) if tree.negated else only
    return Group(tree.op, tuple(children), tree.negated)


def leaves(tree: Condition, *, _path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], Leaf]]:
    """Every leaf with its path from the root, left to right."""
    if isinstance(tree, Leaf):
        yield _path, tree
        return
    for i, child in enumerate(tree.children):
        yield from leaves(child, _path=(*_path, i))


def keys(tree: Condition) -> frozenset[str]:
    """The names a condition reads.

    >>> sorted(keys(Group("OR", (Leaf("b", "is_true"), Leaf("a", "is_null")))))
    ['a', 'b']
    """
    return frozenset(leaf.key for _, leaf in leaves(tree))
