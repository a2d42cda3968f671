"""Reading the `schemes:` block: the value score and its tiers, lifecycle stages, churn risk signals.

The rules of the value tier (`then: {tier: …}`, overrides tried before the score's tiers) and of the
lifecycle (`then: {stage: …}`) are read by the caller once the schemes' own metrics are known, since
those rules may use them (`churn_points >= 40` in an at-risk stage).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Literal

from yaml.nodes import MappingNode, Node

from ..catalog import Catalog
from ..conditions import ConditionError
from ..fields import Field
from .custom import numeric_kind
from .nodes import Context, position
from .reading_rules import IDENTIFIER, describe, read_condition
from .schemes import (
    DEFAULT_BINS,
    RFM_DEFAULTS,
    RFM_PARTS,
    SCORE,
    STAGES,
    ChurnRisk,
    Cuts,
    Lifecycle,
    ScorePart,
    Signal,
    ValueScore,
)

VALUE_KEYS = ("labels", "method", *RFM_PARTS, "metrics", "normalize", "bins", "tiers", "rules")
PART_KEYS = ("metric", "weight", "lower_is_better")
LIFECYCLE_KEYS = ("labels", "stages", "default", "rules")
CHURN_KEYS = ("labels", "signals", "levels")
SIGNAL_KEYS = ("name", "when", "points", "labels")
MAX_METRIC_NAME = 63


def read_value_score(context: Context, node: Node, *, catalog: Catalog) -> ValueScore | None:
    """The value score: `method: rfm` (default) or `weighted`, its parts, and its tiers."""
    entries = context.mapping(node, required=("tiers",), allowed=VALUE_KEYS, what="the value score")
    method = context.choice(entries.get("method"), ("rfm", "weighted"), what="method")
    if method is None:
        if "method" in entries:
            return None
        method = "rfm"
    if method == "rfm":
        for key in ("metrics", "normalize"):
            if key in entries:
                context.fail(
                    entries[key], f"{key} belongs to method weighted; rfm takes recency, frequency, monetary"
                )
        parts = [_rfm_part(context, entries.get(name), name, catalog=catalog) for name in RFM_PARTS]
        normalize = "bins"
    else:
        for key in RFM_PARTS:
            if key in entries:
                context.fail(entries[key], f"{key} belongs to method rfm; weighted takes metrics")
        items = context.sequence(entries["metrics"], what="metrics") if "metrics" in entries else []
        if "metrics" not in entries:
            context.fail(node, "'metrics' is missing: the weighted score needs metrics and weights")
        parts = [_weighted_part(context, item, catalog=catalog) for item in items]
        normalize = (
            context.choice(entries.get("normalize"), ("rank", "minmax"), what="normalisation") or "rank"
        )
        _check_unique(context, [p for p in parts if p is not None], entries.get("metrics"))
    bins = context.integer(entries.get("bins"), what="bins", default=DEFAULT_BINS.get(normalize, 5))
    if normalize == "minmax" and "bins" in entries:
        context.fail(entries["bins"], "bins apply to rank normalisation, not to minmax")
    if bins is not None and not 2 <= bins <= 100:
        context.fail(entries["bins"], "bins run from 2 to 100")
    tiers = read_cuts(context, entries.get("tiers"), kinds=("quantiles", "thresholds"), what="tiers")
    en, zh = context.labels(entries.get("labels"), default_en="Value tier", default_zh="价值等级")
    if tiers is None or bins is None or None in parts or not parts:
        return None
    kept = tuple(p for p in parts if p is not None)
    if method == "rfm":
        return ValueScore("rfm", kept, tiers, "bins", bins, en, zh, position(node))
    scaling: Literal["rank", "minmax"] = "minmax" if normalize == "minmax" else "rank"
    return ValueScore("weighted", kept, tiers, scaling, bins, en, zh, position(node))


def _rfm_part(context: Context, node: Node | None, name: str, *, catalog: Catalog) -> ScorePart | None:
    entries = context.mapping(node, required=(), allowed=PART_KEYS, what=name) if node is not None else {}
    metric = context.text(entries.get("metric"), what="the metric", default=RFM_DEFAULTS[name])
    return _part(context, entries, name, metric, default_lower=name == "recency", catalog=catalog, at=node)


def _weighted_part(context: Context, node: Node, *, catalog: Catalog) -> ScorePart | None:
    entries = context.mapping(node, required=("metric",), allowed=PART_KEYS, what="a metric of the score")
    metric = context.text(entries.get("metric"), what="the metric")
    return _part(context, entries, metric or "", metric, default_lower=False, catalog=catalog, at=node)


def _part(
    context: Context,
    entries: Mapping[str, Node],
    name: str,
    metric: str | None,
    *,
    default_lower: bool,
    catalog: Catalog,
    at: Node | None,
) -> ScorePart | None:
    weight = context.number(entries.get("weight"), what="weight", default=1.0)
    lower = context.boolean(entries.get("lower_is_better"), what="lower_is_better", default=default_lower)
    if weight is not None and not (weight > 0 and math.isfinite(weight)):
        context.fail(entries["weight"], "a weight is a positive number")
        weight = None
    if metric is None:
        return None
    try:
        numeric_kind(metric, catalog=catalog)
    except ConditionError as error:
        context.fail(entries.get("metric") or at, describe(error))
        return None
    if len(f"{SCORE}_{name}") > MAX_METRIC_NAME:
        context.fail(entries.get("metric") or at, f"{name!r} is too long to name a part of the score")
        return None
    return None if weight is None else ScorePart(name, catalog.resolve(metric).name, float(weight), lower)


def _check_unique(context: Context, parts: list[ScorePart], node: Node | None) -> None:
    names = [part.name for part in parts]
    for name in sorted({n for n in names if names.count(n) > 1}):
        context.fail(node, f"the metric {name} is listed twice")


def read_cuts(
    context: Context, node: Node | None, *, kinds: tuple[str, ...], what: str, implied: bool = False
) -> Cuts | None:
    """`{quantiles: {S: 5, …}}` (percent of customers, best first, summing to 100) or
    `{thresholds: {S: 12, …, D: 0}}` (the least value of each, best first, the last 0); with `implied`,
    the node holds the pairs of the only kind."""
    if node is None:
        return None
    if implied:
        by, inner = kinds[0], node
    else:
        entries = context.mapping(node, required=(), allowed=kinds, what=what)
        if len(entries) != 1:
            if entries:
                context.fail(node, f"{what} are given by one of {' or '.join(kinds)}")
            return None
        ((by, inner),) = entries.items()
    pairs = context.mapping(inner, required=(), allowed=tuple(_keys(context, inner)), what=by)
    labels = [str(label) for label in pairs]
    values = [context.number(value, what=f"the {by[:-1]} of {label}") for label, value in pairs.items()]
    if len(labels) < 2 or None in values:
        if len(labels) < 2:
            context.fail(inner, f"{what} need at least two labels")
        return None
    numbers = [float(v) for v in values if v is not None]
    if by == "quantiles":
        if any(v <= 0 for v in numbers) or any(abs(v * 100 - round(v * 100)) > 1e-9 for v in numbers):
            context.fail(inner, "every share is a positive percentage with at most two decimals")
            return None
        if abs(sum(numbers) - 100) > 1e-9:
            context.fail(inner, f"the shares add up to {sum(numbers):g}, not 100")
            return None
    else:
        if any(a <= b for a, b in itertools.pairwise(numbers)) or numbers[-1] != 0:
            context.fail(inner, "thresholds fall from the best label to the last, which is 0")
            return None
    kind: Literal["quantiles", "thresholds"] = "quantiles" if by == "quantiles" else "thresholds"
    return Cuts(kind, tuple(labels), tuple(numbers))


def _keys(context: Context, node: Node) -> list[str]:
    """Every key of a mapping whose keys are labels of the user's choosing."""
    return [str(context.scalar(key)) for key, _ in node.value] if isinstance(node, MappingNode) else []


