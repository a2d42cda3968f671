"""Bound values. Every value that reaches SQL is a named placeholder; its value travels beside the SQL.

User values (and the catalog's constants) are known when a plan is compiled; the as_of date and the
window boundaries derived from it are filled in when the plan is rendered. Values are then shaped the
way each driver expects:

| dialect  | placeholder | driver call                                 | dates and times                     |
| -------- | ----------- | ------------------------------------------- | ----------------------------------- |
| sqlite   | `:name`     | `sqlite3` `execute(sql, params)`            | ISO text, `YYYY-MM-DD HH:MM:SS` UTC |
| postgres | `%(name)s`  | psycopg `execute(sql, params)`              | `date`, aware UTC `datetime`        |
| duckdb   | `$name`     | `duckdb` `execute(sql, params)`             | `date`, aware UTC `datetime`        |
| spark    | `:name`     | `spark.sql(sql, args=params)` (Spark 3.4+)  | `date`, aware UTC `datetime`        |

Spark binds too, through its named parameter markers, so no value is ever written into SQL text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from sqlglot import exp

from ..conditions import Scalar
from ..windows import Unit, shift, window_end

Dialect = Literal["sqlite", "postgres", "duckdb", "spark"]
DIALECTS: tuple[Dialect, ...] = get_args(Dialect)
TimeKind = Literal["date", "datetime"]

# Statements to run on a connection before a plan: date parts of stored times are read in UTC.
# PostgreSQL's JIT compiled the plan's many expressions for longer than it saved: the utility rules at
# 100,000 customers took 37.5 s with it and 18-20 s without; a live re-grade's 3 ms point query, 0.5 s.
SESSION_SETUP: Mapping[Dialect, tuple[str, ...]] = {
    "sqlite": (),
    "postgres": ("SET TIME ZONE 'UTC'", "SET jit = off"),
    "duckdb": ("SET TimeZone = 'UTC'", "SET memory_limit = '2GB'", "SET preserve_insertion_order = false"),
    "spark": ("SET TIME ZONE 'UTC'",),
}
# A batch built layer by layer: on PostgreSQL each layer is its own statement, and JIT pays for
# itself on the large ones (the base layer at 1,000,000 customers: 31 s with it, 39 s without) but
# not on those of 100,000 customers, whose estimated cost stays under these thresholds.
# The first layer reads every source in customer order (their customer indexes) and groups as it
# reads; left to itself, the planner joined each payment to its bill by hashing every bill, then
# grouped the payments through a hash table, both spilling to disk (the planner, from its sample,
# expects a sixth of the customers the tables hold). Without hashing, the bill is found by a
# merge over the two id indexes and the payments sorted once: at 1,000,000 customers the layer took
# 27.6 s instead of 37.7-39.3 s. A source no index orders is sorted instead.
LAYERED_SETUP: Mapping[Dialect, tuple[str, ...]] = {
    **SESSION_SETUP,
    "postgres": (
        "SET TIME ZONE 'UTC'",
        "SET LOCAL jit = on",
        "SET LOCAL jit_above_cost = 2000000",
        "SET LOCAL jit_inline_above_cost = 2000000",
        "SET LOCAL jit_optimize_above_cost = 2000000",
        "SET LOCAL enable_hashjoin = off",
        "SET LOCAL enable_hashagg = off",
    ),
}
# Once the first layer (the aggregates over the operational tables) is built, the later layers read one
# row per customer: the population values sort each scored metric's million values, which spill to
# disk under PostgreSQL's default 4 MB (1.6 s a metric at 1,000,000 customers; 0.8 s in memory). The
# first layer keeps the server's setting: given more, its planner trades its merge joins for hash
# joins of a million wide rows, which were slower. The later layers may hash again.
DERIVED_SETUP: Mapping[Dialect, tuple[str, ...]] = {
    "postgres": (
        "SET LOCAL work_mem = '64MB'",
        "SET LOCAL enable_hashjoin TO DEFAULT",
        "SET LOCAL enable_hashagg TO DEFAULT",
    )
}


@dataclass(frozen=True)
class AsOf:
    """A value computed from as_of when the plan is rendered.

    `boundary` is the window end moved back `count` units (`count=0`: the end itself), as a date or as
    the UTC midnight starting it; `date`, `month_index` (year * 12 + month) and `day` describe as_of.
    """

    part: Literal["date", "month_index", "day", "boundary"]
    unit: Unit = "days"
    count: int = 0
    kind: TimeKind = "date"

    def value(self, as_of: dt.date) -> int | dt.date | dt.datetime:
        if self.part == "date":
            return as_of
        if self.part == "month_index":
            return as_of.year * 12 + as_of.month
        if self.part == "day":
            return as_of.day
        day = shift(window_end(as_of), unit=self.unit, count=self.count)
        if self.kind == "date":
            return day
        return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)

    @property
    def name(self) -> str:
        if self.part != "boundary":
            return "as_of" if self.part == "date" else f"as_of_{self.part}"
        base = "as_of_end" if self.count == 0 else f"since_{self.count}_{self.unit}"
        return base if self.kind == "date" else f"{base}_ts"


class Binder:
    """Hands out placeholders: one per distinct value, named `v1`, `v2`… in the order first used."""

    def __init__(self) -> None:
        self.values: dict[str, Scalar | AsOf] = {}
        self._by_value: dict[tuple[type, Scalar], str] = {}

    def value(self, value: Scalar) -> exp.Placeholder:
        key = (type(value), value)
        name = self._by_value.get(key)
        if name is None:
            name = f"v{len(self._by_value) + 1}"
            self._by_value[key] = name
            self.values[name] = value
        return exp.Placeholder(this=name)

    def as_of(self, symbol: AsOf) -> exp.Placeholder:
        self.values[symbol.name] = symbol
        return exp.Placeholder(this=symbol.name)

    def boundary(self, *, unit: Unit, count: int, kind: TimeKind) -> exp.Placeholder:
        return self.as_of(AsOf("boundary", unit, count, kind))


def resolve(values: Mapping[str, Scalar | AsOf], *, as_of: dt.date, dialect: Dialect) -> dict[str, object]:
    """The parameters for one execution, shaped for the dialect's driver."""
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise TypeError("as_of must be a date")
    resolved = {name: v.value(as_of) if isinstance(v, AsOf) else v for name, v in values.items()}
    return {name: driver_value(value, dialect=dialect) for name, value in resolved.items()}


def driver_value(value: object, *, dialect: Dialect) -> object:
    """One value as the dialect's driver wants it (SQLite keeps dates as Django writes them: ISO text)."""
    if dialect != "sqlite":
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
