"""The row of metrics: a base layer over customers and one grouped pass per source, then derived layers.

```
base      = customers LEFT JOIN (one grouped subquery per source): attributes and finished aggregates
derived_1 = SELECT *, <ratios, changes, differences> FROM base
derived_2 = SELECT *, <bands over derived_1's values> FROM derived_1
```
Counts and sums of nothing are 0; integers are BIGINT and numbers DOUBLE on every engine.

A layer with metrics relative to the population (bins, scaling, quantile labels: `scoring.py`) reads
its cut-points either from a one-row `population_<level>` CTE over the layer before it, cross-joined in
(`population="inline"`: the batch computes them itself), or from bound parameters named after them
(`population="bound"`: the values of an earlier run, which is how one customer is graded alone).
"""

from __future__ import annotations

from typing import Literal

from sqlglot import exp

from ..catalog import Metric
from ..scoring import POPULATION_AGGREGATES, SCORE_AGGREGATES
from ..sources import CUSTOMER_CREATED, CUSTOMER_ID, CUSTOMERS, SOURCES
from .aggregates import CUSTOMER, CUSTOMER_FILTER, source_subquery, source_table
from .expressions import Resolver, days_since, months_since, one, ratio, when
from .params import Binder
from .population import population_select
from .scores import TYPES, CutReader, score_expression

PopulationMode = Literal["inline", "bound"]


def layer_name(level: int) -> str:
    return "base" if level == 0 else f"derived_{level}"


def metric_layers(
    metrics: list[Metric], *, binder: Binder, resolve: Resolver, population: PopulationMode = "inline"
) -> list[tuple[str, exp.Select]]:
    """The CTEs computing `metrics` (inputs first), by name, in order; the last one holds them all."""
    depth: dict[str, int] = {}
    for metric in metrics:
        depth[metric.name] = 1 + max((depth[n] for n in metric.inputs), default=-1) if metric.derived else 0
    layers = [(layer_name(0), _base([m for m in metrics if depth[m.name] == 0], binder=binder))]
    cut: CutReader = exp.column if population == "inline" else (lambda name: exp.Placeholder(this=name))
    for level in range(1, max(depth.values(), default=0) + 1):
        at_level = [m for m in metrics if depth[m.name] == level]
        # The layer before's columns only: a cross-joined population row stays out of later layers.
        select = exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier(layer_name(level - 1))))
        for metric in at_level:
            value = _derived(metric, binder=binder, resolve=resolve, cut=cut)
            select = select.select(value.as_(metric.name), copy=False)
        select = select.from_(layer_name(level - 1), copy=False)
        relative = [m for m in at_level if m.aggregate in POPULATION_AGGREGATES]
        if relative and population == "inline":
            name = population_name(level)
            layers.append((name, population_select(relative, layer=layer_name(level - 1), binder=binder)))
            select = select.join(name, join_type="CROSS", copy=False)
        layers.append((layer_name(level), select))
    return layers


POPULATION_PREFIX = "population_"


def population_name(level: int) -> str:
    return f"{POPULATION_PREFIX}{level}"


def _base(metrics: list[Metric], *, binder: Binder) -> exp.Select:
    customers = exp.column(CUSTOMER_ID, table=CUSTOMERS)
    select = exp.select(customers.as_(CUSTOMER))
    for metric in (m for m in metrics if m.source == CUSTOMERS):
        select = select.select(_attribute(metric, binder=binder).as_(metric.name), copy=False)
    select = select.from_(source_table(CUSTOMERS), copy=False)
    by_source: dict[str, list[Metric]] = {}
    for metric in metrics:
        if metric.source != CUSTOMERS:
            by_source.setdefault(metric.source, []).append(metric)
    for name, group in by_source.items():
        on = exp.EQ(this=exp.column(CUSTOMER, table=name), expression=customers.copy())
        select = select.join(
            source_subquery(SOURCES[name], group, binder=binder), on=on, join_type="LEFT", copy=False
        )
        for metric in group:
            select = select.select(
                _finish(metric, exp.column(metric.name, table=name), binder=binder), copy=False
            )
    created = exp.column(CUSTOMER_CREATED, table=CUSTOMERS)
    select = select.where(
        exp.LT(this=created, expression=binder.boundary(unit="days", count=0, kind="datetime"))
    )
    select.meta[CUSTOMER_FILTER] = customers.copy()
    return select


def _attribute(metric: Metric, *, binder: Binder) -> exp.Expr:
    assert metric.column is not None
    value = exp.column(metric.column, table=CUSTOMERS)
    if metric.aggregate == "months_since":
        return months_since(value, binder=binder)
    if metric.aggregate == "days_since":
        return days_since(value, binder=binder)
    if metric.kind == "boolean":
        return exp.Coalesce(this=value, expressions=[exp.false()])
    # Django stores a blank text field as '': read it as missing, like the snapshot's nulls.
    return exp.Nullif(this=value, expression=exp.Literal.string(""))


def _finish(metric: Metric, raw: exp.Expr, *, binder: Binder) -> exp.Expr:
    if metric.aggregate == "months_since":
        value = months_since(raw, binder=binder)
    elif metric.aggregate == "days_since":
        value = days_since(raw, binder=binder)
    else:
        if metric.default is not None:
            raw = exp.Coalesce(this=raw, expressions=[one(metric.default)])
        value = exp.cast(raw, TYPES[metric.kind]) if metric.kind in TYPES else raw
    return value.as_(metric.name)


def _derived(metric: Metric, *, binder: Binder, resolve: Resolver, cut: CutReader) -> exp.Expr:
    if metric.aggregate in SCORE_AGGREGATES:
        return score_expression(metric, binder=binder, resolve=resolve, cut=cut)
    inputs = [exp.column(name) for name in metric.inputs]
    if metric.aggregate == "ratio":
        return ratio(*inputs)
    if metric.aggregate == "change":
        return exp.Sub(this=ratio(*inputs), expression=one(1))
    if metric.aggregate == "drop":
        return exp.Sub(this=one(1), expression=ratio(*inputs))
    if metric.aggregate == "difference":
        return exp.Sub(this=inputs[0], expression=inputs[1])
    assert metric.aggregate == "band" and metric.bands is not None
    value, kind = inputs
    bands = metric.bands

    def banded(thresholds: tuple[float, ...]) -> exp.Expr:
        labels = [binder.value(label) for label in bands.labels]
        steps = [
            (exp.LT(this=value.copy(), expression=binder.value(t)), lab)
            for t, lab in zip(thresholds, labels, strict=False)
        ]
        return when(steps, labels[len(thresholds)])

    groups: dict[tuple[float, ...], list[str]] = {}
    for customer_type, thresholds in bands.by_type:
        groups.setdefault(thresholds, []).append(customer_type)
    cases: list[tuple[exp.Expr, exp.Expr]] = [(exp.Is(this=value.copy(), expression=exp.Null()), exp.null())]
    for thresholds, types in groups.items():
        member = exp.In(this=kind.copy(), expressions=[binder.value(t) for t in types])
        cases.append((member, banded(thresholds)))
    return when(cases, banded(bands.default))
