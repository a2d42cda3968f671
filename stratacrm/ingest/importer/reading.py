"""Reading a foreign file as it is: CSV in UTF-8 (with or without BOM), GBK/GB18030 or another encoding
(stated, or detected with charset-normalizer), or an .xlsx workbook (openpyxl, read-only).

Every cell is read as text; conversion to Strata's types comes later, with the profile. The result
keeps each record's row number as a spreadsheet shows it (the header is row 1), so problems point at
the row a person sees.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import pyarrow as pa
import pyarrow.csv as pa_csv

from .problems import ImportRefused, Problems
from .profile import Source

BLOCK_BYTES = 16 << 20  # the largest record pyarrow reads whole; a bigger one is refused
DETECT_SAMPLE = 256 << 10
CHINESE = {"gbk", "gb2312", "gb18030", "hz", "cp936"}
ROW = "__row__"


@dataclass(frozen=True)
class SourceTable:
    """The file's records as text columns named by the header, plus `__row__` (spreadsheet row number)."""

    table: pa.Table
    header: tuple[str, ...]
    encoding: str
    format: str

    @property
    def rows(self) -> int:
        return self.table.num_rows


def file_format(name: str, stated: str) -> str:
    if stated != "auto":
        return stated
    return "xlsx" if name.lower().endswith((".xlsx", ".xlsm")) else "csv"


def read_source(*, path: Path, name: str, source: Source, problems: Problems) -> SourceTable:
    """Read the file; file-level problems (unreadable, empty, bad header) raise ImportRefused.

    Records of the wrong width are reported in `problems` and left out of the table.
    """
    fmt = file_format(name, source.format)
    if fmt == "xlsx":
        return _read_xlsx(path=path, sheet=source.sheet, problems=problems)
    data = path.read_bytes()
    if not data.strip():
        _refuse(problems, "the file is empty")
    encoding = detect_encoding(data=data, stated=source.encoding, problems=problems)
    text = _decoded(data=data, encoding=encoding, problems=problems)
    if "\x00" in text:
        _refuse(problems, "the file holds NUL characters: it is not a text (CSV) file")
    return _read_csv(text=text, data=data, encoding=encoding, delimiter=source.delimiter, problems=problems)


def detect_encoding(*, data: bytes, stated: str, problems: Problems) -> str:
    """The stated encoding, or the one found: a UTF-8 BOM, valid UTF-8, else charset-normalizer's best
    guess (GBK and GB2312 read as GB18030, their superset)."""
    if stated != "auto":
        return "gb18030" if stated in CHINESE else stated
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:DETECT_SAMPLE]).best()
    if best is None:
        _refuse(problems, "the file is not text in any known encoding (is it a spreadsheet or a binary?)")
    assert best is not None
    encoding = best.encoding.lower().replace("_", "-")
    return "gb18030" if encoding.replace("-", "") in CHINESE else encoding


def _decoded(*, data: bytes, encoding: str, problems: Problems) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        _refuse(
            problems,
            f"the file is not valid {encoding} text (line {line}, byte {exc.start}); "
            "state its encoding in the profile (source.encoding) or choose auto",
        )
    except LookupError:
        _refuse(problems, f"unknown encoding {encoding!r}")
    raise AssertionError("unreachable")


def _refuse(problems: Problems, reason: str, column: str = "") -> None:
    problems.file(reason, column=column)
    raise ImportRefused(problems)


def _header(text: str, delimiter: str, problems: Problems) -> tuple[str, ...]:
    first = next(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter), [])
    return _checked_header([c.strip() for c in first], problems)


def _checked_header(header: list[str], problems: Problems) -> tuple[str, ...]:
    while header and not header[-1]:
        header.pop()  # trailing empty header cells (spreadsheets often leave them)
    if not header:
        _refuse(problems, "the first row must name the columns; it is empty")
    for n, name in enumerate(header, start=1):
        if not name:
            problems.file(f"column {n} of the header has no name", column=f"#{n}")
        elif header.count(name) > 1:
            problems.file("the header names this column more than once", column=name)
    if problems:
        raise ImportRefused(problems)
    return tuple(header)


