"""The head of a file to import: its columns and first rows, for mapping it by hand before any import.

A CSV file is read from its first MiB only (cut after the last whole line), with the same encoding
detection and the same refusals as an import (`reading`): a file that cannot be read says why here,
before anyone maps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from .problems import Problems
from .profile import Source
from .reading import ROW, _decoded, _read_csv, _read_xlsx, _refuse, detect_encoding, file_format

SAMPLE_BYTES = 1 << 20


@dataclass(frozen=True)
class FileSample:
    """The header, the first rows (text, as the file holds them) and how the file was read."""

    header: tuple[str, ...]
    rows: list[dict[str, str]]
    encoding: str
    format: str

    def values(self, column: str) -> list[str]:
        """The column's first non-blank values, each once."""
        return list(dict.fromkeys(r[column] for r in self.rows if r.get(column)))


def file_sample(*, path: Path, name: str, source: Source, rows: int = 5) -> FileSample:
    """Read the file's head; raise ImportRefused (with the reason) when it cannot be read at all."""
    problems = Problems()
    fmt = file_format(name, source.format)
    if fmt == "xlsx":
        table = _read_xlsx(path=path, sheet=source.sheet, problems=problems)
    else:
        with path.open("rb") as handle:
            data = handle.read(SAMPLE_BYTES)
        if len(data) == SAMPLE_BYTES and b"\n" in data:
            data = data[: data.rindex(b"\n") + 1]
        if not data.strip():
            _refuse(problems, "the file is empty")
        encoding = detect_encoding(data=data, stated=source.encoding, problems=problems)
        text = _decoded(data=data, encoding=encoding, problems=problems)
        if "\x00" in text:
            _refuse(problems, "the file holds NUL characters: it is not a text (CSV) file")
        table = _read_csv(
            text=text, data=data, encoding=encoding, delimiter=source.delimiter, problems=problems
        )
    head: pa.Table = table.table.drop_columns([ROW]).slice(0, rows)
    return FileSample(
        header=table.header, rows=head.to_pylist(), encoding=table.encoding, format=table.format
    )
