"""The rules page and the rule builder: rules by dimension with their versions, and what an editor of
one rule needs (its dimension, the action and values it may give, the metric catalog with descriptions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from stratacrm.customers.models import Customer
from stratacrm.segmentation.fields import OPERATORS_BY_KIND
from stratacrm.segmentation.live import definition_live
from stratacrm.segmentation.models import Rule
from stratacrm.segmentation.ruleset import DimensionSpec, RuleSet, RuleSpec
from stratacrm.segmentation.ruleset.schemes import LIFECYCLE, VALUE_TIER
from stratacrm.segmentation.ruleset.specs import Action
from stratacrm.segmentation.runs.definition import Definition
from stratacrm.segmentation.selectors import ruleset_current
from stratacrm.segmentation.sources import CUSTOMERS

from ..labels import value_label
from .grades import Grades

SCHEME_OF = {VALUE_TIER: "value_score", LIFECYCLE: "lifecycle"}
SOURCE_LABELS = {
    "customers": _("Customer attributes"),
    "consumption": _("Consumption"),
    "bills": _("Bills"),
    "payments": _("Payments"),
    "transactions": _("Purchases"),
    "interactions": _("Interactions"),
    "tickets": _("Tickets"),
    "survey_responses": _("Surveys"),
    "derived": _("Derived metrics and scores"),
}
OPERATOR_WORDS = {
    "=": "=",
    "!=": "≠",
    ">": ">",
    ">=": "≥",
    "<": "<",
    "<=": "≤",
    "in": _("is one of"),
    "not_in": _("is none of"),
    "between": _("is between"),
    "is_null": _("is missing"),
    "is_not_null": _("is present"),
    "contains": _("contains"),
    "starts_with": _("starts with"),
    "is_true": _("is true"),
}
BUILDER_WORDS = {
    "field": _("Field"),
    "operator": _("Operator"),
    "value": _("Value"),
    "and": _("and"),
    "comma": _("values separated by commas"),
    "yes": _("true"),
    "no": _("false"),
    "remove": _("Remove"),
    "not": _("NOT"),
    "group": _("Group of conditions"),
    "combine": _("How the conditions combine"),
    "all": _("All of these (AND)"),
    "any": _("Any of these (OR)"),
    "add_condition": _("Condition"),
    "add_group": _("Group"),
}


def builder_words() -> dict[str, Any]:
    """The builder's labels in the current language (the script has no translations of its own)."""
    words: dict[str, Any] = {key: str(value) for key, value in BUILDER_WORDS.items()}
    words["operators"] = {key: str(value) for key, value in OPERATOR_WORDS.items()}
    return words


@dataclass(frozen=True)
class RuleLine:
    """A rule in force as the list shows it."""

    name: str
    version: int
    versions: int
    enabled: bool
    priority: int
    value: str
    value_label: str
    condition: str


@dataclass(frozen=True)
class RuleGroup:
    dimension: str
    label: str
    mode: str
    rules: list[RuleLine]


def rule_groups(*, grades: Grades) -> list[RuleGroup]:
    """Current rules by dimension (dimension order), highest priority first, with their version counts."""
    stored = Rule.objects.values("dimension__name", "name").annotate(n=Count("id")).order_by()
    counts = {(row["dimension__name"], row["name"]): row["n"] for row in stored}
    groups: dict[str, RuleGroup] = {}
    current = Rule.objects.filter(is_current=True).select_related("dimension")
    for rule in current.order_by("dimension__position", "dimension__name", "-priority", "name"):
        dimension = grades.get(rule.dimension.name)
        label_of = dimension.label_of if dimension is not None else value_label
        group = groups.setdefault(
            rule.dimension.name,
            RuleGroup(
                rule.dimension.name,
                dimension.label if dimension is not None else rule.dimension.name,
                rule.dimension.mode,
                [],
            ),
        )
        group.rules.append(
            RuleLine(
                rule.name,
                rule.version,
                counts.get((rule.dimension.name, rule.name), 1),
                rule.enabled,
                rule.priority,
                rule.value,
                label_of(rule.value),
                rule.condition_text,
            )
        )
    return list(groups.values())


