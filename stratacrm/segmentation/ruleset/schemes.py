"""Grade schemes as typed data: the value score and its tiers, lifecycle stages, churn risk.

- **Value score** (`ValueScore`): `rfm` adds the recency, frequency and monetary bins (1..`bins`, quintiles
  by default) times their weights; `weighted` adds weight × a normalised metric (`rank`: the bin mapped to
  0..1, `minmax`: min-max scaled). Tiers come by `quantiles` (shares of customers, best first) or by
  `thresholds` (the least score of each tier, best first, the last one 0).
- **Lifecycle** (`Lifecycle`): the stages a customer may be in and the default; the ordered rules that
  set them live in the `lifecycle` dimension.
- **Churn risk** (`ChurnRisk`): warning signals (a condition and its points), their total, and levels by
  thresholds of that total (the last one 0).

>>> cuts = Cuts("thresholds", ("high", "medium", "low"), (60.0, 30.0, 0.0))
>>> ChurnRisk((), cuts).definition()["levels"]
{'thresholds': [['high', 60.0], ['medium', 30.0], ['low', 0.0]]}
>>> Cuts.from_definition(cuts.definition()) == cuts
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..conditions import Condition, from_json

Position = tuple[int, int]
VALUE_TIER, LIFECYCLE, CHURN_RISK = "value_tier", "lifecycle", "churn_risk"
SCORE, SCORE_TIER, POINTS = "value_score", "value_score_tier", "churn_points"
SIGNAL_PREFIX = "churn_signal_"
RFM_PARTS = ("recency", "frequency", "monetary")
RFM_DEFAULTS = {"recency": "recency_days", "frequency": "frequency_12m", "monetary": "monetary_12m"}
DEFAULT_BINS = {"rfm": 5, "rank": 20}
STAGES = ("prospect", "new", "growing", "mature", "at_risk", "churned", "won_back")


@dataclass(frozen=True)
class Cuts:
    """Labels, best first, with one number each: a share of customers (percent) or a least value."""

    by: Literal["quantiles", "thresholds"]
    labels: tuple[str, ...]
    values: tuple[float, ...]

    def definition(self) -> dict[str, Any]:
        # Pairs, not a mapping: a JSON object's key order is not kept everywhere (PostgreSQL's jsonb).
        return {self.by: [[label, value] for label, value in zip(self.labels, self.values, strict=True)]}

    @classmethod
    def from_definition(cls, data: dict[str, Any]) -> Cuts:
        ((by, pairs),) = data.items()
        kind: Literal["quantiles", "thresholds"] = "quantiles" if by == "quantiles" else "thresholds"
        return cls(kind, tuple(label for label, _ in pairs), tuple(float(value) for _, value in pairs))


@dataclass(frozen=True)
class ScorePart:
    """One metric of the value score: its name in the score, the metric, its weight and direction."""

    name: str
    metric: str
    weight: float = 1.0
    lower_is_better: bool = False

    def definition(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "metric": self.metric,
            "weight": self.weight,
            "lower_is_better": self.lower_is_better,
        }


@dataclass(frozen=True)
class ValueScore:
    """A score per customer and tiers cut from it."""

    method: Literal["rfm", "weighted"]
    parts: tuple[ScorePart, ...]
    tiers: Cuts
    normalize: Literal["bins", "rank", "minmax"] = "bins"
    bins: int = 5
    label_en: str = "Value tier"
    label_zh: str = "价值等级"
    at: Position | None = field(default=None, compare=False)

    def definition(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "normalize": self.normalize,
            "bins": self.bins,
            "parts": [part.definition() for part in self.parts],
            "tiers": self.tiers.definition(),
            "labels": {"en": self.label_en, "zh": self.label_zh},
        }

    @classmethod
    def from_definition(cls, data: dict[str, Any]) -> ValueScore:
        return cls(
            data["method"],
            tuple(ScorePart(**part) for part in data["parts"]),
            Cuts.from_definition(data["tiers"]),
            data["normalize"],
            data["bins"],
            data["labels"]["en"],
            data["labels"]["zh"],
        )

    def component(self, part: ScorePart) -> str:
        """The metric holding one part's contribution before weighting."""
        return f"{SCORE}_{part.name}"


@dataclass(frozen=True)
class Lifecycle:
    """The stages, in their natural order, and the stage of a customer no rule places."""

    stages: tuple[str, ...]
    default: str
    label_en: str = "Lifecycle stage"
    label_zh: str = "生命周期阶段"
    at: Position | None = field(default=None, compare=False)

    def definition(self) -> dict[str, Any]:
        return {
            "stages": list(self.stages),
            "default": self.default,
            "labels": {"en": self.label_en, "zh": self.label_zh},
        }

    @classmethod
    def from_definition(cls, data: dict[str, Any]) -> Lifecycle:
        labels = data["labels"]
        return cls(tuple(data["stages"]), data["default"], labels["en"], labels["zh"])


@dataclass(frozen=True)
class Signal:
    """A churn warning signal: `points` when `condition` holds."""

    name: str
    condition: Condition
    points: float
    label_en: str = ""
    label_zh: str = ""

    @property
    def metric(self) -> str:
        return f"{SIGNAL_PREFIX}{self.name}"

    def definition(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "when": self.condition.to_json(),
            "points": self.points,
            "labels": {"en": self.label_en, "zh": self.label_zh},
        }

    @classmethod
    def from_definition(cls, data: dict[str, Any]) -> Signal:
        labels = data["labels"]
        return cls(data["name"], from_json(data["when"]), data["points"], labels["en"], labels["zh"])


@dataclass(frozen=True)
class ChurnRisk:
    """Signals and levels by thresholds of their points total."""

    signals: tuple[Signal, ...]
    levels: Cuts
    label_en: str = "Churn risk"
    label_zh: str = "流失风险"
    at: Position | None = field(default=None, compare=False)

    def definition(self) -> dict[str, Any]:
        return {
            "signals": [signal.definition() for signal in self.signals],
            "levels": self.levels.definition(),
            "labels": {"en": self.label_en, "zh": self.label_zh},
        }

    @classmethod
    def from_definition(cls, data: dict[str, Any]) -> ChurnRisk:
        labels = data["labels"]
        signals = tuple(Signal.from_definition(signal) for signal in data["signals"])
        return cls(signals, Cuts.from_definition(data["levels"]), labels["en"], labels["zh"])


Scheme = ValueScore | Lifecycle | ChurnRisk
SCHEME_CLASSES: dict[str, type[ValueScore] | type[Lifecycle] | type[ChurnRisk]] = {
    "value_score": ValueScore,
    "lifecycle": Lifecycle,
    "churn_risk": ChurnRisk,
}
SCHEME_DIMENSIONS = {"value_score": VALUE_TIER, "lifecycle": LIFECYCLE, "churn_risk": CHURN_RISK}
