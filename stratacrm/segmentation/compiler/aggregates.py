"""One grouped pass per source: every metric of the source in one `GROUP BY customer_id`.

Different windows and filters share the pass through conditional aggregation
(`SUM(CASE WHEN <window and filter> THEN amount END)`). The inner select names the rows' columns once
(joining the paid bill when `days_late` is needed, ranking rows for `last`) and drops rows after as_of;
the outer one aggregates. Its columns are the metrics' raw values; `plan.py` finishes them (defaults,
types, days and months since).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from ..catalog import Metric
from ..conditions import keys
from ..sources import Source
from ..windows import Window
from .expressions import all_of, condition_expression, conditional, days_between, one, when
from .params import Binder

CUSTOMER = "customer_id"
CUSTOMER_FILTER = "customer_filter"  # meta key: where the live path adds `customer_id IN (...)`
PAID_BILL = "paid_bill"

Reader = Callable[[str], exp.Expr]


def source_table(source: str, alias: str | None = None) -> exp.Table:
    """A table by its source name, renamed to the physical table when the plan is rendered."""
    table = exp.Table(
        this=exp.to_identifier(source), alias=exp.TableAlias(this=exp.to_identifier(alias or source))
    )
    table.meta["source"] = source
    return table


def source_subquery(source: Source, metrics: list[Metric], *, binder: Binder) -> exp.Subquery:
    """`(SELECT customer_id, <raw metric>… FROM (<rows>) GROUP BY customer_id) AS <source>`."""
    return _Pass(source, metrics, binder).subquery()


def time_column(source: Source, metric: Metric) -> str:
    """The column a metric's window applies to (for days/months since: the column it measures)."""
    if metric.aggregate in ("days_since", "months_since") and metric.column:
        return metric.column
    return metric.time_column or source.time_column


