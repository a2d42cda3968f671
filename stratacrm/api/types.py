"""Constrained input types shared by the API schemas.

They keep inputs inside what every database accepts (no NUL characters, ids that fit a bigint, dates in a
sane range, decimals that fit their columns), so that bad input is a 422 and never a database error.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

MAX_ID = 2**53
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
NO_NUL = r"^[^\x00]*$"


def _text(max_length: int, min_length: int = 0) -> StringConstraints:
    return StringConstraints(max_length=max_length, min_length=min_length, pattern=NO_NUL)


# Strings of bounded length without NUL characters (PostgreSQL refuses those).
Text16 = Annotated[str, _text(16)]
Text32 = Annotated[str, _text(32)]
Text64 = Annotated[str, _text(64)]
Text100 = Annotated[str, _text(100)]
Text200 = Annotated[str, _text(200)]
Text254 = Annotated[str, _text(254)]
Text300 = Annotated[str, _text(300)]
Text5000 = Annotated[str, _text(5000)]
Key32 = Annotated[str, _text(32, min_length=1)]
Name100 = Annotated[str, _text(100, min_length=1)]
Name200 = Annotated[str, _text(200, min_length=1)]


def _date_in_range(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("needs a time zone, e.g. 2025-01-31T09:30:00+08:00")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Day = Annotated[dt.date, AfterValidator(_date_in_range)]
Moment = Annotated[dt.datetime, AfterValidator(_aware), AfterValidator(_date_in_range)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
Kwh = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
