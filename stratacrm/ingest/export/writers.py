"""Writing a list as CSV (streamed) or as an .xlsx workbook, every text cell neutralised.

Callers pass rows already scoped and masked (the selectors do that); these writers only format. Both
put a header row first. CSV is UTF-8 with a BOM so that spreadsheet programs read Chinese text right.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils import timezone

from .cells import neutralise

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text, one row at a time (for streaming responses)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in itertools.chain([header], rows):
        writer.writerow([neutralise(_plain(v)) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "export") -> bytes:
    """An .xlsx workbook of one sheet, written row by row (openpyxl write-only mode)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.append([neutralise(h) for h in header])
    for row in rows:
        ws.append([_xlsx_value(v) for v in row])
    with tempfile.TemporaryFile() as handle:
        book.save(handle)
        handle.seek(0)
        return handle.read()


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones: local time
    if isinstance(value, (list, dict)):
        value = str(value)
    return neutralise(value)
