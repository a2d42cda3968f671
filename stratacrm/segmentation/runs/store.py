"""Reading and writing assignments, their history and digests in bulk, on Django's raw connection.

Runs inside the caller's transaction. Writes are set-based: SQLite gets multi-row INSERTs through
`executemany` (as the loader writes), PostgreSQL gets `COPY ... FROM STDIN` of CSV that Arrow writes.
Many ids go to PostgreSQL as one array (planned as index lookups) and to SQLite through a temporary
table; a few (a live re-grade) go inline as bound values. Reads are fetched as rows that Arrow turns
into columns in one go (COPY's text protocol costs a Python call per row).
Table and column names in the SQL below come from the Django models, never from data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.db import connection

from ..engines.arrow import rows_to_table
from ..models import Assignment, AssignmentChange, AssignmentDigest

ASSIGNMENTS = Assignment._meta.db_table
CHANGES = AssignmentChange._meta.db_table
DIGESTS = AssignmentDigest._meta.db_table
IDS = "strata_grading_ids"  # customer ids
STALE = "strata_grading_stale"  # ids of assignments to delete
TEMPORARY = "strata_grading_rows"  # rows to update or upsert from (PostgreSQL)
# What a publish sets on a stored assignment whose value stays: `since` stays as it is.
UPDATED = ["rule_name", "rule_version", "score", "evidence", "digest", "run_id"]
INLINE_IDS = 500  # up to this many ids are bound inline; more go as an array or a temporary table
SQLITE_VARIABLES = 999
INSERT_ROWS = 50_000  # rows converted and written at a time
_CSV = pa_csv.WriteOptions(include_header=False)
CURRENT_TYPES = {
    "id": pa.int64(),
    "customer_id": pa.int64(),
    "dimension": pa.string(),
    "value": pa.string(),
    "rule_name": pa.string(),
    "rule_version": pa.int64(),
    "digest": pa.int64(),
}


class Store:
    """Bulk access to the segmentation tables for one publish (or one dry run)."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.raw = connection.connection
        self.postgres = connection.vendor == "postgresql"
        self.mark = "%s" if self.postgres else "?"
        self.ids_staged: dict[str, pa.Array] = {}  # the ids now in each temporary id table

    # -- reading -----------------------------------------------------------------------------------
    def digests(self, *, fresh_since: dt.datetime | None) -> tuple[pa.Table, pa.Table]:
        """Every stored digest; and the customers re-graded live since `fresh_since` (few: read apart,
        so that the many are read as two columns)."""
        since = fresh_since or dt.datetime(1, 1, 1, tzinfo=dt.UTC)
        ids = {"customer_id": pa.int64()}
        sql = f"SELECT customer_id FROM {DIGESTS} WHERE run_id IS NULL AND graded_at >= {self.mark}"  # noqa: S608
        fresh = self._select(sql, [self._time(since)], ids)
        sql = f"SELECT customer_id, digest FROM {DIGESTS}"  # noqa: S608
        return self._select(sql, [], {**ids, "digest": pa.int64()}), fresh

    def assignments(self, ids: pa.Array, *, dense: bool = False) -> pa.Table:
        """Current assignments of the customers `ids` (sorted). `dense`: most customers of their range
        are wanted, so the range is read (and may include a few others) rather than each id."""
        if not len(ids):
            return pa.schema(list(CURRENT_TYPES.items())).empty_table()
        # No `since`: a row whose value stays keeps it (updated in place), a new row starts now.
        sql = f"SELECT {', '.join(CURRENT_TYPES)} FROM {ASSIGNMENTS} WHERE customer_id "  # noqa: S608
        if dense:
            where, params = (
                f"BETWEEN {self.mark} AND {self.mark}",
                [int(ids[0].as_py()), int(ids[-1].as_py())],
            )
        else:
            where, params = self._in(ids)
            if self.postgres and len(ids) > INLINE_IDS:
                return self._by_index(sql + where, params)
        return self._select(sql + where, params, CURRENT_TYPES)

    def _by_index(self, sql: str, params: list[Any]) -> pa.Table:
        """PostgreSQL: read the rows of many customers through the customer index. For a tenth of the
        customers the planner prefers scanning the whole table; the bitmap scan reads only their pages
        (at 1,000,000 customers, 77,000 of them: 1.2-1.5 s against 1.8 s with the table in memory and
        3.8 s without). Within the publish's transaction only (outside one, SET LOCAL does nothing;
        a failed read rolls the setting back with the transaction)."""
        self._execute("SET LOCAL enable_seqscan = off", [])
        rows = self._select(sql, params, CURRENT_TYPES)
        self._execute("SET LOCAL enable_seqscan TO DEFAULT", [])
        return rows

    def count(self, table: str) -> int:
        cursor = self.raw.cursor()
        try:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()

    # -- writing -----------------------------------------------------------------------------------
    def replace(
        self, *, ids: pa.Array, stale: pa.Array, rows: pa.Table, changes: pa.Table, digests: pa.Table
    ) -> None:
        """For the customers `ids`: write their `digests` (over the stored ones; a customer without one
        loses its own), delete the assignments `stale` (their ids), write `rows` (over the stored row
        their `id` names, else as new rows) and add `changes`."""
        if not len(ids):
            return
        # Digests first: see publish.py on locking.
        self.upsert(DIGESTS, digests, key="customer_id")
        vanished = ids.filter(pc.invert(pc.is_in(ids, value_set=digests.column("customer_id"))))
        if len(vanished):
            where, params = self._in(vanished)
            self._execute(f"DELETE FROM {DIGESTS} WHERE customer_id {where}", params)  # noqa: S608
        if len(stale):
            where, params = self._in(stale, table=STALE, column="id")
            self._execute(f"DELETE FROM {ASSIGNMENTS} WHERE id {where}", params)  # noqa: S608
        stored = rows.column("id").is_valid()
        self.update(ASSIGNMENTS, rows.filter(stored).select([*UPDATED, "id"]))
        self.insert(ASSIGNMENTS, rows.filter(pc.invert(stored)).drop_columns(["id"]))
        self.insert(CHANGES, changes)

    def update(self, table: str, rows: pa.Table) -> None:
        """Set the columns of `rows` (but its last, `id`) on the rows of `table` with those ids. An
        update leaves the row's other columns, its unchanged index entries and foreign keys alone."""
        if not rows.num_rows:
            return
        columns = rows.column_names[:-1]
        if self.postgres and rows.num_rows > INLINE_IDS:
            # From a temporary table; the ids again as an array, so that the rows are found by the
            # primary key rather than by a scan.
            self._temporary(table, rows)
            sets = ", ".join(f"{c} = u.{c}" for c in columns)
            where, params = self._in(rows.column("id").combine_chunks())
            self._execute(
                f"UPDATE {table} t SET {sets} FROM {TEMPORARY} u WHERE t.id = u.id AND t.id {where}",  # noqa: S608
                params,
            )
            return
        sets = ", ".join(f"{c} = {self.mark}" for c in columns)
        self._each(f"UPDATE {table} SET {sets} WHERE id = {self.mark}", rows)  # noqa: S608

    def upsert(self, table: str, rows: pa.Table, *, key: str) -> None:
        """Insert `rows`; where `table` holds a row of the same `key`, set that row's columns instead."""
        if not rows.num_rows:
            return
        names = ", ".join(rows.column_names)
        sets = ", ".join(f"{c} = excluded.{c}" for c in rows.column_names if c != key)
        conflict = f"ON CONFLICT ({key}) DO UPDATE SET {sets}"
        if not self.postgres:
            for start in range(0, rows.num_rows, INSERT_ROWS):
                self._sqlite_insert(table, names, rows.slice(start, INSERT_ROWS), suffix=conflict)
        elif rows.num_rows > INLINE_IDS:
            self._temporary(table, rows)
            self._execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {TEMPORARY} {conflict}", [])  # noqa: S608
        else:
            marks = ", ".join([self.mark] * rows.num_columns)
            self._each(f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}", rows)  # noqa: S608

    def _temporary(self, table: str, rows: pa.Table) -> None:
        """Fill PostgreSQL's temporary table (dropped at commit) with `rows` of `table`'s columns."""
        self._execute(f"DROP TABLE IF EXISTS {TEMPORARY}", [])
        self._execute(
            f"CREATE TEMP TABLE {TEMPORARY} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {', '.join(rows.column_names)} FROM {table} WITH NO DATA",
            [],
        )
        self.insert(TEMPORARY, rows)

    def _each(self, statement: str, rows: pa.Table) -> None:
        """`statement` once per row of `rows` (its parameters in column order): prepared once, and
        on PostgreSQL sent in one pipeline."""
        convert = (lambda c: c.to_pylist()) if self.postgres else _sqlite_values
        values = zip(*(convert(rows.column(c)) for c in rows.column_names), strict=True)
        cursor = self._cursor()
        try:
            cursor.executemany(statement, list(values))
        finally:
            cursor.close()

    def analyze(self) -> None:
        """Refresh the planner's statistics of the tables a publish writes (PostgreSQL; SQLite plans
        these reads by their indexes alone)."""
        if self.postgres:
            self._execute(f"ANALYZE {ASSIGNMENTS}, {CHANGES}, {DIGESTS}", [])

    def insert(self, table: str, rows: pa.Table) -> None:
        """Insert Arrow rows (column names are the table's columns), a slice at a time: a first
        publish of millions of rows never holds them all as CSV or as Python values."""
        if not rows.num_rows:
            return
        columns = ", ".join(connection.ops.quote_name(c) for c in rows.column_names)
        slices = (rows.slice(start, INSERT_ROWS) for start in range(0, rows.num_rows, INSERT_ROWS))
        if self.postgres:
            with (
                self.raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy,
            ):
                for part in slices:
                    sink = pa.BufferOutputStream()
                    pa_csv.write_csv(part, sink, _CSV)
                    copy.write(memoryview(sink.getvalue()))
            return
        for part in slices:
            self._sqlite_insert(table, columns, part)

    def _sqlite_insert(self, table: str, columns: str, rows: pa.Table, *, suffix: str = "") -> None:
        width = rows.num_columns
        flat: list[Any] = [None] * (rows.num_rows * width)
        for i, column in enumerate(rows.columns):
            flat[i::width] = _sqlite_values(column)
        per = max(1, SQLITE_VARIABLES // width)
        row = "(" + ", ".join("?" * width) + ")"

        def statement(count: int) -> str:
            return f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row] * count) + f" {suffix}"  # noqa: S608

        step = per * width
        whole = len(flat) - len(flat) % step
        if whole:
            self.raw.executemany(statement(per), (flat[i : i + step] for i in range(0, whole, step)))
        if whole < len(flat):
            self.raw.execute(statement((len(flat) - whole) // width), flat[whole:])

    # -- helpers -----------------------------------------------------------------------------------
    def _in(self, ids: pa.Array, *, table: str = IDS, column: str = "customer_id") -> tuple[str, list[Any]]:
        """`IN (...)` over the ids: bound inline when few, else as one array (PostgreSQL) or through a
        temporary id table (SQLite). A PostgreSQL temporary table's join is estimated from the distinct
        count of the column, which sampling underestimates for ids stored together, and scans the table."""
        if self.postgres and len(ids) > INLINE_IDS:
            return "= ANY(%s::bigint[])", [ids.cast(pa.int64()).to_pylist()]
        values = [int(i) for i in ids.to_pylist()] if len(ids) <= INLINE_IDS else None
        if values is not None:
            return "IN (" + ", ".join([self.mark] * len(values)) + ")", values
        self._stage_ids(ids, table=table, column=column)
        return f"IN (SELECT {column} FROM {table})", []  # noqa: S608

    def _stage_ids(self, ids: pa.Array, *, table: str, column: str) -> None:
        """Put `ids` in a temporary id table of SQLite's (once for the same array: a chunk's read and
        write)."""
        if self.ids_staged.get(table) is ids:
            return
        values = pa.table({column: pc.unique(ids.cast(pa.int64()))})
        self._execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({column} INTEGER PRIMARY KEY)", [])
        self._execute(f"DELETE FROM {table}", [])  # noqa: S608
        self.insert(table, values)
        self.ids_staged[table] = ids

    def _execute(self, sql: str, params: Sequence[Any]) -> None:
        cursor = self._cursor()
        try:
            cursor.execute(sql, params)
        finally:
            cursor.close()

    def _select(self, sql: str, params: Sequence[Any], types: dict[str, pa.DataType]) -> pa.Table:
        cursor = self._cursor()
        try:
            if self.postgres:
                cursor.execute(sql, params, binary=True)
            else:
                cursor.execute(sql, params)
            return rows_to_table(cursor.fetchall(), list(types), types)
        finally:
            cursor.close()

    def _cursor(self) -> Any:
        """PostgreSQL: a cursor that binds on the server (an array of ids goes as one value; Django's
        own cursors bind on the client) and can fetch binary results."""
        if self.postgres:
            import psycopg

            return psycopg.Cursor(self.raw)
        return self.raw.cursor()

    def _time(self, value: dt.datetime) -> Any:
        return value if self.postgres else _sqlite_time(value)


def _sqlite_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")


def _sqlite_values(column: pa.ChunkedArray) -> list[Any]:
    """Values as Django's SQLite backend stores them: dates ISO, times naive UTC text (as
    `_sqlite_time` writes them: microseconds only when there are some)."""
    if pa.types.is_timestamp(column.type):
        utc = column.cast(pa.timestamp("us", tz="UTC"))
        text = pc.strftime(utc, format="%Y-%m-%d %H:%M:%S")  # seconds with six decimals
        return pc.replace_substring_regex(text, pattern=r"\.000000$", replacement="").to_pylist()
    if pa.types.is_date(column.type):
        column = column.cast(pa.string())
    return column.to_pylist()
