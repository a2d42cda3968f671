"""Times written to SQLite in bulk are the text Django's backend writes for each one (naive UTC,
microseconds only when there are some), whatever the zone they come in."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from stratacrm.segmentation.runs.store import _sqlite_time, _sqlite_values

ZONES = st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=8)), dt.timezone(dt.timedelta(hours=-5))])
TIMES = st.datetimes(
    min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2200, 1, 1), timezones=ZONES
) | st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1), timezones=ZONES).map(
    lambda t: t.replace(microsecond=0)
)


@given(st.lists(st.none() | TIMES, max_size=50))
def test_bulk_times_are_written_as_one_at_a_time(values: list[dt.datetime | None]) -> None:
    column = pa.chunked_array([pa.array(values, pa.timestamp("us", tz="UTC"))])
    assert _sqlite_values(column) == [None if v is None else _sqlite_time(v) for v in values]
