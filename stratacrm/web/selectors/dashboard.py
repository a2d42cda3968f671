"""The dashboard's figures, each one grouped query over the reader's customers (row scope applied).

Every figure is an aggregate in the database (no loop over customers in Python), and an account
manager's dashboard counts only its own customers. The only figure kept between requests is the
consumption by class of readers who reach every customer (the same figure for each of them).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Avg, Case, Count, IntegerField, Max, Model, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from stratacrm.accounts.models import User
from stratacrm.activity.models import Consumption
from stratacrm.customers.selectors import customer_scope
from stratacrm.segmentation.models import Assignment, AssignmentChange, GradingRun, RunStatus
from stratacrm.segmentation.ruleset.schemes import CHURN_RISK
from stratacrm.service.choices import TicketKind
from stratacrm.service.models import SurveyResponse, Ticket

from .grades import GradeDimension, Grades

M = TypeVar("M", bound=Model)
TREND_RUNS = 12
RECENT_RUNS = 20
MONTHS = 24


def in_scope(queryset: QuerySet[M], *, user: User, field: str = "customer") -> QuerySet[M]:
    """`queryset` (of rows belonging to customers) narrowed to the user's row scope; a scope that
    reaches every customer adds no condition, so the query stays a plain aggregate."""
    scope = customer_scope(user=user)
    if not scope.query.where:
        return queryset
    return queryset.filter(**{f"{field}__in": scope.values("pk")})


@dataclass(frozen=True)
class ValueCount:
    value: str
    label: str
    count: int


def grade_counts(*, user: User, grades: Grades, names: tuple[str, ...]) -> dict[str, list[ValueCount]]:
    """Customers per value of each named dimension, in the dimension's own value order."""
    wanted = [d for d in (grades.get(n) for n in names) if d is not None]
    found: dict[tuple[str, str], int] = {}
    if wanted:
        rows = in_scope(Assignment.objects.all(), user=user)
        if not customer_scope(user=user).query.where:
            # Every customer: the (dimension, value) index answers. A narrower scope starts from its own
            # customers instead (their few assignments), and leaves the other dimensions out below.
            rows = rows.filter(dimension__in=[d.name for d in wanted])
        for row in rows.values("dimension", "value").annotate(n=Count("id")).order_by():
            found[(row["dimension"], row["value"])] = row["n"]
    return {d.name: _counts(d, found) for d in wanted}


def _counts(dimension: GradeDimension, found: dict[tuple[str, str], int]) -> list[ValueCount]:
    known = [ValueCount(v.value, v.label, found.get((dimension.name, v.value), 0)) for v in dimension.values]
    listed = {v.value for v in dimension.values}
    extra = [
        ValueCount(value, dimension.label_of(value), n)
        for (name, value), n in sorted(found.items())
        if name == dimension.name and value not in listed
    ]
    return known + extra


def runs_published(*, limit: int) -> list[GradingRun]:
    """The latest successful, non-dry runs, oldest first."""
    runs = GradingRun.objects.filter(status=RunStatus.SUCCEEDED, dry_run=False).order_by("-started_at")
    return list(reversed(runs[:limit]))


@dataclass(frozen=True)
class Migration:
    """Who moved from which value to which in one run (the latest), in one dimension."""

    run: GradingRun | None
    dimension: GradeDimension | None
    moves: list[tuple[str, str, int]] = field(default_factory=list)  # from, to ("" = none), customers


def grade_migration(*, user: User, dimension: GradeDimension | None) -> Migration:
    """The moves in `dimension` of the latest published run that moved anyone in it, largest first."""
    if dimension is None:
        return Migration(None, None)
    runs = GradingRun.objects.filter(status=RunStatus.SUCCEEDED, dry_run=False).order_by("-started_at")
    recent = runs.only("pk", "started_at", "finished_at", "changes")[:RECENT_RUNS]
    run = next((r for r in recent if (r.changes or {}).get(dimension.name)), None)
    if run is None:
        return Migration(None, dimension)
    changes = AssignmentChange.objects.filter(run=run, dimension=dimension.name)
    rows = in_scope(changes, user=user).values("from_value", "to_value").annotate(n=Count("id"))
    moves = sorted(((r["from_value"], r["to_value"], r["n"]) for r in rows), key=lambda m: -m[2])
    return Migration(run, dimension, moves)


@dataclass(frozen=True)
class Trend:
    """Customers per value of a dimension at the end of each of the latest runs."""

    runs: list[GradingRun]
    series: dict[str, list[int]]


