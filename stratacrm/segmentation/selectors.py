"""Reads of the stored definitions: the current rule set with its versions, and listings of rules.

The stored rows hold each part's `definition` JSON (see `ruleset/specs.py`), so the current rule set is
rebuilt exactly as the rule file that was loaded described it. Dimensions made by a scheme
(`value_tier`, `lifecycle`, `churn_risk`) are recognised by their names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.customers.models import Customer

from .models import Assignment, Dimension, Metric, Rule, Scheme
from .ruleset import ChurnRisk, DimensionSpec, Lifecycle, MetricSpec, RuleSet, RuleSpec, ValueScore
from .ruleset.schemes import SCHEME_DIMENSIONS
from .ruleset.specs import Mode

Versions = dict[str, dict[str, int]]
OWNERS = {dimension: scheme for scheme, dimension in SCHEME_DIMENSIONS.items()}


def ruleset_current() -> tuple[RuleSet, Versions]:
    """The current versions as a rule set, and those versions: {"rules": {"dim/name": v}, "metrics":
    {name: v}, "schemes": {kind: v}}."""
    versions: Versions = {"rules": {}, "metrics": {}, "schemes": {}}
    metrics = []
    for row in Metric.objects.filter(is_current=True).order_by("pk"):
        metrics.append(MetricSpec.from_definition(row.name, row.definition))
        versions["metrics"][row.name] = row.version
    rules_by_dimension: dict[int, list[RuleSpec]] = {}
    for rule in Rule.objects.filter(is_current=True).select_related("dimension").order_by("pk"):
        spec = RuleSpec.from_definition(rule.name, rule.dimension.name, rule.definition)
        rules_by_dimension.setdefault(rule.dimension_id, []).append(spec)
        versions["rules"][f"{rule.dimension.name}/{rule.name}"] = rule.version
    schemes: dict[str, ValueScore | Lifecycle | ChurnRisk] = {}
    for scheme in Scheme.objects.filter(is_current=True):
        schemes[scheme.kind] = _scheme(scheme)
        versions["schemes"][scheme.kind] = scheme.version
    dimensions: list[DimensionSpec] = []
    for dimension in Dimension.objects.filter(is_active=True).order_by("position", "name"):
        owned = tuple(rules_by_dimension.get(dimension.pk, ()))
        owner = OWNERS.get(dimension.name)
        if owner is None or owned:
            mode: Mode = "exclusive" if dimension.mode == "exclusive" else "tags"
            labels = dimension.label_en, dimension.label_zh
            dimensions.append(DimensionSpec(dimension.name, mode, owned, *labels, owner))
    value_score, lifecycle, churn_risk = (
        schemes.get("value_score"),
        schemes.get("lifecycle"),
        schemes.get("churn_risk"),
    )
    ruleset = RuleSet(
        tuple(metrics),
        tuple(dimensions),
        value_score if isinstance(value_score, ValueScore) else None,
        lifecycle if isinstance(lifecycle, Lifecycle) else None,
        churn_risk if isinstance(churn_risk, ChurnRisk) else None,
    )
    return ruleset, versions


def _scheme(row: Scheme) -> ValueScore | Lifecycle | ChurnRisk:
    if row.kind == "value_score":
        return ValueScore.from_definition(row.definition)
    if row.kind == "lifecycle":
        return Lifecycle.from_definition(row.definition)
    return ChurnRisk.from_definition(row.definition)


def ruleset_is_empty() -> bool:
    """Nothing is defined: no current rule, custom metric or scheme."""
    return not (
        Rule.objects.filter(is_current=True).exists()
        or Scheme.objects.filter(is_current=True).exists()
        or Metric.objects.filter(is_current=True).exists()
    )


@dataclass(frozen=True)
class RuleRow:
    """One rule version as listings show it."""

    dimension: str
    name: str
    version: int
    is_current: bool
    enabled: bool
    priority: int
    value: str
    condition: str


def rule_list(*, user: User | None = None, include_history: bool = False) -> list[RuleRow]:
    """Rules by dimension (in dimension order), highest priority first; old versions too if asked."""
    if user is not None:
        user_require(user, "rule.view")
    rules: QuerySet[Rule] = Rule.objects.select_related("dimension")
    if not include_history:
        rules = rules.filter(is_current=True)
    ordered = rules.order_by("dimension__position", "dimension__name", "-priority", "name", "-version")
    return [
        RuleRow(
            r.dimension.name,
            r.name,
            r.version,
            r.is_current,
            r.enabled,
            r.priority,
            r.value,
            r.condition_text,
        )
        for r in ordered
    ]


def metric_list(*, user: User | None = None) -> list[tuple[str, int, dict[str, object]]]:
    """Current custom metrics: name, version and definition."""
    if user is not None:
        user_require(user, "rule.view")
    return [
        (m.name, m.version, m.definition) for m in Metric.objects.filter(is_current=True).order_by("name")
    ]


def scheme_list(*, user: User | None = None) -> list[tuple[str, int, dict[str, object]]]:
    """Current grade schemes: kind, version and definition."""
    if user is not None:
        user_require(user, "rule.view")
    return [
        (s.kind, s.version, s.definition) for s in Scheme.objects.filter(is_current=True).order_by("kind")
    ]


GradeFilter = tuple[str | None, str]  # (dimension, value); dimension None: any dimension made by rules


def customers_holding(queryset: QuerySet[Customer], *, grades: Iterable[GradeFilter]) -> QuerySet[Customer]:
    """`queryset` narrowed to customers currently holding every (dimension, value) of `grades`.

    Each filter is a subquery on the (dimension, value) index, so the whole stays one query; a value
    without a dimension matches it in any dimension made by rules (groups and tags), not the schemes'.
    Those dimensions are named by a subquery of their own rather than by excluding the schemes': the
    index is then probed once per dimension instead of every assignment being read.
    """
    rule_dimensions = Dimension.objects.exclude(name__in=SCHEME_DIMENSIONS.values()).values("name")
    for dimension, value in grades:
        held = Assignment.objects.filter(value=value)
        if dimension is None:
            held = held.filter(dimension__in=rule_dimensions)
        else:
            held = held.filter(dimension=dimension)
        queryset = queryset.filter(pk__in=held.values("customer_id"))
    return queryset
