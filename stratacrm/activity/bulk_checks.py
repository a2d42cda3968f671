"""Checks of a whole batch of new rows at once, for bulk creation.

Django validates a model's constraints one row at a time with a database query each (a CHECK condition is
evaluated by a `SELECT`, a unique constraint by an `EXISTS`): 10,000 rows meant 30,000–40,000 queries.
Here a CHECK condition is evaluated in Python where its lookups are simple (comparisons, `in`, `isnull`,
date parts, `F()` sums), with SQL's rule that an unknown (NULL) outcome passes; any other condition
falls back to Django's per-row query. Unique fields and constraints are checked with one query per
chunk of rows for the whole batch.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.expressions import CombinedExpression

CHUNK = 500  # rows per existence query (each value is one bound parameter)
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {"+": operator.add, "-": operator.sub}
_DATE_PARTS = ("day", "month", "year")


class Unsupported(Exception):
    """The condition uses something the Python evaluation does not know; ask the database instead."""


def _number(value: Any, other: Any) -> Any:
    """SQL mixes decimals and floats freely; Python does not add them, so floats become decimals."""
    if isinstance(value, float) and isinstance(other, Decimal):
        return Decimal(str(value))
    return value


def _operand(expression: Any, values: dict[str, Any]) -> Any:
    if isinstance(expression, F):
        if expression.name not in values:
            raise Unsupported(expression.name)
        return values[expression.name]
    if isinstance(expression, Value):
        return expression.value
    if isinstance(expression, CombinedExpression):
        apply = _ARITHMETIC.get(expression.connector)
        if apply is None:
            raise Unsupported(expression.connector)
        left, right = _operand(expression.lhs, values), _operand(expression.rhs, values)
        if left is None or right is None:
            return None
        return apply(_number(left, right), _number(right, left))
    if hasattr(expression, "resolve_expression") or isinstance(expression, (Q, dict)):
        raise Unsupported(type(expression).__name__)
    return expression


def _lookup(path: str, rhs: Any, values: dict[str, Any]) -> bool | None:
    field, *parts = path.split("__")
    if field not in values:
        raise Unsupported(field)
    lhs = values[field]
    lookup = "exact"
    for part in parts:
        if part in _DATE_PARTS and lookup == "exact":
            if lhs is None:
                continue
            if isinstance(lhs, dt.datetime) or not isinstance(lhs, dt.date):
                raise Unsupported(part)  # a datetime's day depends on the database's time zone
            lhs = getattr(lhs, part)
        elif lookup == "exact" and (part in _COMPARE or part in ("in", "isnull")):
            lookup = part
        else:
            raise Unsupported(part)
    if lookup == "isnull":
        return (lhs is None) == bool(rhs)
    if lookup == "in":
        if lhs is None:
            return None
        return lhs in set(rhs)
    right = _operand(rhs, values)
    if lhs is None or right is None:
        return None
    return _COMPARE[lookup](_number(lhs, right), _number(right, lhs))


def condition_holds(condition: Q, values: dict[str, Any]) -> bool | None:
    """SQL's three-valued truth of `condition` for a row's `values` (None: unknown); raises Unsupported."""
    outcomes: list[bool | None] = []
    for child in condition.children:
        if isinstance(child, Q):
            outcomes.append(condition_holds(child, values))
        elif isinstance(child, tuple) and len(child) == 2:
            outcomes.append(_lookup(child[0], child[1], values))
        else:
            raise Unsupported(type(child).__name__)
    if condition.connector == Q.AND:
        result: bool | None = False if False in outcomes else (None if None in outcomes else True)
    elif condition.connector == Q.OR:
        result = True if True in outcomes else (None if None in outcomes else False)
    else:
        raise Unsupported(condition.connector)
    if condition.negated and result is not None:
        result = not result
    return result


def check_constraints_violated(instance: models.Model) -> dict[str, list[str]]:
    """The row's failed CHECK constraints as {constraint name: messages}, querying only as a fallback."""
    model = type(instance)
    values = {f.name: getattr(instance, f.attname) for f in model._meta.concrete_fields}
    errors: dict[str, list[str]] = {}
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue
        try:
            failed = condition_holds(Q(constraint.condition), values) is False
        except (Unsupported, TypeError):
            try:
                cast(Any, constraint).validate(model, instance)
                failed = False
            except ValidationError:
                failed = True
        if failed:
            errors.setdefault(constraint.name, []).append(str(constraint.get_violation_error_message()))
    return errors


def unique_keys(model: type[models.Model]) -> list[tuple[str, tuple[str, ...]]]:
    """Each unique field and plain unique constraint of `model`: (the name errors use, its attnames)."""
    opts = model._meta
    attname = {f.name: f.attname for f in opts.concrete_fields}
    keys: list[tuple[str, tuple[str, ...]]] = [
        (f.name, (f.attname,)) for f in opts.concrete_fields if f.unique and not f.primary_key
    ]
    for constraint in opts.total_unique_constraints:
        keys.append((constraint.name, tuple(attname[name] for name in constraint.fields)))
    return keys


def unique_error(model: type[models.Model], name: str) -> str:
    """The message Django gives for a clash on the unique field or constraint `name`."""
    opts = model._meta
    fields = next((c.fields for c in opts.total_unique_constraints if c.name == name), (name,))
    return str(model().unique_error_message(model, tuple(fields)).messages[0])


def already_stored(
    model: type[models.Model], attnames: tuple[str, ...], keys: Iterable[tuple[Any, ...]]
) -> set[tuple[Any, ...]]:
    """Which of `keys` (values of `attnames`) rows of `model` already hold — a query per chunk of keys."""
    wanted = sorted({k for k in keys if None not in k}, key=repr)
    found: set[tuple[Any, ...]] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        lookups = {f"{a}__in": {k[n] for k in chunk} for n, a in enumerate(attnames)}
        rows = model._default_manager.filter(**lookups).values_list(*attnames)
        found.update(tuple(row) for row in rows)
    return found & set(wanted)


def owners_of(model: type[models.Model], ids: Iterable[int]) -> dict[int, int]:
    """{row id: its customer id} for the rows of `model` among `ids` — a query per chunk of ids."""
    wanted = sorted(set(ids))
    owners: dict[int, int] = {}
    for start in range(0, len(wanted), CHUNK * 4):
        chunk = wanted[start : start + CHUNK * 4]
        owners.update(model._default_manager.filter(pk__in=chunk).values_list("pk", "customer_id"))
    return owners
