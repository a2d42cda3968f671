"""From a rule set to what the compiler takes: catalog metrics and dimensions with their branches.

A scheme becomes derived metrics (`scoring.py`) and an exclusive dimension:

- value score: `value_score_<part>` (bins or scaled values), `value_score`, and `value_score_tier` when
  tiers are quantiles; dimension `value_tier`: the override rules, then one branch per tier but the
  last, which is the default;
- lifecycle: no metrics; dimension `lifecycle`: its rules, then the default stage;
- churn risk: `churn_signal_<signal>` (its points or 0) and `churn_points` (their total); dimension
  `churn_risk`: one branch per level but the last, which is the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..catalog import DERIVED, Aggregate, Catalog, Metric
from ..compiler import Branch, Dimension
from ..compiler.dimensions import Measure
from ..conditions import Condition, Leaf, keys
from ..fields import Kind
from ..scoring import Binned, Points, Quantiles, Scaled, Weights
from ..text import to_text
from .custom import numeric_kind
from .schemes import (
    CHURN_RISK,
    LIFECYCLE,
    POINTS,
    SCORE,
    SCORE_TIER,
    VALUE_TIER,
    ChurnRisk,
    Cuts,
    ValueScore,
)
from .specs import DimensionSpec, RuleSet


@dataclass(frozen=True)
class Built:
    """One branch of a compiled dimension and where it came from: a rule, or a scheme's tier or level."""

    dimension: str
    index: int  # 1-based, as the compiler numbers branches
    branch: Branch
    rule: str  # the rule's name, or `<scheme>:<label>`
    scheme: str | None  # the scheme that generated the branch, if any
    priority: int
    text: str
    evidence: tuple[str, ...]


def value_score_metrics(scheme: ValueScore, *, catalog: Catalog) -> list[Metric]:
    """The parts (bins or scaled values), the score, and the quantile tier when tiers are quantiles."""
    metrics: list[Metric] = []
    for part in scheme.parts:
        numeric_kind(part.metric, catalog=catalog)
        source = (catalog.resolve(part.metric).name,)
        scoring: Binned | Scaled
        aggregate: Aggregate
        kind: Kind
        if scheme.normalize == "minmax":
            scoring, aggregate, kind = Scaled(part.lower_is_better), "scaled", "number"
        else:
            unit = scheme.normalize == "rank"
            scoring = Binned(scheme.bins, part.lower_is_better, unit)
            aggregate, kind = "bin", "number" if unit else "integer"
        en, zh = f"{part.name} part of the value score", f"价值得分的{part.name}分项"
        metrics.append(
            Metric(
                scheme.component(part),
                DERIVED,
                aggregate,
                inputs=source,
                kind=kind,
                scoring=scoring,
                description_en=en,
                description_zh=zh,
            )
        )
    weights = Weights(tuple(part.weight for part in scheme.parts))
    components = tuple(m.name for m in metrics)
    metrics.append(
        Metric(
            SCORE,
            DERIVED,
            "weighted",
            inputs=components,
            kind="number",
            scoring=weights,
            description_en="Value score",
            description_zh="价值得分",
        )
    )
    if scheme.tiers.by == "quantiles":
        tiers = Quantiles(scheme.tiers.labels, scheme.tiers.values)
        metrics.append(
            Metric(
                SCORE_TIER,
                DERIVED,
                "quantile",
                inputs=(SCORE,),
                kind="text",
                scoring=tiers,
                description_en="Value tier by share of customers",
                description_zh="按客户占比的价值等级",
            )
        )
    return metrics


def churn_metrics(scheme: ChurnRisk, *, catalog: Catalog) -> list[Metric]:
    """One metric per signal (its points when it holds, else 0) and their total."""
    metrics = []
    for signal in scheme.signals:
        points = _number(signal.points)
        inputs = tuple(sorted({catalog.resolve(key).name for key in keys(signal.condition)}))
        metrics.append(
            Metric(
                signal.metric,
                DERIVED,
                "points",
                filter=signal.condition,
                inputs=inputs,
                kind=_kind(points),
                scoring=Points(points),
                description_en=signal.label_en or f"Churn signal {signal.name}",
                description_zh=signal.label_zh or f"流失预警信号 {signal.name}",
            )
        )
    kind: Kind = "integer" if all(m.kind == "integer" for m in metrics) else "number"
    total = Weights(tuple(1 for _ in metrics))
    metrics.append(
        Metric(
            POINTS,
            DERIVED,
            "weighted",
            inputs=tuple(m.name for m in metrics),
            kind=kind,
            scoring=total,
            description_en="Churn risk points",
            description_zh="流失风险积分",
        )
    )
    return metrics


