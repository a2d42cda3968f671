"""Running a plan with DuckDB over a Parquet snapshot of the operational tables.

Each source is a view over its file (`read_parquet`), so DuckDB reads only the columns and row groups
the plan needs. A patch (customers whose attributes were edited after as_of, as they were then)
replaces those customers' rows.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from stratacrm.ingest.tables import TABLES_BY_NAME

from ..compiler import Query
from ..sources import CUSTOMERS, SNAPSHOT_TABLES
from .arrow import ColumnTypes, conform
from .layers import steps


def connect(*, snapshot: Path, customers_patch: pa.Table | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per snapshot table (empty when its file is missing)."""
    con = duckdb.connect(":memory:")
    for source, name in SNAPSHOT_TABLES.items():
        path = snapshot / f"{name}.parquet"
        if path.exists():
            literal = str(path).replace("'", "''")
            relation = f"SELECT * FROM read_parquet('{literal}')"  # noqa: S608  (our own path)
        else:
            con.register(f"{name}__empty", TABLES_BY_NAME[name].schema.empty_table())
            relation = f"SELECT * FROM {name}__empty"  # noqa: S608
        if source == CUSTOMERS and customers_patch is not None:
            con.register("customers__patch", customers_patch)
            relation = (
                f"SELECT * FROM ({relation}) WHERE id NOT IN (SELECT id FROM customers__patch) "  # noqa: S608
                "UNION ALL BY NAME SELECT * FROM customers__patch"
            )
        con.execute(f'CREATE VIEW "{name}" AS {relation}')
    return con


def execute(
    *,
    query: Query,
    reads: Sequence[tuple[str, ColumnTypes]],
    snapshot: Path,
    customers_patch: pa.Table | None = None,
) -> list[pa.Table]:
    """Each read's rows over the snapshot in `snapshot` (a directory of `<table>.parquet`), the query's
    layers built first as temporary tables."""
    con = connect(snapshot=snapshot, customers_patch=customers_patch)
    spill = tempfile.TemporaryDirectory(prefix="strata-duckdb-")
    try:
        # Past the memory limit (set by the plan's setup), layers and aggregates spill here.
        con.execute(f"SET temp_directory = '{spill.name}'")
        for statement in query.setup:
            con.execute(statement)
        for name, sql, dead in steps(query, reads=[sql for sql, _ in reads]):
            con.execute(f'CREATE TEMPORARY TABLE "{name}" AS {sql}', _used(sql, query.params))
            for gone in dead:
                con.execute(f'DROP TABLE "{gone}"')
        return [
            conform(con.sql(sql, params=_used(sql, query.params)).to_arrow_table(), types)
            for sql, types in reads
        ]
    finally:
        con.close()
        spill.cleanup()


def _used(sql: str, params: dict[str, object]) -> dict[str, object]:
    """The parameters a statement names: DuckDB refuses any it does not."""
    named = set(re.findall(r"\$(\w+)", sql))
    return {name: value for name, value in params.items() if name in named}
