"""The scheme aggregates (points, weighted sums, bins, scaling, quantile labels) over the row of metrics.

Population values (cut-points, minimum and maximum) are read through `cut`: a column of the population
row joined into the layer when the plan computes them itself, or a bound parameter when they come from
an earlier batch run (the live path). Both read the same values, so both give the same grades.

>>> from ..catalog import Metric
>>> from ..scoring import Binned
>>> m = Metric("r", "derived", "bin", inputs=("recency",), kind="integer", scoring=Binned(3, True))
>>> score_expression(m, binder=Binder(), resolve=lambda k: (exp.column(k), True), cut=exp.column).sql()
'CAST(1 + CASE WHEN recency <= pop__r__1 THEN CASE WHEN recency <= pop__r__2 THEN 2 ELSE 1 END ELSE 0 END AS \
BIGINT)'
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from ..catalog import Metric
from ..scoring import Binned, Points, Quantiles, Scaled, Weights
from .expressions import Resolver, condition_expression, false_if_null, one, when
from .params import Binder

CutReader = Callable[[str], exp.Expr]
TYPES = {"integer": "BIGINT", "number": "DOUBLE"}


def score_expression(metric: Metric, *, binder: Binder, resolve: Resolver, cut: CutReader) -> exp.Expr:
    """The value of one scheme metric, typed BIGINT or DOUBLE like every other metric."""
    scoring = metric.scoring
    if isinstance(scoring, Points):
        assert metric.filter is not None
        test = condition_expression(metric.filter, resolve=resolve, binder=binder)
        value: exp.Expr = when([(test, binder.value(scoring.points))], one(0))
    elif isinstance(scoring, Weights):
        value = _weighted(metric.inputs, scoring.weights, binder=binder)
    elif isinstance(scoring, Binned):
        value = _binned(metric, scoring, cut=cut)
    elif isinstance(scoring, Scaled):
        value = _scaled(metric, scoring, cut=cut)
    else:
        assert isinstance(scoring, Quantiles)
        return _quantile(metric, scoring, binder=binder, cut=cut)
    return exp.cast(value, TYPES[metric.kind])


def _weighted(inputs: tuple[str, ...], weights: tuple[float, ...], *, binder: Binder) -> exp.Expr:
    terms = [
        exp.Mul(
            this=binder.value(weight),
            expression=exp.Coalesce(this=exp.column(name), expressions=[one(0)]),
        )
        for name, weight in zip(inputs, weights, strict=True)
    ]
    total: exp.Expr = terms[0]
    for term in terms[1:]:
        total = exp.Add(this=total, expression=term)
    return total


def _binned(metric: Metric, scoring: Binned, *, cut: CutReader) -> exp.Expr:
    """1 + the number of cut-points the value reaches (ties share the better bin; missing: bin 1).

    The cut-points run worst to best, so the value reaches the first K of them: K is found by halving
    (a hundred bins test 7 cut-points, not 99)."""
    value = exp.column(metric.inputs[0])
    node = exp.LTE if scoring.lower_is_better else exp.GTE
    names = scoring.cut_names(metric.name)

    def reached(low: int, high: int) -> exp.Expr:
        """K, knowing low <= K <= high."""
        if low == high:
            return one(low)
        middle = (low + high + 1) // 2
        test = node(this=value.copy(), expression=cut(names[middle - 1]))
        return when([(test, reached(middle, high))], reached(low, middle - 1))

    total: exp.Expr = exp.Add(this=one(1), expression=reached(0, len(names)))
    if not scoring.unit:
        return total
    below = exp.cast(exp.Sub(this=exp.Paren(this=total), expression=one(1)), "DOUBLE")
    return exp.Div(this=below, expression=one(scoring.bins - 1))


def _scaled(metric: Metric, scoring: Scaled, *, cut: CutReader) -> exp.Expr:
    """(v - min) / (max - min) clamped to 0..1; 0 when missing or when every customer is alike."""
    low_name, high_name = scoring.cut_names(metric.name)
    value = exp.cast(exp.column(metric.inputs[0]), "DOUBLE")
    low, high = cut(low_name), cut(high_name)
    span = exp.Paren(this=exp.Sub(this=high.copy(), expression=low.copy()))
    at_low: exp.Expr = exp.LTE(this=value.copy(), expression=low.copy())
    at_high: exp.Expr = exp.GTE(this=value.copy(), expression=high.copy())
    if scoring.lower_is_better:
        above = exp.Paren(this=exp.Sub(this=high.copy(), expression=value.copy()))
        best, worst = at_low, at_high
    else:
        above = exp.Paren(this=exp.Sub(this=value.copy(), expression=low.copy()))
        best, worst = at_high, at_low
    share = exp.Div(this=above, expression=span)
    spread = false_if_null(exp.GT(this=high.copy(), expression=low.copy()))
    undefined = exp.Or(this=exp.Is(this=value.copy(), expression=exp.Null()), expression=exp.Not(this=spread))
    return when([(undefined, one(0)), (best, one(1)), (worst, one(0))], share)


def _quantile(metric: Metric, scoring: Quantiles, *, binder: Binder, cut: CutReader) -> exp.Expr:
    """The first label whose cut-point the value reaches, best first; else the last label."""
    value = exp.column(metric.inputs[0])
    labels = [binder.value(label) for label in scoring.labels]
    steps = [
        (exp.GTE(this=value.copy(), expression=cut(name)), label)
        for name, label in zip(scoring.cut_names(metric.name), labels, strict=False)
    ]
    return when(steps, labels[-1])
