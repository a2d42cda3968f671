"""A customer's grades as the 360 view explains them: the engine's explanation, labelled for reading.

`segmentation.explain.assignment_explain` says which rule and version placed each value, the values
that met it and the nearest rule missed; this adds the labels (dimension, value, metric description,
signal and score-part names) in the user's language. Nothing is evaluated here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from stratacrm.customers.models import Customer
from stratacrm.segmentation.checks import LeafCheck
from stratacrm.segmentation.conditions import ConditionError
from stratacrm.segmentation.explain import DimensionExplanation, RuleExplanation, assignment_explain
from stratacrm.segmentation.live import definition_live
from stratacrm.segmentation.runs.definition import Definition

from ..labels import value_label
from .grades import Grades

SCHEME_KINDS = frozenset({"value_score", "lifecycle", "churn_risk"})  # `<scheme>:<label>` branches
MEASURE_LABELS = {
    "value_score": _("Value score"),
    "recency": _("Recency"),
    "frequency": _("Frequency"),
    "monetary": _("Monetary value"),
    "churn_points": _("Churn points"),
}


@dataclass(frozen=True)
class Check:
    """One leaf of a rule's condition against the customer's value."""

    key: str
    description: str
    operator: str
    expected: Any
    actual: Any
    negated: bool
    holds: bool


@dataclass(frozen=True)
class Reason:
    """A rule as the explanation shows it: name, version, value it gives, condition, leaf checks."""

    name: str
    version: int | None
    value_label: str
    condition: str
    checks: tuple[Check, ...]
    by_scheme: bool = False  # a tier or level cut by a grade scheme, not a rule of the file


@dataclass(frozen=True)
class HeldGrade:
    value: str
    label: str
    since: Any
    reason: Reason | None
    score: float | None
    outdated: bool


@dataclass(frozen=True)
class GradeCard:
    """One dimension of the customer: what it holds and why, the nearest miss, the measures."""

    dimension: str
    label: str
    mode: str
    held: tuple[HeldGrade, ...]
    nearest_miss: Reason | None
    measures: tuple[tuple[str, Any], ...]


def grade_cards(*, customer: Customer, grades: Grades) -> list[GradeCard]:
    """Every dimension in force explained for `customer` (already read through the user's scope)."""
    definition = definition_live()
    if definition is None:
        return []
    explained = assignment_explain(customer=customer, definition=definition)
    return [_card(dimension, grades, definition) for dimension in explained]


def _card(explained: DimensionExplanation, grades: Grades, definition: Definition) -> GradeCard:
    dimension = grades.get(explained.dimension)
    label_of = dimension.label_of if dimension is not None else value_label
    held = tuple(
        HeldGrade(
            h.value,
            label_of(h.value),
            h.since,
            _reason(h.rule, label_of, definition) if h.rule else None,
            h.score,
            h.outdated,
        )
        for h in explained.held
    )
    miss = explained.nearest_miss
    signals = _signal_labels(definition)
    measures = tuple(
        (str(signals.get(name) or MEASURE_LABELS.get(name) or value_label(name)), value)
        for name, value in explained.measures.items()
    )
    return GradeCard(
        explained.dimension,
        dimension.label if dimension is not None else value_label(explained.dimension),
        explained.mode,
        held,
        _reason(miss, label_of, definition) if miss else None,
        measures,
    )


def _reason(rule: RuleExplanation, label_of: Any, definition: Definition) -> Reason:
    checks = tuple(_check(c, definition) for c in rule.checks)
    by_scheme = rule.name.partition(":")[0] in SCHEME_KINDS and ":" in rule.name
    return Reason(rule.name, rule.version, label_of(rule.value), rule.condition, checks, by_scheme)


def _check(check: LeafCheck, definition: Definition) -> Check:
    return Check(
        check.key,
        metric_description(check.key, definition=definition),
        check.operator,
        check.expected,
        check.actual,
        check.negated,
        check.holds,
    )


def metric_description(name: str, *, definition: Definition) -> str:
    """A metric's description in the current language ('' for an unknown name)."""
    try:
        metric = definition.catalog.resolve(name)
    except ConditionError:
        return ""
    chinese = (get_language() or "").startswith("zh")
    return (metric.description_zh or metric.description_en) if chinese else metric.description_en


def _signal_labels(definition: Definition) -> dict[str, str]:
    ruleset = getattr(definition, "ruleset", None)
    churn = getattr(ruleset, "churn_risk", None)
    if churn is None:
        return {}
    chinese = (get_language() or "").startswith("zh")
    return {s.name: (s.label_zh if chinese else s.label_en) or s.name for s in churn.signals}