def risk_trend(*, user: User, grades: Grades, runs: int = TREND_RUNS) -> Trend:
    """Churn-risk levels after each run, rebuilt backwards from today's counts and the changes since.

    Changes are bucketed by the run they followed (batch and live alike): two grouped queries in all.
    """
    dimension = grades.get(CHURN_RISK)
    published = runs_published(limit=runs)
    if dimension is None or not published:
        return Trend([], {})
    now = {c.value: c.count for c in grade_counts(user=user, grades=grades, names=(CHURN_RISK,))[CHURN_RISK]}
    ends = [run.finished_at or run.started_at for run in published]
    after = [When(changed_at__gt=end, then=Value(i)) for i, end in reversed(list(enumerate(ends)))]
    changes = AssignmentChange.objects.filter(dimension=dimension.name, changed_at__gt=ends[0])
    bucketed = in_scope(changes, user=user).annotate(bucket=Case(*after, output_field=IntegerField()))
    deltas: dict[int, dict[str, int]] = {}
    for row in bucketed.values("bucket", "from_value", "to_value").annotate(n=Count("id")).order_by():
        delta = deltas.setdefault(row["bucket"], {})
        delta[row["to_value"]] = delta.get(row["to_value"], 0) + row["n"]
        delta[row["from_value"]] = delta.get(row["from_value"], 0) - row["n"]
    series: dict[str, list[int]] = {v.value: [] for v in dimension.values}
    for value in series:
        count = now.get(value, 0)
        points = []
        for i in reversed(range(len(published))):
            count -= deltas.get(i, {}).get(value, 0)  # undo what happened after run i
            points.append(count)
        series[value] = list(reversed(points))
    return Trend(published, series)


def _months_ago(months: int) -> dt.datetime:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    return timezone.make_aware(dt.datetime(index // 12, index % 12 + 1, 1))


def consumption_by_segment(
    *, user: User, dimension: GradeDimension | None, months: int = MONTHS
) -> dict[str, dict[dt.date, float]]:
    """kWh per month of the customers of each value of `dimension` (a class), over `months` months.

    The one figure that reads every reading (24 months × every customer), so it joins readings to
    assignments directly in SQL. Readers whose scope reaches every customer all get the same figure;
    it is kept per process until a reading or a grade changes. Narrower scopes are computed each time.
    """
    if dimension is None:
        return {}
    start = _months_ago(months).date()
    scope = customer_scope(user=user)
    if scope.query.where:
        return _consumption_query(dimension.name, start, scope)
    key = (dimension.name, start, _data_stamp())
    with _MEMO_LOCK:
        if key in _MEMO:
            return _MEMO[key]
    found = _consumption_query(dimension.name, start, None)
    with _MEMO_LOCK:
        _MEMO.clear()
        _MEMO[key] = found
    return found


_MEMO: dict[tuple[Any, ...], dict[str, dict[dt.date, float]]] = {}
_MEMO_LOCK = threading.Lock()


def _data_stamp() -> tuple[Any, ...]:
    """Changes when a reading is added or any grade changes (live or batch)."""
    readings = Consumption.objects.aggregate(last=Max("id"))["last"]
    changes = AssignmentChange.objects.aggregate(last=Max("id"))["last"]
    return readings, changes


def _consumption_query(
    dimension: str, start: dt.date, scope: QuerySet[Any] | None
) -> dict[str, dict[dt.date, float]]:
    readings = connection.ops.quote_name(Consumption._meta.db_table)
    assignments = connection.ops.quote_name(Assignment._meta.db_table)
    sql = (
        f"SELECT r.period, a.value, SUM(r.kwh_total) FROM {readings} r JOIN {assignments} a"  # noqa: S608
        " ON a.customer_id = r.customer_id AND a.dimension = %s WHERE r.period >= %s"
    )
    params: list[Any] = [dimension, connection.ops.adapt_datefield_value(start)]
    if scope is not None:
        inner, inner_params = scope.values("pk").query.sql_with_params()
        sql += f" AND r.customer_id IN ({inner})"
        params.extend(inner_params)
    series: dict[str, dict[dt.date, float]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY r.period, a.value", params)
        for period, value, kwh in cursor.fetchall():
            series.setdefault(value, {})[dt.date.fromisoformat(str(period)[:10])] = float(kwh or 0)
    return series


@dataclass(frozen=True)
class ServiceMonth:
    month: dt.date
    complaints: int
    csat: float | None
    responses: int


def service_trend(*, user: User, months: int = MONTHS) -> list[ServiceMonth]:
    """Complaints opened and mean CSAT per month over `months` months."""
    start = _months_ago(months)
    complaints = in_scope(Ticket.objects.filter(kind=TicketKind.COMPLAINT, opened_at__gte=start), user=user)
    by_month: dict[dt.date, dict[str, Any]] = {}
    for row in complaints.annotate(m=TruncMonth("opened_at")).values("m").annotate(n=Count("id")).order_by():
        by_month.setdefault(_day(row["m"]), {})["complaints"] = row["n"]
    surveys = SurveyResponse.objects.filter(responded_at__gte=start, csat__isnull=False)
    monthly = in_scope(surveys, user=user).annotate(m=TruncMonth("responded_at")).values("m")
    for row in monthly.annotate(csat=Avg("csat"), n=Count("id")).order_by():
        by_month.setdefault(_day(row["m"]), {}).update(csat=row["csat"], responses=row["n"])
    return [
        ServiceMonth(m, v.get("complaints", 0), v.get("csat"), v.get("responses", 0))
        for m, v in sorted(by_month.items())
    ]


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
