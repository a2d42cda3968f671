"""Engines: where a rendered plan runs. Every engine answers `execute(*, query, types, …) -> pa.Table`.

| engine   | runs in                                   | tables                      |
| -------- | ----------------------------------------- | --------------------------- |
| sqlite   | the operational database (Django's)       | `OPERATIONAL_TABLES`        |
| postgres | the operational database (Django's)       | `OPERATIONAL_TABLES`        |
| duckdb   | in process, over a Parquet snapshot       | `SNAPSHOT_TABLES` (views)   |
| spark    | PySpark local mode, over the same snapshot| `SNAPSHOT_TABLES` (views)   |

The operational engines read inside the caller's transaction; the snapshot engines read a directory
written by `snapshot.snapshot_take`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal, get_args

import pyarrow as pa

from ..compiler import Dialect, Query
from ..sources import OPERATIONAL_TABLES, SNAPSHOT_TABLES
from .arrow import ColumnTypes, result_types

EngineName = Literal["sqlite", "postgres", "duckdb", "spark"]
ENGINES: tuple[EngineName, ...] = get_args(EngineName)
OPERATIONAL_ENGINES: tuple[EngineName, ...] = ("sqlite", "postgres")
_VENDORS: Mapping[str, EngineName] = {"sqlite": "sqlite", "postgresql": "postgres"}

__all__ = [
    "ENGINES",
    "EngineName",
    "engine_default",
    "engine_tables",
    "execute",
    "execute_reads",
    "result_types",
]


def engine_default() -> EngineName:
    """The operational database's own engine (its vendor)."""
    from django.db import connection

    try:
        return _VENDORS[connection.vendor]
    except KeyError:
        raise ValueError(f"no grading engine for a {connection.vendor} database") from None


def engine_check(engine: str) -> EngineName:
    """`engine` if it is one; a ValueError naming the choices otherwise. An operational engine must be
    the operational database's own."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    if engine in OPERATIONAL_ENGINES and engine != engine_default():
        raise ValueError(f"the operational database is {engine_default()}, so the engine cannot be {engine}")
    return engine  # type: ignore[return-value]


def engine_tables(engine: EngineName) -> Mapping[str, str]:
    return OPERATIONAL_TABLES if engine in OPERATIONAL_ENGINES else SNAPSHOT_TABLES


def engine_dialect(engine: EngineName) -> Dialect:
    return engine


def execute(
    *,
    engine: EngineName,
    query: Query,
    types: ColumnTypes,
    snapshot: Path | None = None,
    customers_patch: pa.Table | None = None,
) -> pa.Table:
    """Run the query on the engine; snapshot engines need `snapshot` (and may replace customers' rows
    with `customers_patch`)."""
    reads = [(query.sql, types)]
    return execute_reads(
        engine=engine, query=query, reads=reads, snapshot=snapshot, customers_patch=customers_patch
    )[0]


def execute_reads(
    *,
    engine: EngineName,
    query: Query,
    reads: Sequence[tuple[str, ColumnTypes]],
    snapshot: Path | None = None,
    customers_patch: pa.Table | None = None,
) -> list[pa.Table]:
    """Build the query's layers once (`Query.layers`), then run each read (SQL, column types) over them."""
    if engine in OPERATIONAL_ENGINES:
        from . import operational

        return operational.execute_reads(query=query, reads=reads)
    if snapshot is None:
        raise ValueError(f"the {engine} engine reads a snapshot: give its directory")
    if engine == "duckdb":
        from . import duckdb as duck

        return duck.execute(query=query, reads=reads, snapshot=snapshot, customers_patch=customers_patch)
    from . import spark

    return spark.execute(query=query, reads=reads, snapshot=snapshot, customers_patch=customers_patch)
