"""Appending writers: one Parquet or CSV file per table, fed chunk by chunk, cast to the fixed schemas."""

from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from stratacrm.ingest.tables import TABLES

FORMATS = ("parquet", "csv")
LABELS_SCHEMA = pa.schema(
    [
        pa.field("customer_id", pa.int64()),
        pa.field("drifting", pa.bool_()),
        pa.field("drift_start", pa.date32()),
        pa.field("late_payer", pa.bool_()),
    ]
)
SCHEMAS: dict[str, pa.Schema] = {t.name: t.schema for t in TABLES} | {"labels": LABELS_SCHEMA}


class TableWriter:
    """Writes `DIR/<table>.parquet` (or `.csv`) for every table, appending one chunk at a time.

    Every table gets a file, with zero rows if nothing was written to it. Parquet string columns are
    dictionary-encoded; numbers and times are stored plainly, compressed with zstd.
    """

    def __init__(self, *, out_dir: Path, fmt: str) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.out_dir = out_dir
        self.fmt = fmt
        self.rows: dict[str, int] = dict.fromkeys(SCHEMAS, 0)
        self._writers: dict[str, pq.ParquetWriter | pacsv.CSVWriter] = {}

    def path(self, name: str) -> Path:
        """Return the file a table is written to (labels are always Parquet)."""
        return self.out_dir / f"{name}.{'parquet' if name == 'labels' else self.fmt}"

    def _open(self, name: str) -> pq.ParquetWriter | pacsv.CSVWriter:
        schema = SCHEMAS[name]
        if self.path(name).suffix == ".csv":
            return pacsv.CSVWriter(str(self.path(name)), schema)
        strings = [f.name for f in schema if pa.types.is_string(f.type)]
        return pq.ParquetWriter(
            str(self.path(name)),
            schema,
            compression="zstd",
            compression_level=1,
            use_dictionary=strings,
            store_schema=True,
        )

    def write(self, name: str, table: pa.Table) -> None:
        """Append `table`'s rows to the named table's file, cast to the table's schema."""
        writer = self._writers.get(name)
        if writer is None:
            writer = self._writers[name] = self._open(name)
        table = table.select(SCHEMAS[name].names).cast(SCHEMAS[name])
        writer.write_table(table)
        self.rows[name] += table.num_rows

    def close(self) -> None:
        """Give every table its file and close them all."""
        for name, schema in SCHEMAS.items():
            if name not in self._writers:
                self.write(name, schema.empty_table())
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
            return
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