def scheme_metrics(ruleset: RuleSet, *, catalog: Catalog) -> list[Metric]:
    """Every metric the rule set's schemes add, in an order the catalog accepts."""
    metrics: list[Metric] = []
    if ruleset.value_score is not None:
        metrics += value_score_metrics(ruleset.value_score, catalog=catalog)
    if ruleset.churn_risk is not None:
        metrics += churn_metrics(ruleset.churn_risk, catalog=catalog)
    return metrics


def dimension_branches(ruleset: RuleSet, *, catalog: Catalog) -> list[tuple[Dimension, list[Built]]]:
    """The compiler's dimensions, rule dimensions first, then value tier, lifecycle and churn risk."""
    owned = {d.scheme: d for d in ruleset.dimensions if d.scheme is not None}
    result = []
    for spec in ruleset.dimensions:
        if spec.scheme is None and spec.ordered_rules():
            result.append(_dimension(spec, default=None))
    if ruleset.value_score is not None:
        scheme = ruleset.value_score
        tiers = _cuts("value_score", scheme.tiers, score=SCORE, quantile=SCORE_TIER)
        spec = owned.get("value_score") or DimensionSpec(VALUE_TIER, "exclusive", ())
        measures = (
            Measure(SCORE, "score"),
            *(Measure(scheme.component(p), "component", p.name) for p in scheme.parts),
        )
        result.append(_dimension(spec, default=scheme.tiers.labels[-1], extra=tiers, measures=measures))
    if ruleset.lifecycle is not None:
        spec = owned.get("lifecycle") or DimensionSpec(LIFECYCLE, "exclusive", ())
        result.append(_dimension(spec, default=ruleset.lifecycle.default))
    if ruleset.churn_risk is not None:
        churn = ruleset.churn_risk
        levels = _cuts("churn_risk", churn.levels, score=POINTS, quantile=None)
        signals = tuple(Measure(s.metric, "signal", s.name) for s in churn.signals)
        spec = DimensionSpec(CHURN_RISK, "exclusive", ())
        measures = (Measure(POINTS, "points"), *signals)
        result.append(_dimension(spec, default=churn.levels.labels[-1], extra=levels, measures=measures))
    return [(d, built) for d, built in result if d.branches]


def _dimension(
    spec: DimensionSpec,
    *,
    default: str | None,
    extra: Sequence[tuple[Branch, str, str, tuple[str, ...]]] = (),
    measures: tuple[Measure, ...] = (),
) -> tuple[Dimension, list[Built]]:
    built: list[Built] = []
    for rule in spec.ordered_rules():
        branch = Branch(rule.value, rule.condition)
        evidence = tuple(sorted(keys(rule.condition)))
        built.append(
            Built(
                spec.name,
                len(built) + 1,
                branch,
                rule.name,
                None,
                rule.priority,
                to_text(rule.condition),
                evidence,
            )
        )
    for branch, name, text, evidence in extra:
        scheme = name.partition(":")[0]
        built.append(Built(spec.name, len(built) + 1, branch, name, scheme, 0, text, evidence))
    dimension = Dimension(spec.name, spec.mode, tuple(b.branch for b in built), default, measures)
    return dimension, built


def _cuts(
    scheme: str, cuts: Cuts, *, score: str, quantile: str | None
) -> list[tuple[Branch, str, str, tuple[str, ...]]]:
    """A branch per label but the last: `score >= least`, or `<quantile> = label` for shares."""
    branches: list[tuple[Branch, str, str, tuple[str, ...]]] = []
    shown = 0.0
    for label, value in zip(cuts.labels[:-1], cuts.values[:-1], strict=True):
        condition: Condition
        evidence: tuple[str, ...]
        if cuts.by == "thresholds":
            condition = Leaf(score, ">=", _number(value))
            text, evidence = to_text(condition), (score,)
        else:
            assert quantile is not None
            condition = Leaf(quantile, "=", label)
            shown += value
            text, evidence = f"{score} among the best {_number(shown)}% of customers", (quantile, score)
        branches.append((Branch(label, condition), f"{scheme}:{label}", text, evidence))
    return branches


def _number(value: float) -> int | float:
    """Whole numbers as integers, so they bind and print as such."""
    return int(value) if float(value).is_integer() else float(value)


def _kind(value: int | float) -> Kind:
    return "integer" if isinstance(value, int) else "number"
