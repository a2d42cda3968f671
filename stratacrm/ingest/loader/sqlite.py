"""Writing into SQLite: `executemany` in batches on the raw connection, inside the load's transaction.

Values go in as Django stores them: dates as 'YYYY-MM-DD', times as naive UTC
'YYYY-MM-DD HH:MM:SS[.ffffff]', decimals as REAL (Django's converter reads them back as Decimals
quantized to the field's places), booleans as 0/1. A table that at least doubles in the load has its
secondary indexes dropped and rebuilt afterwards (in the same transaction): building an index once is
cheaper than growing it row by row.
"""

import sqlite3
from typing import Any

# Table and column names in the SQL below come from the Django models, never from the files.
import pyarrow as pa
import pyarrow.compute as pc

from .targets import Target

# The page cache while loading, in KiB (a negative cache_size is KiB): holds a big table's indexes.
CACHE_KIB = 256 * 1024


class SqliteWriter:
    """Writes shaped batches with the raw sqlite3 connection Django's transaction is open on."""

    def __init__(self, *, connection: Any) -> None:
        connection.ensure_connection()
        self.raw = connection.connection
        self.dropped: list[str] = []
        self.saved: dict[str, Any] = {}

    def tune(self) -> None:
        """Speed settings for the load, made before its transaction starts; `restore` puts them back.

        SQLite refuses to change temp_store inside a transaction once temporary storage is in use
        (a load inside a caller's transaction): then the load runs with the caller's setting.
        """
        for pragma, value in (("cache_size", -CACHE_KIB), ("temp_store", 2)):
            current = self.raw.execute(f"PRAGMA {pragma}").fetchone()[0]
            if current == value:
                continue
            try:
                self.raw.execute(f"PRAGMA {pragma} = {value}")
            except sqlite3.OperationalError:
                continue
            self.saved[pragma] = current

    def prepare(self, *, targets: list[Target]) -> None:
        """Nothing to do inside the transaction: SQLite holds the write lock from its start."""

    def restore(self) -> None:
        for pragma, value in self.saved.items():
            try:
                self.raw.execute(f"PRAGMA {pragma} = {int(value)}")
            except sqlite3.OperationalError:
                continue
        self.saved = {}

    def max_id(self, *, target: Target) -> int:
        pk = target.model._meta.pk
        assert pk is not None
        row = self.raw.execute(f'SELECT MAX("{pk.column}") FROM "{target.db_table}"').fetchone()  # noqa: S608
        return int(row[0] or 0)

    def begin_table(self, *, target: Target, rebuild: bool) -> None:
        """Drop the table's non-unique indexes when `rebuild`, remembering how to build them again."""
        self.dropped = []
        if not rebuild:
            return
        rows = self.raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (target.db_table,),
        ).fetchall()
        for name, sql in rows:
            if sql.upper().startswith("CREATE UNIQUE"):
                continue
            self.raw.execute(f'DROP INDEX "{name}"')
            self.dropped.append(sql)

    def write(self, *, target: Target, batch: pa.RecordBatch) -> None:
        columns = ", ".join(f'"{c}"' for c in target.db_columns)
        marks = ", ".join("?" * batch.num_columns)
        sql = f'INSERT INTO "{target.db_table}" ({columns}) VALUES ({marks})'  # noqa: S608
        self.raw.executemany(sql, zip(*(_python_values(a) for a in batch.columns), strict=True))

    def end_table(self, *, target: Target) -> None:
        for sql in self.dropped:
            self.raw.execute(sql)
        self.dropped = []

    def finish(self, *, targets: list[Target]) -> None:
        """Nothing to reset: SQLite's AUTOINCREMENT counter follows explicit ids by itself."""


def _python_values(array: pa.Array) -> list[Any]:
    if pa.types.is_date(array.type):
        array = array.cast(pa.string())
    elif pa.types.is_timestamp(array.type):
        array = django_datetimes(array)
    return array.to_pylist()


def django_datetimes(array: pa.Array) -> pa.Array:
    """UTC timestamps as the naive text Django's SQLite backend writes: microseconds only when not zero."""
    text = pc.strftime(pc.cast(array, pa.timestamp("us", tz="UTC")), format="%Y-%m-%d %H:%M:%S")
    whole = pc.equal(pc.subsecond(array), 0)
    return pc.if_else(whole, pc.utf8_slice_codeunits(text, 0, 19), text)
