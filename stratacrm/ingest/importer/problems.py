"""Every problem an import finds: row, column, value and reason, kept column-wise and written as CSV.

Checks are vectorised, so problems arrive as arrays (the rows a rule flags, and their values); they are
kept that way and only the first few are turned into Python objects for display.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

HEADER = ("row", "table", "column", "value", "reason")
VALUE_SHOWN = 200  # characters of a value kept in the report (a huge cell stays readable)


@dataclass(frozen=True)
class Problem:
    """One problem. `row` is the row number as a spreadsheet shows it (the header is row 1); None for
    a problem of the whole file. `table` is the target table the row was checked for."""

    row: int | None
    table: str
    column: str
    value: Any
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        column = f", column {self.column}" if self.column else ""
        value = f" (value: {_short(self.value)!r})" if self.value not in (None, "") else ""
        return f"{where}{column}: {self.reason}{value}"


class ImportRefused(Exception):
    """The import was refused; nothing was written. `problems` holds every problem found."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        first = problems.first(1)
        super().__init__(str(first[0]) if first else "the import was refused")


@dataclass
class _Chunk:
    rows: pa.Array | None  # int64 row numbers, or None for a file problem
    table: str
    column: str
    values: pa.Array | None
    reason: str


class Problems:
    """Problems in the order found; `bad_rows` is the set of row numbers with at least one."""

    def __init__(self) -> None:
        self._chunks: list[_Chunk] = []
        self.total = 0

    def __bool__(self) -> bool:
        return self.total > 0

    def file(self, reason: str, *, column: str = "", value: Any = None, table: str = "") -> None:
        """A problem of the whole file (no row)."""
        values = None if value is None else pa.array([_short(value)], pa.string())
        self._chunks.append(_Chunk(None, table, column, values, reason))
        self.total += 1

    def row(self, row: int, reason: str, *, column: str = "", value: Any = None, table: str = "") -> None:
        values = pa.array([None if value is None else _short(value)], pa.string())
        self._chunks.append(_Chunk(pa.array([row], pa.int64()), table, column, values, reason))
        self.total += 1

    def flag(
        self, *, bad: pa.Array, rows: pa.Array, values: pa.Array | None, column: str, table: str, reason: str
    ) -> int:
        """Record the rows where `bad` is true; returns how many."""
        bad = pc.fill_null(bad, False)
        count = int(pc.sum(bad).as_py() or 0)
        if count:
            picked = None if values is None else _text(pc.filter(values, bad))
            self._chunks.append(_Chunk(pc.filter(rows, bad), table, column, picked, reason))
            self.total += count
        return count

    def bad_rows(self) -> pa.Array:
        """Row numbers with a problem (unique)."""
        arrays = [c.rows for c in self._chunks if c.rows is not None]
        if not arrays:
            return pa.array([], pa.int64())
        return pc.unique(pa.chunked_array(arrays, pa.int64()).combine_chunks())

    def has_file_problems(self) -> bool:
        return any(c.rows is None for c in self._chunks)

    def __iter__(self) -> Iterator[Problem]:
        for chunk in self._chunks:
            if chunk.rows is None:
                value = None if chunk.values is None else chunk.values[0].as_py()
                yield Problem(None, chunk.table, chunk.column, value, chunk.reason)
                continue
            values = chunk.values.to_pylist() if chunk.values is not None else [None] * len(chunk.rows)
            for row, value in zip(chunk.rows.to_pylist(), values, strict=True):
                yield Problem(row, chunk.table, chunk.column, value, chunk.reason)

    def first(self, count: int) -> list[Problem]:
        found: list[Problem] = []
        for problem in self:
            if len(found) == count:
                break
            found.append(problem)
        return found

    def summary(self) -> dict[str, int]:
        """Problems per reason, for the job report."""
        counts: dict[str, int] = {}
        for chunk in self._chunks:
            counts[chunk.reason] = counts.get(chunk.reason, 0) + (
                1 if chunk.rows is None else len(chunk.rows)
            )
        return counts

    def write_csv(self, path: Path) -> None:
        """Every problem as CSV (UTF-8 with BOM, so spreadsheet programs read Chinese text right)."""
        from stratacrm.ingest.export.cells import neutralise

        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for p in self:
                writer.writerow(
                    [p.row or "", p.table, neutralise(p.column), neutralise(p.value), neutralise(p.reason)]
                )


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > VALUE_SHOWN:
        return value[:VALUE_SHOWN] + f"… ({len(value)} characters)"
    return value


def _text(values: pa.Array) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    long = pc.greater(pc.fill_null(pc.utf8_length(values), 0), VALUE_SHOWN)
    if pc.any(long).as_py():
        values = pc.if_else(long, pc.utf8_slice_codeunits(values, 0, VALUE_SHOWN), values)
    return values
