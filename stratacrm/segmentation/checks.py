"""A condition checked against known values in Python, leaf by leaf, to explain a grade.

Same semantics as the compiled SQL (`compiler/expressions.py`): a leaf on a missing value (None, or
blank text) is false, except `IS NULL` and `NOT IN`; `NOT` is the exact complement. `shortfall` tells
how far a condition is from holding: the leaves that fail (an OR counts its nearest child) and, for
numbers, the gap relative to the threshold.

>>> from .conditions import Leaf
>>> shortfall(Leaf("amount_12m", ">", 10000), {"amount_12m": 9000})[0].gap
0.1
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .conditions import Condition, Group, Leaf

_COMPARE = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


@dataclass(frozen=True)
class LeafCheck:
    """One leaf of a condition, the value it read and whether it held; `gap` when it failed."""

    key: str
    operator: str
    expected: Any
    actual: Any
    negated: bool
    holds: bool
    gap: float = 0.0


def holds(condition: Condition, values: Mapping[str, Any]) -> bool:
    """Whether the condition holds for these values."""
    return not shortfall(condition, values)


def leaf_checks(condition: Condition, values: Mapping[str, Any]) -> list[LeafCheck]:
    """Every leaf of the condition, checked."""
    if isinstance(condition, Leaf):
        return [_leaf(condition, values)]
    return [check for child in condition.children for check in leaf_checks(child, values)]


def shortfall(condition: Condition, values: Mapping[str, Any]) -> list[LeafCheck]:
    """The failing leaves that keep the condition from holding (empty: it holds)."""
    if isinstance(condition, Leaf):
        check = _leaf(condition, values)
        return [] if check.holds else [check]
    if condition.negated:
        inner = Group(condition.op, condition.children)
        if shortfall(inner, values):
            return []
        checks = leaf_checks(inner, values)
        return [LeafCheck("NOT (…)", "not", None, None, True, False, 1.0)] if checks else []
    parts = [shortfall(child, values) for child in condition.children]
    if condition.op == "AND":
        return [check for part in parts for check in part]
    return min(parts, key=cost)


def cost(checks: list[LeafCheck]) -> tuple[int, float]:
    """How far: failing leaves first, then their summed relative gaps."""
    return len(checks), sum(c.gap for c in checks)


def _missing(value: Any) -> bool:
    return value is None or value == ""


def _leaf(leaf: Leaf, values: Mapping[str, Any]) -> LeafCheck:
    actual = values.get(leaf.key)
    result = _test(leaf.operator, actual, leaf.value)
    if leaf.negated:
        result = not result
    gap = 0.0 if result else _gap(leaf.operator, actual, leaf.value, negated=leaf.negated)
    return LeafCheck(leaf.key, leaf.operator, leaf.value, actual, leaf.negated, result, gap)


def _test(op: str, actual: Any, expected: Any) -> bool:
    if op == "is_null":
        return _missing(actual)
    if op == "is_not_null":
        return not _missing(actual)
    if op == "not_in":
        return _missing(actual) or actual not in expected
    if _missing(actual):
        return False
    if op == "in":
        return bool(actual in expected)
    if op == "between":
        return bool(expected[0] <= actual <= expected[1])
    if op == "contains":
        return str(expected) in str(actual)
    if op == "starts_with":
        return str(actual).startswith(str(expected))
    if op == "is_true":
        return actual is True or actual == 1
    try:
        return bool(_COMPARE[op](actual, expected))
    except TypeError:
        return False


def _gap(op: str, actual: Any, expected: Any, *, negated: bool) -> float:
    """Relative distance to the threshold for a failed numeric comparison; 1 for everything else."""
    numeric = isinstance(actual, int | float) and not isinstance(actual, bool)
    if negated or not numeric:
        return 1.0
    if op in (">", ">=", "<", "<=") and isinstance(expected, int | float):
        return round(abs(actual - expected) / max(abs(expected), 1e-9), 6)
    if op == "between":
        low, high = expected
        edge = low if actual < low else high
        return round(abs(actual - edge) / max(abs(edge), 1e-9), 6)
    return 1.0
