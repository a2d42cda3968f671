"""Why a customer holds each of its grades: the selector the UI, the API and `strata grade explain` use.

For every dimension of the definition in force: the value(s) the customer holds, the rule and version
that placed it there with its condition and the metric values that met it (as published, from the
assignment's evidence), and the nearest rule it missed — the one with the fewest failing conditions,
then the smallest relative gap — with the values that missed. Scheme dimensions add the score and each
signal's or component's points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stratacrm.accounts.models import User
from stratacrm.customers.models import Customer
from stratacrm.customers.selectors import customer_scope

from .checks import LeafCheck, cost, leaf_checks, shortfall
from .compiler import Dimension
from .models import Assignment
from .runs.compute import plan_for
from .runs.definition import Definition, RuleRefLike, definition_active


@dataclass(frozen=True)
class RuleExplanation:
    """A rule checked against the customer's values."""

    name: str
    version: int | None
    value: str
    condition: str
    checks: tuple[LeafCheck, ...]
    holds: bool


@dataclass(frozen=True)
class HeldValue:
    """A value the customer holds in a dimension, and the rule that gave it (None: the default)."""

    value: str
    since: dt.datetime
    rule: RuleExplanation | None
    score: float | None
    outdated: bool = False  # placed by a rule version the definition no longer has


@dataclass(frozen=True)
class DimensionExplanation:
    """One dimension: what is held, the nearest rule missed, and the measures published with it."""

    dimension: str
    mode: str
    held: tuple[HeldValue, ...]
    nearest_miss: RuleExplanation | None
    measures: Mapping[str, Any] = field(default_factory=dict)


def assignment_explain(
    *, customer: Customer, user: User | None = None, definition: Definition | None = None
) -> list[DimensionExplanation]:
    """Explain every grade of `customer`; with `user`, only a customer in that user's scope
    (Customer.DoesNotExist otherwise)."""
    if user is not None:
        customer = customer_scope(user=user).get(pk=customer.pk)
    definition = definition or definition_active()
    assignments = list(Assignment.objects.filter(customer=customer).order_by("dimension", "value"))
    return [
        _dimension(dimension, [a for a in assignments if a.dimension == dimension.name], definition)
        for dimension in definition.dimensions
    ]


def _dimension(dimension: Dimension, held: list[Assignment], definition: Definition) -> DimensionExplanation:
    values: dict[str, Any] = {}
    for assignment in held:
        values.update(assignment.evidence or {})
    readable = _readable(values, definition)
    branches = [
        (number, branch, definition.rules.get((dimension.name, number)))
        for number, branch in enumerate(dimension.branches, start=1)
    ]
    held_values = []
    matched_numbers = set()
    for assignment in held:
        found = next(
            ((n, b, r) for n, b, r in branches if r is not None and r.name == assignment.rule_name), None
        )
        rule = None
        if found is not None:
            matched_numbers.add(found[0])
            rule = _rule(found[2], found[1].condition, readable)
        held_values.append(
            HeldValue(
                assignment.value,
                assignment.since,
                rule,
                assignment.score,
                outdated=found is not None
                and found[2] is not None
                and found[2].version != assignment.rule_version,
            )
        )
    missed = [
        (cost(shortfall(branch.condition, readable)), number, branch, ref)
        for number, branch, ref in branches
        if number not in matched_numbers and ref is not None and shortfall(branch.condition, readable)
    ]
    nearest = None
    if missed:
        _, _, branch, ref = min(missed, key=lambda item: (item[0], item[1]))
        nearest = _rule(ref, branch.condition, readable)
    return DimensionExplanation(
        dimension.name, dimension.mode, tuple(held_values), nearest, _measures(dimension, values, definition)
    )


def _rule(ref: RuleRefLike, condition: Any, values: Mapping[str, Any]) -> RuleExplanation:
    checks = tuple(leaf_checks(condition, values))
    return RuleExplanation(
        ref.name, ref.version, ref.value, ref.condition_text, checks, not shortfall(condition, values)
    )


def _readable(values: Mapping[str, Any], definition: Definition) -> dict[str, Any]:
    """Evidence by every name a condition may use (aliases read their metric's value)."""
    readable = dict(values)
    for name in definition.catalog.fields:
        canonical = definition.catalog.resolve(name).name
        if canonical in values:
            readable[name] = values[canonical]
    return readable


def _measures(dimension: Dimension, values: Mapping[str, Any], definition: Definition) -> dict[str, Any]:
    """The score, points, components and signals published with the dimension, by their labels."""
    measures = {}
    for output in plan_for(definition).outputs:
        if output.dimension == dimension.name and output.role not in ("group", "rule", "tag"):
            measures[output.label or output.column] = values.get(output.column)
    return measures
