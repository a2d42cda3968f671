"""Population values: the cut-points that bins and quantile tiers compare each customer against.

One row, computed over every graded customer (those created by as_of; a plan's `where` does not narrow
it). For each metric that needs them, the input's non-missing values are numbered worst to best
(`ROW_NUMBER`, so ties are numbered arbitrarily, but the value at a position is the same whatever the
order among ties) and counted (`COUNT(*) OVER ()`):

| scoring     | population values                                                          |
| ----------- | -------------------------------------------------------------------------- |
| `Binned`    | cut k = the value at position floor(n * k / bins) + 1 (worst first)         |
| `Scaled`    | the minimum and the maximum                                                 |
| `Quantiles` | cut j = the value at position ceil(n * (share_1 + … + share_j) / 100), best first |

Positions are tested in whole numbers (`rn * bins > n * k`, `(rn - 1) * 10000 < n * basis_points`), so
every engine picks the same position. A customer reaches bin k+1 when its value reaches cut k, i.e.
its bin is `ceil(bins * CUME_DIST)`; it is in the first j tiers when fewer than share_1..j of the
customers are strictly better.

Bins' cuts are found in two steps: the rows are grouped by the number of cuts their position is past
(`(rn * bins - 1) DIV n`), then each cut picks among those groups: a hundred bins test a hundred
groups, not a million rows a hundred times.
"""

from __future__ import annotations

from sqlglot import exp

from ..catalog import Metric
from ..scoring import Binned, Quantiles, Scaled
from .expressions import one, when
from .params import Binder

VALUE, POSITION, COUNT, PASSED = "value", "rn", "n", "passed"
_PERCENT_BASIS = 10_000


def population_select(metrics: list[Metric], *, layer: str, binder: Binder) -> exp.Select:
    """One row holding every population value of `metrics`, computed over the rows of `layer`."""
    parts = [
        _stats(metric, layer=layer, binder=binder).subquery(f"stats_{i}") for i, metric in enumerate(metrics)
    ]
    select = exp.select(exp.Star()).from_(parts[0], copy=False)
    for part in parts[1:]:
        select = select.join(part, join_type="CROSS", copy=False)
    return select


def _stats(metric: Metric, *, layer: str, binder: Binder) -> exp.Select:
    scoring = metric.scoring
    source = exp.column(metric.inputs[0])
    if isinstance(scoring, Scaled):
        low, high = scoring.cut_names(metric.name)
        return exp.select(exp.Min(this=source).as_(low), exp.Max(this=source.copy()).as_(high)).from_(layer)
    if isinstance(scoring, Binned):
        ranked = _ranked(source, layer=layer, best_first=scoring.lower_is_better)
        bins = binder.value(scoring.bins)
        # Worst first: ascending values, or descending when lower is better.
        pick = exp.Max if scoring.lower_is_better else exp.Min
        cuts = [
            pick(this=_from_position(_at_least(k))).as_(name)
            for k, name in enumerate(scoring.cut_names(metric.name), start=1)
        ]
        return exp.select(*cuts).from_(_passed(ranked, bins=bins, pick=pick))
    assert isinstance(scoring, Quantiles)
    ranked = _ranked(source, layer=layer, best_first=True)
    cuts = [
        exp.Min(this=_from_position(_within_share(binder.value(points)))).as_(name)
        for points, name in zip(
            scoring.cumulative_basis_points(), scoring.cut_names(metric.name), strict=True
        )
    ]
    return exp.select(*cuts).from_(ranked)


def _ranked(value: exp.Expr, *, layer: str, best_first: bool) -> exp.Subquery:
    order = exp.Order(expressions=[exp.Ordered(this=exp.column(VALUE), desc=best_first)])
    position = exp.Window(this=exp.RowNumber(), order=order)
    count = exp.Window(this=exp.Count(this=exp.Star()))
    rows = (
        exp.select(value.as_(VALUE))
        .from_(layer)
        .where(exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())))
    )
    return (
        exp.select(exp.column(VALUE), position.as_(POSITION), count.as_(COUNT))
        .from_(rows.subquery("rows"))
        .subquery("ranked")
    )


def _from_position(test: exp.Expr) -> exp.Expr:
    return when([(test, exp.column(VALUE))])


def _passed(ranked: exp.Subquery, *, bins: exp.Expr, pick: type[exp.Func]) -> exp.Subquery:
    """The ranked rows grouped by how many cuts their position is past, each group's `pick` value:
    past cut k means past position floor(n * k / bins), i.e. rn * bins > n * k, i.e.
    (rn * bins - 1) DIV n >= k. The cuts then pick among these few groups, not among every row."""
    position = exp.Mul(this=exp.column(POSITION), expression=bins.copy())
    before = exp.Paren(this=exp.Sub(this=position, expression=one(1)))
    passed = exp.IntDiv(this=before, expression=exp.column(COUNT))
    rows = exp.select(exp.column(VALUE), passed.as_(PASSED)).from_(ranked)
    return (
        exp.select(pick(this=exp.column(VALUE)).as_(VALUE), exp.column(PASSED))
        .from_(rows.subquery("positions"))
        .group_by(exp.column(PASSED))
        .subquery("cuts_passed")
    )


def _at_least(k: int) -> exp.Expr:
    """In a group past cut k."""
    return exp.GTE(this=exp.column(PASSED), expression=one(k))


def _within_share(basis_points: exp.Expr) -> exp.Expr:
    """Within the first ceil(n * share) positions: (rn - 1) * 10000 < n * basis points."""
    before = exp.Paren(this=exp.Sub(this=exp.column(POSITION), expression=one(1)))
    return exp.LT(
        this=exp.Mul(this=before, expression=one(_PERCENT_BASIS)),
        expression=exp.Mul(this=exp.column(COUNT), expression=basis_points),
    )
