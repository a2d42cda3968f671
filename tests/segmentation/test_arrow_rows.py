"""Driver rows become the same Arrow table whether Arrow reads them as structs (the fast way) or
column by column (the way every value shape takes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratacrm.segmentation.engines import arrow
from stratacrm.segmentation.engines.arrow import TIMESTAMP, rows_to_table

TYPES = {
    "id": pa.int64(),
    "flag": pa.bool_(),
    "amount": pa.float64(),
    "label": pa.string(),
    "day": pa.date32(),
    "at": TIMESTAMP,
}
_texts = st.text(max_size=5)
_days = st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1))
_times = st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1), timezones=st.just(dt.UTC))
_numbers = st.floats(-1e12, 1e12) | st.integers(-1000, 1000)
# As SQLite's driver gives them (0/1, text dates and times) and as PostgreSQL's (bool, Decimal, date
# and datetime objects).
_sqlite = st.tuples(
    st.integers(-(2**62), 2**62),
    st.none() | st.sampled_from([0, 1]),
    st.none() | _numbers,
    st.none() | _texts,
    st.none() | _days.map(str),
    st.none() | _times.map(lambda t: t.replace(tzinfo=None).isoformat(sep=" ")),
)
_postgres = st.tuples(
    st.integers(-(2**62), 2**62),
    st.none() | st.booleans(),
    st.none() | st.decimals(-(10**12), 10**12, places=4),
    st.none() | _texts,
    st.none() | _days,
    st.none() | _times,
)


def _by_column(rows: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch) -> pa.Table:
    with monkeypatch.context() as patched:
        patched.setattr(arrow, "_wire", lambda wanted: None)
        return rows_to_table(rows, list(TYPES), TYPES)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(_sqlite, max_size=6) | st.lists(_postgres, max_size=6))
def test_structs_and_columns_give_the_same_table(rows: list[tuple[Any, ...]]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        expected = _by_column(rows, monkeypatch)
    assert rows_to_table(rows, list(TYPES), TYPES).equals(expected)


def test_decimals_and_datetimes_take_the_column_way() -> None:
    at = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    table = rows_to_table([(1, True, Decimal("1.5"), "x", dt.date(2025, 1, 2), at)], list(TYPES), TYPES)
    assert table.to_pylist() == [
        {"id": 1, "flag": True, "amount": 1.5, "label": "x", "day": dt.date(2025, 1, 2), "at": at}
    ]


def test_sqlite_rows_take_the_struct_way(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(values: list[Any], wanted: pa.DataType | None) -> pa.Array:
        raise AssertionError("read column by column")

    monkeypatch.setattr(arrow, "_array", refused)
    table = rows_to_table([(1, 1, 2.5, "x", "2025-01-02", "2025-01-02 03:04:05")], list(TYPES), TYPES)
    assert table.column("flag").to_pylist() == [True]
    assert table.column("at").to_pylist() == [dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)]