def rule_versions(*, dimension: str, name: str) -> list[Rule]:
    """Every stored version of one rule, newest first (Rule.DoesNotExist when there is none)."""
    stored = Rule.objects.filter(dimension__name=dimension, name=name).select_related("created_by")
    versions = list(stored.order_by("-version"))
    if not versions:
        raise Rule.DoesNotExist(f"no rule {name!r} in {dimension!r}")
    return versions


@dataclass(frozen=True)
class Editor:
    """Everything the builder needs to edit (or add) one rule of one dimension."""

    ruleset: RuleSet
    dimension: DimensionSpec
    rule: RuleSpec | None
    action: Action
    values: tuple[str, ...] | None  # the only values allowed (tiers, stages), None: any name
    taken_priorities: dict[int, str]
    definition: Definition

    @property
    def known_values(self) -> list[str]:
        """Values the dimension's rules already give (suggestions for a new rule)."""
        return list(dict.fromkeys(r.value for r in self.dimension.rules))


def rule_editor(*, dimension: str, name: str | None) -> Editor:
    """The editor of rule `name` (None: a new rule) of `dimension`; LookupError when either is unknown
    or nothing is defined yet."""
    definition = definition_live()
    if definition is None:
        raise LookupError("no rules are defined yet")
    ruleset, _ = ruleset_current()
    spec = next((d for d in ruleset.dimensions if d.name == dimension), None)
    if spec is None and dimension in SCHEME_OF and SCHEME_OF[dimension] in ruleset.schemes():
        spec = DimensionSpec(dimension, "exclusive", (), scheme=SCHEME_OF[dimension])
    if spec is None:
        raise LookupError(f"no dimension {dimension!r}")
    rule = next((r for r in spec.rules if r.name == name), None)
    if name is not None and rule is None:
        raise LookupError(f"no rule {name!r} in {dimension!r}")
    action, values = _action(spec, ruleset)
    taken = {r.priority: r.name for r in spec.rules if r.name != name} if spec.mode == "exclusive" else {}
    return Editor(ruleset, spec, rule, action, values, taken, definition)


def _action(spec: DimensionSpec, ruleset: RuleSet) -> tuple[Action, tuple[str, ...] | None]:
    if spec.scheme == "value_score" and ruleset.value_score is not None:
        return "tier", ruleset.value_score.tiers.labels
    if spec.scheme == "lifecycle" and ruleset.lifecycle is not None:
        return "stage", ruleset.lifecycle.stages
    return ("tag" if spec.mode == "tags" else "group"), None


def field_catalog(*, definition: Definition) -> list[dict[str, Any]]:
    """Every name a condition may use, with its kind, allowed operators, choices and description in the
    current language, grouped by source (customer attributes first)."""
    chinese = (get_language() or "").startswith("zh")
    catalog = definition.catalog
    entries = []
    for name, known in catalog.fields.items():
        metric = catalog.resolve(name)
        description = (metric.description_zh or metric.description_en) if chinese else metric.description_en
        entries.append(
            {
                "name": name,
                "kind": known.kind,
                "source": metric.source,
                "source_label": str(SOURCE_LABELS.get(metric.source, metric.source)),
                "operators": sorted(OPERATORS_BY_KIND[known.kind]),
                "choices": _choices(name, known.choices, metric.source),
                "description": description,
            }
        )
    return sorted(entries, key=lambda e: (e["source"] != CUSTOMERS, e["source"], e["name"]))


def _choices(name: str, given: tuple[str, ...], source: str) -> list[list[str]]:
    """The values a name takes, with their labels: a band's or tier's labels, a customer field's choices."""
    if given:
        return [[value, value_label(value)] for value in given]
    if source != CUSTOMERS:
        return []
    try:
        field = Customer._meta.get_field(name)
    except FieldDoesNotExist:
        return []
    choices = getattr(field, "choices", None) or ()
    return [[str(value), str(label)] for value, label in choices]
