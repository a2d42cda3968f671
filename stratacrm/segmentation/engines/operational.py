"""Running a plan inside the operational database, through Django's connection (and its transaction).

SQLite: the raw `sqlite3` cursor, rows fetched in batches and turned into Arrow batch by batch.
PostgreSQL: `COPY (query) TO STDOUT` in CSV, parsed by Arrow's CSV reader: measured on 100k customers
it is several times faster than fetching rows through psycopg and building Arrow from Python values.
psycopg binds the parameters of a COPY on the client, so values stay out of the SQL text all the same.
"""

from __future__ import annotations

import tempfile
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection as default_connection

from ..compiler import Query
from .arrow import ColumnTypes, conform, rows_to_table

FETCH_ROWS = 50_000


def execute(*, query: Query, types: ColumnTypes, connection: Any = None) -> pa.Table:
    """The query's rows as an Arrow table, columns typed by `types` (by name; None: as read)."""
    connection = connection or default_connection
    connection.ensure_connection()
    raw = connection.connection
    if query.dialect == "sqlite":
        return _sqlite(raw, query, types)
    if query.dialect == "postgres":
        return _postgres(raw, query, types)
    raise ValueError(f"{query.dialect} does not run in the operational database")


FEW_CUSTOMERS = "customer_id_1"  # the parameter a plan rendered for a few customers binds first


def _sqlite(raw: Any, query: Query, types: ColumnTypes) -> pa.Table:
    cursor = raw.cursor()
    try:
        for statement in query.setup:
            cursor.execute(statement)
        cursor.execute(query.sql, query.params)
        names = [d[0] for d in cursor.description]
        batches = []
        while rows := cursor.fetchmany(FETCH_ROWS):
            batches.append(rows_to_table(rows, names, types))
    finally:
        cursor.close()
    if not batches:
        return rows_to_table([], names, types)
    return pa.concat_tables(batches)


def _postgres(raw: Any, query: Query, types: ColumnTypes) -> pa.Table:
    with raw.cursor() as cursor:
        for statement in query.setup:
            cursor.execute(statement)
        if FEW_CUSTOMERS in query.params:
            # A live re-grade's one row or few: fetched as they are, without COPY's CSV round trip.
            cursor.execute(query.sql, query.params)
            names = [d.name for d in cursor.description]
            return rows_to_table(cursor.fetchall(), names, types)
        return copy_out(cursor, sql=query.sql, params=query.params, types=types)


def copy_out(cursor: Any, *, sql: str, params: Any, types: ColumnTypes) -> pa.Table:
    """Rows of a PostgreSQL query as Arrow, through COPY in CSV with a header (NULL unquoted, ''
    quoted). The CSV is spooled to a temporary file rather than held in memory twice."""
    with tempfile.TemporaryFile() as spool:
        with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)", params) as copy:
            for block in copy:
                spool.write(block)
        spool.seek(0)
        table = pa_csv.read_csv(spool, read_options=csv_read_options(), convert_options=csv_convert(types))
    return conform(table, types)


def csv_read_options() -> pa_csv.ReadOptions:
    return pa_csv.ReadOptions(block_size=16 << 20)


def csv_convert(types: ColumnTypes) -> pa_csv.ConvertOptions:
    """COPY's CSV conventions: booleans t/f, NULL unquoted and empty text quoted."""
    return pa_csv.ConvertOptions(
        column_types={name: t for name, t in types.items() if t is not None},
        true_values=["t"],
        false_values=["f"],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
