"""What a condition may say about each name: its kind, whether it can be missing, its allowed values.

The catalog describes metrics and customer attributes as fields; a source describes its columns as
fields (for the filters of custom metrics). `check_condition` holds a tree against such a namespace.

>>> fields = {"amount_12m": Field("amount_12m", "number", nullable=False)}
>>> check_condition(Leaf("amont_12m", ">", 5), fields=fields)
Traceback (most recent call last):
...
stratacrm.segmentation.conditions.ConditionError: unknown name 'amont_12m'; did you mean amount_12m?
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from .conditions import LIST_OPERATORS, VALUELESS, Condition, ConditionError, Leaf, Scalar, leaves

Kind = Literal["integer", "number", "text", "boolean", "date", "datetime"]

NUMERIC_KINDS: frozenset[str] = frozenset({"integer", "number"})
_NULL_TESTS = frozenset({"is_null", "is_not_null"})
OPERATORS_BY_KIND: dict[str, frozenset[str]] = {
    "integer": frozenset({"=", "!=", ">", ">=", "<", "<=", "in", "not_in", "between"}) | _NULL_TESTS,
    "number": frozenset({"=", "!=", ">", ">=", "<", "<=", "in", "not_in", "between"}) | _NULL_TESTS,
    "text": frozenset({"=", "!=", "in", "not_in", "contains", "starts_with"}) | _NULL_TESTS,
    "boolean": frozenset({"is_true", "=", "!="}) | _NULL_TESTS,
    "date": _NULL_TESTS,
    "datetime": _NULL_TESTS,
}
_KIND_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "text": "text",
    "boolean": "true or false",
    "date": "a date",
    "datetime": "a time",
}


@dataclass(frozen=True)
class Field:
    """A name usable in conditions. `choices`, when given, are the only values `=`/`in` accept."""

    name: str
    kind: Kind
    nullable: bool = True
    choices: tuple[str, ...] = ()


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to a misspelt name, if any is close.

    >>> nearest("amont_12m", ["amount_12m", "arrears"])
    'amount_12m'
    """
    found = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_name(name: str, *, fields: Mapping[str, Field]) -> ConditionError:
    return ConditionError.of("unknown_name", "unknown name {name!r}", None, nearest(name, fields), name=name)


def check_leaf(leaf: Leaf, *, fields: Mapping[str, Field]) -> None:
    """Raise a ConditionError unless the leaf's key exists and its operator and values fit its kind."""
    field = fields.get(leaf.key)
    if field is None:
        raise unknown_name(leaf.key, fields=fields)
    allowed = OPERATORS_BY_KIND[field.kind]
    if leaf.operator not in allowed:
        raise ConditionError(
            f"{leaf.key} is {_KIND_WORDS[field.kind]}: {leaf.operator} does not apply "
            f"(use {', '.join(sorted(allowed))})",
            code="operator_not_for_kind",
            params={
                "name": leaf.key,
                "kind": field.kind,
                "operator": leaf.operator,
                "allowed": ", ".join(sorted(allowed)),
            },
        )
    if leaf.operator in VALUELESS:
        return
    values: tuple[Scalar, ...] = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)  # type: ignore[assignment]
    for value in values:
        _check_value(field, value)
    if field.choices and (leaf.operator in LIST_OPERATORS or leaf.operator in ("=", "!=")):
        for value in values:
            if value not in field.choices:
                suggestion = _quoted(nearest(str(value), field.choices))
                template = "{name} has no value {value!r}"
                raise ConditionError.of(
                    "no_such_value", template, None, suggestion, name=leaf.key, value=value
                )
    if leaf.operator == "between":
        low, high = values
        if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
            template = "between needs the low value first: {high!r} before {low!r}"
            raise ConditionError.of("between_order", template, low=low, high=high)


def _quoted(value: str | None) -> str | None:
    return None if value is None else repr(value)


def _check_value(field: Field, value: Scalar) -> None:
    if field.kind in NUMERIC_KINDS:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif field.kind == "text":
        ok = isinstance(value, str)
    else:
        ok = isinstance(value, bool)
    if not ok:
        raise ConditionError(
            f"{field.name} is {_KIND_WORDS[field.kind]}: {value!r} is not",
            code="value_not_of_kind",
            params={"name": field.name, "kind": field.kind, "value": value},
        )


def check_condition(tree: Condition, *, fields: Mapping[str, Field]) -> None:
    """Check every leaf of a tree; the error names the path of the first leaf at fault."""
    for path, leaf in leaves(tree):
        try:
            check_leaf(leaf, fields=fields)
        except ConditionError as error:
            raise error.located(path=path) from None