class _Pass:
    def __init__(self, source: Source, metrics: list[Metric], binder: Binder) -> None:
        self.source, self.metrics, self.binder = source, metrics, binder
        columns = {time_column(source, m) for m in metrics}
        # With a single time column the inner WHERE drops rows after as_of for every metric at once.
        self.bounded = columns.pop() if len(columns) == 1 else None

    def subquery(self) -> exp.Subquery:
        outer = exp.select(exp.column(CUSTOMER))
        for metric in self.metrics:
            outer = outer.select(self.aggregate(metric).as_(metric.name), copy=False)
        outer = outer.from_(self.rows().subquery("rows"), copy=False).group_by(
            exp.column(CUSTOMER), copy=False
        )
        return outer.subquery(self.source.name)

    def physical(self, name: str) -> exp.Expr:
        if name == "days_late":
            return _days_late()
        return exp.column(name, table=self.source.name)

    def rows(self) -> exp.Select:
        table = self.source.name
        needed: list[str] = []
        for metric in self.metrics:
            columns = [time_column(self.source, metric), metric.column or ""]
            columns += sorted(keys(metric.filter)) if metric.filter is not None else []
            for column in columns:
                if column and column not in needed:
                    needed.append(column)
        rows = exp.select(exp.column(CUSTOMER, table=table).as_(CUSTOMER))
        rows = rows.select(*(self.physical(name).as_(name) for name in needed), copy=False)
        for metric in self.metrics:
            if metric.aggregate == "last":
                rows = rows.select(self.rank(metric).as_(_rank_column(metric)), copy=False)
        rows = rows.from_(source_table(table), copy=False)
        if "days_late" in needed:
            on = exp.EQ(this=exp.column("bill_id", table=table), expression=exp.column("id", table=PAID_BILL))
            rows = rows.join(source_table("bills", PAID_BILL), on=on, join_type="LEFT", copy=False)
        prefilter = self.prefilter()
        if prefilter is not None:
            rows = rows.where(prefilter, copy=False)
        rows.meta[CUSTOMER_FILTER] = exp.column(CUSTOMER, table=table)
        return rows

    def boundary(self, column: str, *, unit: str = "days", count: int = 0) -> exp.Placeholder:
        kind = self.source.time_kind(column)
        assert kind in ("date", "datetime")
        return self.binder.boundary(unit=unit, count=count, kind=kind)  # type: ignore[arg-type]

    def prefilter(self) -> exp.Expr | None:
        """Rows before the window end, and after the earliest window start when every metric has one."""
        if self.bounded is None:
            return None
        column = self.physical(self.bounded)
        tests: list[exp.Expr] = [exp.LT(this=column, expression=self.boundary(self.bounded))]
        windows = [m.window for m in self.metrics]
        earliest = _earliest([w for w in windows if w is not None]) if None not in windows else None
        if earliest is not None:
            start = self.boundary(self.bounded, unit=earliest.unit, count=earliest.last)
            tests.insert(0, exp.GTE(this=column.copy(), expression=start))
        return all_of(tests)

    def test(self, metric: Metric, read: Reader) -> exp.Expr | None:
        """Whether a row counts for a metric: its window, its filter, and (for `last`) a value."""
        tests: list[exp.Expr] = []
        column = time_column(self.source, metric)
        window = metric.window
        if window is not None:
            start = self.boundary(column, unit=window.unit, count=window.last)
            stop = self.boundary(column, unit=window.unit, count=window.first - 1)
            tests += [
                exp.GTE(this=read(column), expression=start),
                exp.LT(this=read(column), expression=stop),
            ]
        elif column != self.bounded:
            tests.append(exp.LT(this=read(column), expression=self.boundary(column)))
        if metric.filter is not None:

            def resolve(key: str) -> tuple[exp.Expr, bool]:
                return read(key), self.source.fields[key].nullable

            tests.append(condition_expression(metric.filter, resolve=resolve, binder=self.binder))
        if metric.aggregate == "last":
            assert metric.column is not None
            tests.append(exp.Not(this=exp.Is(this=read(metric.column), expression=exp.Null())))
        return all_of(tests)

    def rank(self, metric: Metric) -> exp.Expr:
        """Rank 1 marks the latest qualifying row (ties broken by the higher value, so engines agree)."""
        assert metric.column is not None
        test = self.test(metric, self.physical)
        assert test is not None
        order = [
            exp.Ordered(this=when([(test, one(0))], one(1))),
            exp.Ordered(this=self.physical(time_column(self.source, metric)), desc=True),
            exp.Ordered(this=self.physical(metric.column), desc=True),
        ]
        return exp.Window(
            this=exp.RowNumber(),
            partition_by=[exp.column(CUSTOMER, table=self.source.name)],
            order=exp.Order(expressions=order),
        )

    def aggregate(self, metric: Metric) -> exp.Expr:
        test = self.test(metric, exp.column)
        aggregate = metric.aggregate
        if aggregate == "count" and metric.column is None:
            return exp.Count(this=exp.Star()) if test is None else exp.Count(this=conditional(test, one(1)))
        value: exp.Expr = exp.column(metric.column or time_column(self.source, metric))
        if aggregate == "last":
            ranked = exp.EQ(this=exp.column(_rank_column(metric)), expression=one(1))
            return exp.Max(this=conditional(all_of([ranked] if test is None else [ranked, test]), value))
        if aggregate in ("days_since", "months_since"):
            return exp.Max(this=conditional(test, value))
        if aggregate == "count_distinct":
            return exp.Count(this=exp.Distinct(expressions=[conditional(test, value)]))
        node = {"count": exp.Count, "sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max}[aggregate]
        return node(this=conditional(test, value))


def _rank_column(metric: Metric) -> str:
    return f"_rank_{metric.name}"


def _days_late() -> exp.Expr:
    """Days from the paid bill's due date to the payment; 0 when on time, missing without a bill."""
    paid, due = exp.column("paid_on", table="payments"), exp.column("due_date", table=PAID_BILL)
    return when(
        [
            (exp.GT(this=paid, expression=due), days_between(paid.copy(), due.copy())),
            (exp.LTE(this=paid.copy(), expression=due.copy()), one(0)),
        ]
    )


def _earliest(windows: list[Window]) -> Window | None:
    """The window reaching furthest back, when that is certain whatever as_of is."""
    months = max((w for w in windows if w.unit == "months"), key=lambda w: w.last, default=None)
    days = max((w for w in windows if w.unit == "days"), key=lambda w: w.last, default=None)
    if months is None or days is None:
        return months or days
    if months.last * 28 >= days.last:
        return months
    return days if days.last >= months.last * 31 else None
