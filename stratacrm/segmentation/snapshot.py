"""The Parquet snapshot: the operational tables exported in the interchange layout (`ingest/tables.py`).

DuckDB and Spark grade over it, and `strata load` reads it back (staff, customers, meters and every
event table, owners as usernames). Rows travel as Arrow: from SQLite through the `sqlite3` cursor in
batches, from PostgreSQL through `COPY ... TO STDOUT` parsed by Arrow's streaming CSV reader; either way
each batch is written to Parquet as it comes, so memory stays flat whatever the size. (DuckDB's own
SQLite and PostgreSQL scanners are extensions this installation cannot download.)
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from django.apps import apps
from django.conf import settings
from django.db import connection

from stratacrm.ingest.tables import TABLES, TableSpec

from .engines.arrow import conform, rows_to_table
from .engines.operational import csv_convert, csv_read_options

BATCH_ROWS = 100_000
Progress = Callable[..., None]


@dataclass
class SnapshotReport:
    """Rows and seconds per table of one snapshot."""

    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def snapshot_take(*, out: Path, progress: Progress | None = None) -> SnapshotReport:
    """Export every operational table to `out/<table>.parquet` (replacing what is there) in one read
    transaction, so the files agree with each other."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    report = SnapshotReport(out)
    connection.ensure_connection()
    with _read_transaction():
        for spec in TABLES:
            sql = _select(spec)
            target = out / f"{spec.name}.parquet"
            partial = target.with_suffix(".parquet.partial")
            rows = 0
            with pq.ParquetWriter(partial, spec.schema, compression="zstd") as writer:
                for batch in _batches(sql, spec):
                    writer.write_table(batch)
                    rows += batch.num_rows
                    if progress:
                        progress(rows, description=spec.name)
            partial.replace(target)
            report.rows[spec.name] = rows
    report.seconds = time.perf_counter() - started
    return report


class _read_transaction:
    """One consistent read of all tables: a repeatable-read transaction (PostgreSQL), a read
    transaction (SQLite, WAL) — opened only when no transaction is open already."""

    def __enter__(self) -> None:
        self.opened = connection.get_autocommit()
        if not self.opened:
            return
        begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        connection.connection.execute(begin if connection.vendor == "postgresql" else "BEGIN DEFERRED")

    def __exit__(self, *exc: object) -> None:
        if self.opened:
            connection.connection.execute("ROLLBACK")


def _select(spec: TableSpec) -> str:
    """SELECT of the spec's columns, in order, from the model's table (owners as usernames)."""
    model = apps.get_model(spec.model)
    quote = connection.ops.quote_name
    users = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    columns, joins = [], ""
    for name in spec.schema.names:
        model_field = model._meta.get_field(name)
        if model_field.is_relation and model_field.name == name:  # a user named by username
            joins = f" LEFT JOIN {quote(users)} u ON u.{quote('id')} = t.{quote(model_field.column)}"
            columns.append(f"u.{quote('username')} AS {quote(name)}")
        else:
            columns.append(f"t.{quote(model_field.column)} AS {quote(name)}")
    return f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} t{joins}"  # noqa: S608


def _batches(sql: str, spec: TableSpec) -> Iterator[pa.Table]:
    types = dict(zip(spec.schema.names, spec.schema.types, strict=True))
    raw = connection.connection
    if connection.vendor == "sqlite":
        cursor = raw.cursor()
        try:
            cursor.execute(sql)
            while rows := cursor.fetchmany(BATCH_ROWS):
                yield rows_to_table(rows, spec.schema.names, types).cast(spec.schema)
        finally:
            cursor.close()
        return
    with tempfile.TemporaryFile() as spool, raw.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)") as copy:
            for block in copy:
                spool.write(block)
        spool.seek(0)
        reader = pa_csv.open_csv(spool, read_options=csv_read_options(), convert_options=csv_convert(types))
        for batch in reader:
            yield conform(pa.Table.from_batches([batch]), types).cast(spec.schema)