def _read_csv(*, text: str, data: bytes, encoding: str, delimiter: str, problems: Problems) -> SourceTable:
    header = _header(text, delimiter, problems)
    utf8 = data[3:] if encoding == "utf-8-sig" else (data if encoding == "utf-8" else text.encode("utf-8"))
    wrong_width: list[int] = []

    def invalid_row(row: pa_csv.InvalidRow) -> str:
        wrong_width.append(row.actual_columns)
        return "skip"

    table = None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(utf8),
            read_options=pa_csv.ReadOptions(
                column_names=list(header), skip_rows=1, block_size=BLOCK_BYTES, use_threads=False
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=invalid_row,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                include_columns=list(header),
            ),
        )
    except pa.ArrowInvalid as exc:
        if "straddling" in str(exc) or "block" in str(exc):
            _refuse(problems, f"a record is larger than {BLOCK_BYTES >> 20} MiB")
        _refuse(problems, f"cannot be read as CSV: {exc}")
    assert table is not None
    if wrong_width:
        # Rare: find each bad record's row number with the csv module, which counts records exactly.
        return _read_csv_slowly(
            text=text, header=header, delimiter=delimiter, encoding=encoding, problems=problems
        )
    if table.num_rows == 0:
        _refuse(problems, "the file has a header but no rows")
    rows = pa.array(range(2, table.num_rows + 2), pa.int64())
    return SourceTable(table.append_column(ROW, rows), header, encoding, "csv")


def _read_csv_slowly(
    *, text: str, header: tuple[str, ...], delimiter: str, encoding: str, problems: Problems
) -> SourceTable:
    columns: list[list[str]] = [[] for _ in header]
    numbers: list[int] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    next(reader, None)
    for number, record in enumerate(reader, start=2):
        if not record:
            continue
        if len(record) != len(header):
            what = "more" if len(record) > len(header) else "fewer"
            problems.row(
                number, f"has {len(record)} cells, {what} than the {len(header)} columns of the header"
            )
            continue
        numbers.append(number)
        for values, value in zip(columns, record, strict=True):
            values.append(value)
    arrays = [pa.array(values, pa.string()) for values in columns]
    table = pa.table([*arrays, pa.array(numbers, pa.int64())], names=[*header, ROW])
    return SourceTable(table, header, encoding, "csv")


def _read_xlsx(*, path: Path, sheet: str | None, problems: Problems) -> SourceTable:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        _refuse(problems, f"not a readable .xlsx workbook: {exc}")
    try:
        if sheet is not None and sheet not in book.sheetnames:
            _refuse(problems, f"the workbook has no sheet {sheet!r} (it has {', '.join(book.sheetnames)})")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        records = ws.iter_rows(values_only=True)
        first = next(records, None)
        if first is None or all(v is None for v in first):
            _refuse(problems, "the sheet is empty")
        assert first is not None
        header = _checked_header([cell_text(v).strip() for v in first], problems)
        width = len(header)
        columns: list[list[str]] = [[] for _ in header]
        numbers: list[int] = []
        for number, record in enumerate(records, start=2):
            cells = [cell_text(v) for v in record]
            if not any(cells):
                continue
            if any(cells[width:]):
                problems.row(number, f"has cells beyond the {width} columns of the header")
                continue
            cells += [""] * (width - len(cells))
            numbers.append(number)
            for values, value in zip(columns, cells[:width], strict=True):
                values.append(value)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        _refuse(problems, f"not a readable .xlsx workbook: {exc}")
    finally:
        book.close()
    if not numbers and not problems:
        _refuse(problems, "the sheet has a header but no rows")
    arrays = [pa.array(values, pa.string()) for values in columns]
    table = pa.table([*arrays, pa.array(numbers, pa.int64())], names=[*header, ROW])
    return SourceTable(table, header, "", "xlsx")


def cell_text(value: object) -> str:
    """An Excel cell's value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
