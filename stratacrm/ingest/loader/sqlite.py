"""Writing into SQLite: `executemany` in batches on the raw connection, inside the load's transaction.

Values go in as Django stores them: dates as 'YYYY-MM-DD', times as naive UTC
'YYYY-MM-DD HH:MM:SS[.ffffff]', decimals as REAL (Django's converter reads them back as Decimals
quantized to the field's places), booleans as 0/1. A table that at least doubles in the load has its
secondary indexes dropped and rebuilt afterwards (in the same transaction): building an index once is
cheaper than growing it row by row.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# Table and column names in the SQL below come from the Django models, never from the files.
import pyarrow as pa
import pyarrow.compute as pc

from .targets import Target

# Bound values per INSERT statement: within SQLite's oldest limit (999), whatever the build.
MAX_VARIABLES = 999
SECOND = 1_000_000  # microseconds
# The page cache while loading, in KiB (a negative cache_size is KiB): holds a big table's indexes.
CACHE_KIB = 256 * 1024


class SqliteWriter:
    """Writes shaped batches with the raw sqlite3 connection Django's transaction is open on."""

    def __init__(self, *, connection: Any) -> None:
        connection.ensure_connection()
        self.raw = connection.connection
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

    @contextmanager
    def table(
        self, *, target: Target, rebuild: bool, checked: bool
    ) -> Iterator[Callable[[pa.RecordBatch], None]]:
        """Insert the table's batches; with `rebuild`, its non-unique indexes are dropped and built after.

        When validation has `checked` every CHECK constraint of the table on every row, SQLite skips them:
        some call back into Python (Django's date functions), which would cost more than the inserts.
        """
        self.raw.execute(f"PRAGMA ignore_check_constraints = {int(checked)}")
        try:
            dropped = self._drop_indexes(target=target) if rebuild else []
            yield lambda batch: self._insert(target=target, batch=batch)
            for sql in dropped:
                self.raw.execute(sql)
        finally:
            self.raw.execute("PRAGMA ignore_check_constraints = 0")

    def _drop_indexes(self, *, target: Target) -> list[str]:
        """Drop the table's non-unique indexes; return the SQL that makes them again."""
        rows = self.raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (target.db_table,),
        ).fetchall()
        dropped = []
        for name, sql in rows:
            if not sql.upper().startswith("CREATE UNIQUE"):
                self.raw.execute(f'DROP INDEX "{name}"')
                dropped.append(sql)
        return dropped

    def _insert(self, *, target: Target, batch: pa.RecordBatch) -> None:
        """Insert the batch, many rows per statement: half the time of one `executemany` row at a time."""
        width = batch.num_columns
        flat: list[Any] = [None] * (batch.num_rows * width)
        for i, array in enumerate(batch.columns):
            flat[i::width] = _python_values(array)  # row-major, interleaved at C speed
        per = max(1, MAX_VARIABLES // width)
        step = per * width
        whole = len(flat) - len(flat) % step
        if whole:
            statement = _insert(target=target, rows=per)
            self.raw.executemany(statement, (flat[start : start + step] for start in range(0, whole, step)))
        if whole < len(flat):
            self.raw.execute(_insert(target=target, rows=(len(flat) - whole) // width), flat[whole:])

    def finish(self, *, targets: list[Target]) -> None:
        """Nothing to reset: SQLite's AUTOINCREMENT counter follows explicit ids by itself."""


def _insert(*, target: Target, rows: int) -> str:
    columns = ", ".join(f'"{c}"' for c in target.db_columns)
    row = "(" + ", ".join("?" * len(target.db_columns)) + ")"
    return f'INSERT INTO "{target.db_table}" ({columns}) VALUES ' + ", ".join([row] * rows)  # noqa: S608


def _python_values(array: pa.Array) -> list[Any]:
    if pa.types.is_date(array.type):
        array = array.cast(pa.string())
    elif pa.types.is_timestamp(array.type):
        array = django_datetimes(array=array)
    return array.to_pylist()


def django_datetimes(*, array: pa.Array) -> pa.Array:
    """UTC timestamps as the naive text Django's SQLite backend writes: microseconds only when not zero.

    A cast to string, not strftime: 30 times faster, and it renders the six digits of microseconds.
    """
    naive = array.cast(pa.timestamp("us"))
    text = naive.cast(pa.string())
    micros = naive.cast(pa.int64())
    whole = pc.equal(micros, pc.multiply(pc.divide(micros, SECOND), SECOND))
    return pc.if_else(whole, pc.utf8_slice_codeunits(text, 0, 19), text)
