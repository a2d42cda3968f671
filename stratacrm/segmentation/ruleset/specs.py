"""A rule set as typed data: custom metrics, dimensions with their rules, and the grade schemes.

Every part has a `definition()` — the JSON stored in its versioned row, from which `from_definition`
rebuilds it — and its content hash is the hash of that JSON, so a rule changes version exactly when its
condition, action, priority or enabled flag changes. Positions in the rule file (`at`) are for messages
only and take no part in comparisons.

>>> from ..conditions import Leaf
>>> rule = RuleSpec("high value", "value_group", Leaf("amount_12m", ">", 10000), "group", "high_value", 10)
>>> RuleSpec.from_definition(rule.name, rule.dimension, rule.definition()) == rule
True
>>> rule.definition()["then"]
{'group': 'high_value'}
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from ..conditions import Condition, from_json
from .schemes import ChurnRisk, Lifecycle, ValueScore

Action = Literal["group", "tag", "tier", "stage"]
ACTIONS: tuple[Action, ...] = ("group", "tag", "tier", "stage")
Mode = Literal["exclusive", "tags"]
MODES: tuple[Mode, ...] = ("exclusive", "tags")
Position = tuple[int, int]  # line and column in the rule file, 1-based


def content_hash(definition: dict[str, Any]) -> str:
    """The SHA-256 of a definition's canonical JSON."""
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RuleSpec:
    """One rule: when `condition` holds, `action` gives `value` (a group, tag, tier or stage)."""

    name: str
    dimension: str
    condition: Condition
    action: Action
    value: str
    priority: int = 0
    enabled: bool = True
    at: Position | None = field(default=None, compare=False)

    def definition(self) -> dict[str, Any]:
        return {
            "when": self.condition.to_json(),
            "then": {self.action: self.value},
            "priority": self.priority,
            "enabled": self.enabled,
        }

    @classmethod
    def from_definition(cls, name: str, dimension: str, data: dict[str, Any]) -> RuleSpec:
        ((action, value),) = data["then"].items()
        return cls(name, dimension, from_json(data["when"]), action, value, data["priority"], data["enabled"])


@dataclass(frozen=True)
class DimensionSpec:
    """A dimension and its rules. `scheme` names the grade scheme that owns it (value tier overrides,
    lifecycle stages), if any; such a dimension is written inside its scheme in the rule file."""

    name: str
    mode: Mode
    rules: tuple[RuleSpec, ...]
    label_en: str = ""
    label_zh: str = ""
    scheme: str | None = None
    at: Position | None = field(default=None, compare=False)

    def ordered_rules(self) -> tuple[RuleSpec, ...]:
        """The enabled rules in the order they are tried: highest priority first, then by name."""
        enabled = [rule for rule in self.rules if rule.enabled]
        return tuple(sorted(enabled, key=lambda rule: (-rule.priority, rule.name)))


@dataclass(frozen=True)
class MetricSpec:
    """A custom metric: an aggregate of an event source, or a formula over two metrics."""

    name: str
    source: str | None = None
    aggregate: str | None = None
    column: str | None = None
    filter: str | None = None
    window: str | None = None
    time_column: str | None = None
    formula: str | None = None
    inputs: tuple[str, ...] = ()
    description_en: str = ""
    description_zh: str = ""
    at: Position | None = field(default=None, compare=False)

    def definition(self) -> dict[str, Any]:
        fields = {
            "source": self.source,
            "aggregate": self.aggregate,
            "column": self.column,
            "filter": self.filter,
            "window": self.window,
            "time_column": self.time_column,
            "formula": self.formula,
            "inputs": list(self.inputs) or None,
            "description_en": self.description_en or None,
            "description_zh": self.description_zh or None,
        }
        return {key: value for key, value in fields.items() if value is not None}

    @classmethod
    def from_definition(cls, name: str, data: dict[str, Any]) -> MetricSpec:
        values = {key: value for key, value in data.items() if key != "inputs"}
        return cls(name, inputs=tuple(data.get("inputs", ())), **values)


@dataclass(frozen=True)
class RuleSet:
    """Everything a rule file defines. `dimensions` includes the dimensions owned by schemes."""

    metrics: tuple[MetricSpec, ...] = ()
    dimensions: tuple[DimensionSpec, ...] = ()
    value_score: ValueScore | None = None
    lifecycle: Lifecycle | None = None
    churn_risk: ChurnRisk | None = None

    def schemes(self) -> dict[str, ValueScore | Lifecycle | ChurnRisk]:
        """The schemes present, by kind (`value_score`, `lifecycle`, `churn_risk`)."""
        found = {"value_score": self.value_score, "lifecycle": self.lifecycle, "churn_risk": self.churn_risk}
        return {kind: scheme for kind, scheme in found.items() if scheme is not None}

    def rules(self) -> list[RuleSpec]:
        return [rule for dimension in self.dimensions for rule in dimension.rules]
