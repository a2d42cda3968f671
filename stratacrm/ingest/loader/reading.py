"""Finding a load directory's files and reading them as Arrow batches in the interchange schema.

Each table is DIR/<name>.parquet or DIR/<name>.csv. A missing file holds zero rows, except the
customers file, without which there is nothing to load. Columns must be exactly those of the table's
spec (in any order); values are cast to the spec's types.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from stratacrm.ingest.tables import CUSTOMERS, TABLES, TableSpec

from .results import LoadError, Problem

BATCH_ROWS = 100_000
CSV_BLOCK_BYTES = 16 << 20
FORMATS = ("parquet", "csv")


@dataclass(frozen=True)
class Source:
    """The file one table is read from; `path` is None when the directory has none (zero rows)."""

    spec: TableSpec
    path: Path | None

    @property
    def file(self) -> str:
        return self.path.name if self.path else f"{self.spec.name}.parquet"


def find_sources(*, directory: Path) -> list[Source]:
    """The source of every table in load order; a LoadError lists every file and column problem."""
    if not directory.is_dir():
        raise LoadError([Problem(str(directory), None, None, None, "is not a directory")])
    sources: list[Source] = []
    problems: list[Problem] = []
    for spec in TABLES:
        found = [
            directory / f"{spec.name}.{ext}" for ext in FORMATS if (directory / f"{spec.name}.{ext}").exists()
        ]
        if len(found) > 1:
            problems.append(Problem(found[0].name, None, None, None, f"{found[1].name} exists too; keep one"))
            continue
        if not found and spec is CUSTOMERS:
            problems.append(
                Problem(f"{spec.name}.parquet", None, None, None, "the customers file is required")
            )
            continue
        source = Source(spec, found[0] if found else None)
        problems.extend(_column_problems(source))
        sources.append(source)
    if problems:
        raise LoadError(problems)
    return sources


def _column_names(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        return list(pq.ParquetFile(path).schema_arrow.names)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


def _column_problems(source: Source) -> list[Problem]:
    if source.path is None:
        return []
    try:
        names = _column_names(source.path)
    except (OSError, pa.ArrowException, UnicodeDecodeError) as exc:
        return [Problem(source.file, None, None, None, f"cannot be read: {exc}")]
    expected = source.spec.schema.names
    problems = [
        Problem(source.file, None, name, None, "unknown column") for name in names if name not in expected
    ]
    problems += [
        Problem(source.file, None, name, None, "missing column") for name in expected if name not in names
    ]
    duplicated = {name for name in names if names.count(name) > 1}
    problems += [
        Problem(source.file, None, name, None, "column appears twice") for name in sorted(duplicated)
    ]
    return problems


def read_batches(*, source: Source, batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """The file's rows in batches with exactly the spec's schema; nothing when the file is absent."""
    if source.path is None:
        return
    if source.path.suffix == ".parquet":
        parquet = pq.ParquetFile(source.path)
        for batch in parquet.iter_batches(batch_size=batch_rows, columns=source.spec.schema.names):
            yield _conform(source=source, batch=batch)
        return
    yield from _read_csv(source=source)


def _read_csv(*, source: Source) -> Iterator[pa.RecordBatch]:
    assert source.path is not None
    schema = source.spec.schema
    convert = pa_csv.ConvertOptions(
        column_types={f.name: f.type for f in schema},
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        null_values=[""],
    )
    try:
        reader = pa_csv.open_csv(
            source.path, read_options=pa_csv.ReadOptions(block_size=CSV_BLOCK_BYTES), convert_options=convert
        )
        for batch in reader:
            yield _conform(source=source, batch=batch)
    except pa.ArrowInvalid as exc:
        raise LoadError([_csv_problem(source=source, exc=exc)]) from exc


def _csv_problem(*, source: Source, exc: Exception) -> Problem:
    message = str(exc)
    column = None
    match = re.search(r"column #(\d+)", message)
    if match:
        assert source.path is not None
        names = _column_names(source.path)
        index = int(match.group(1))
        column = names[index] if index < len(names) else None
    return Problem(source.file, None, column, None, f"cannot be read: {message}")


def _conform(*, source: Source, batch: pa.RecordBatch) -> pa.RecordBatch:
    """Reorder the batch's columns as the spec lists them and cast each to the spec's type."""
    arrays = []
    for field in source.spec.schema:
        array = batch.column(field.name)
        if array.type != field.type:
            try:
                array = pc.cast(array, field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise LoadError(
                    [
                        Problem(
                            source.file,
                            None,
                            field.name,
                            None,
                            f"has type {array.type}, which cannot be read as {field.type}: {exc}",
                        )
                    ]
                ) from exc
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, schema=source.spec.schema)