def read_lifecycle(context: Context, node: Node) -> Lifecycle | None:
    """Stages (the seven defaults unless listed) and the stage given when no rule matches."""
    entries = context.mapping(node, required=(), allowed=LIFECYCLE_KEYS, what="the lifecycle")
    stages: list[str] = list(STAGES)
    if "stages" in entries:
        stages = [
            s
            for s in (
                context.text(item, what="a stage")
                for item in context.sequence(entries["stages"], what="stages")
            )
            if s
        ]
        for stage in sorted({s for s in stages if stages.count(s) > 1}):
            context.fail(entries["stages"], f"the stage {stage} is listed twice")
    default = context.text(entries.get("default"), what="the default stage", default="mature")
    if default is not None and default not in stages:
        context.fail(
            entries.get("default") or node, f"the default stage {default!r} is not one of the stages"
        )
        return None
    en, zh = context.labels(entries.get("labels"), default_en="Lifecycle stage", default_zh="生命周期阶段")
    if not stages or default is None:
        return None
    return Lifecycle(tuple(stages), default, en, zh, position(node))


def read_churn_risk(context: Context, node: Node, *, fields: Mapping[str, Field]) -> ChurnRisk | None:
    """Warning signals (a condition and its points) and levels by thresholds of the points total."""
    entries = context.mapping(node, required=("signals", "levels"), allowed=CHURN_KEYS, what="churn risk")
    signals: list[Signal] = []
    names: dict[str, int] = {}
    for item in context.sequence(entries["signals"], what="signals") if "signals" in entries else []:
        signal = _signal(context, item, fields=fields, names=names)
        if signal is not None:
            signals.append(signal)
    levels = read_cuts(context, entries.get("levels"), kinds=("thresholds",), what="levels", implied=True)
    en, zh = context.labels(entries.get("labels"), default_en="Churn risk", default_zh="流失风险")
    if levels is None or not signals or len(signals) != len(names):
        return None
    return ChurnRisk(tuple(signals), levels, en, zh, position(node))


def _signal(
    context: Context, node: Node, *, fields: Mapping[str, Field], names: dict[str, int]
) -> Signal | None:
    entries = context.mapping(node, required=("name", "when", "points"), allowed=SIGNAL_KEYS, what="a signal")
    name = context.text(entries.get("name"), what="a signal's name")
    if name is None:
        return None
    with context.about(f"signal {name!r} of schemes.churn_risk"):
        if not IDENTIFIER.fullmatch(name) or len(name) > MAX_METRIC_NAME - len("churn_signal_"):
            context.fail(
                entries["name"], "a signal's name is a short lower-case identifier (letters, digits, _)"
            )
        elif name in names:
            context.fail(entries["name"], f"the signal {name!r} is given twice (first at line {names[name]})")
        names.setdefault(name, position(node)[0])
        condition = read_condition(context, entries["when"], fields=fields) if "when" in entries else None
        points = context.number(entries.get("points"), what="points")
        if points is not None and not (points > 0 and math.isfinite(points)):
            context.fail(entries["points"], "points are a positive number")
            points = None
        en, zh = context.labels(entries.get("labels"))
    if condition is None or points is None:
        return None
    return Signal(name, condition, float(points), en, zh)
