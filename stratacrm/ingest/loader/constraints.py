"""The models' CheckConstraints evaluated on Arrow batches, so bad rows are found before anything is written.

A constraint's `Q` condition is translated into pyarrow.compute calls: lookups exact, gt, gte, lt,
lte, in and isnull, the transforms day, month and year, and `F` expressions with + - * /. A row
breaks a constraint when its condition is false; as in SQL, an unknown (null) result passes. A
condition using anything else is left to the database, which checks every constraint again.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.expressions import CombinedExpression

LOOKUPS = {
    "exact": pc.equal,
    "gt": pc.greater,
    "gte": pc.greater_equal,
    "lt": pc.less,
    "lte": pc.less_equal,
}
TRANSFORMS = {"day": pc.day, "month": pc.month, "year": pc.year}
ARITHMETIC = {"+": pc.add, "-": pc.subtract, "*": pc.multiply, "/": pc.divide}
LITERALS = (int, float, str, bool, dt.date, dt.datetime)

# Maps a model field name to the array of its file column, or None when the file does not hold it.
ColumnOf = Callable[[str], pa.Array | None]


class Untranslatable(Exception):
    """The condition uses something this module does not evaluate; the database will check it."""


@dataclass(frozen=True)
class ConstraintCheck:
    """One CheckConstraint of a model, with the message it gives when broken."""

    name: str
    condition: Q
    message: str
    fields: tuple[str, ...]

    def broken(self, *, column_of: ColumnOf) -> pa.Array | None:
        """A boolean array, true where the row breaks the constraint; None if it cannot be evaluated."""
        try:
            result = _condition(self.condition, column_of)
        except Untranslatable:
            return None
        return pc.fill_null(pc.invert(result), False)


def constraint_checks(*, model: type[models.Model]) -> list[ConstraintCheck]:
    """The model's CheckConstraints, less those the per-field checks (choices, not blank) already make."""
    checks = []
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint) or not isinstance(constraint.condition, Q):
            continue
        if _covered_by_field_checks(constraint.condition, model):
            continue
        checks.append(
            ConstraintCheck(
                name=constraint.name,
                condition=constraint.condition,
                message=str(constraint.violation_error_message or constraint.name),
                fields=tuple(sorted(_field_names(constraint.condition))),
            )
        )
    return checks


def _covered_by_field_checks(condition: Q, model: type[models.Model]) -> bool:
    if len(condition.children) != 1 or not isinstance(condition.children[0], tuple):
        return False
    lookup, value = condition.children[0]
    name, _, operator = lookup.partition("__")
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        return False
    if operator == "in" and not condition.negated:
        return set(value) == {str(v) for v, _ in field.choices or ()}
    if operator in ("", "exact") and condition.negated:
        return value == "" and not field.blank
    return False


def _field_names(node: Any) -> set[str]:
    if isinstance(node, Q):
        names: set[str] = set()
        for child in node.children:
            if isinstance(child, Q):
                names |= _field_names(child)
            else:
                lookup, value = _pair(child)
                names |= {lookup.split("__")[0]} | _field_names(value)
        return names
    if isinstance(node, F):
        return {node.name}
    if isinstance(node, CombinedExpression):
        return _field_names(node.lhs) | _field_names(node.rhs)
    return set()


def _condition(node: Q, column_of: ColumnOf) -> pa.Array:
    parts = [
        _condition(child, column_of) if isinstance(child, Q) else _lookup(_pair(child), column_of)
        for child in node.children
    ]
    combine = pc.and_kleene if node.connector == Q.AND else pc.or_kleene
    result = parts[0]
    for part in parts[1:]:
        result = combine(result, part)
    return pc.invert(result) if node.negated else result


def _pair(child: Any) -> tuple[str, Any]:
    if not (isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str)):
        raise Untranslatable(repr(child))
    return child


def _lookup(child: tuple[str, Any], column_of: ColumnOf) -> pa.Array:
    name, *path = child[0].split("__")
    operator = path.pop() if path and path[-1] in {*LOOKUPS, "in", "isnull"} else "exact"
    array = _column(name, column_of)
    for transform in path:
        if transform not in TRANSFORMS:
            raise Untranslatable(transform)
        array = TRANSFORMS[transform](array)
    value = child[1]
    if operator == "isnull":
        return pc.is_null(array) if value else pc.is_valid(array)
    if operator == "in":
        matches = pc.is_in(array, value_set=pa.array(list(value), type=array.type))
        return pc.if_else(pc.is_valid(array), matches, pa.scalar(None, pa.bool_()))
    if value is None:
        return pc.is_null(array)
    return LOOKUPS[operator](array, _operand(value, column_of))


def _operand(value: Any, column_of: ColumnOf) -> Any:
    if isinstance(value, F):
        return _column(value.name, column_of)
    if isinstance(value, Value):
        return _operand(value.value, column_of)
    if isinstance(value, CombinedExpression) and value.connector in ARITHMETIC:
        return ARITHMETIC[value.connector](_operand(value.lhs, column_of), _operand(value.rhs, column_of))
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, LITERALS):
        return value
    raise Untranslatable(repr(value))


def _column(name: str, column_of: ColumnOf) -> pa.Array:
    array = column_of(name)
    if array is None:
        raise Untranslatable(name)
    return array
