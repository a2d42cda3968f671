"""Time windows relative to an `as_of` date, and the boundary dates they stand for.

Every window ends with the as_of day included: the exclusive end is `as_of + 1 day`, called the
window end. `N days` / `N months` are the last N days / calendar months before that end; an offset
window `months 13..15` is months 13 to 15 counted back from it (the same three months a year earlier).
Month arithmetic clamps to the month's last day. For month-stamped rows (bills and consumption carry
the first day of their month) `N months` therefore always covers exactly N months, the month of as_of
included.

Boundaries are computed here, in Python, and bound as parameters, so every engine compares the same
dates and no engine's date arithmetic is relied upon.

>>> w = window_parse("months 13..15")
>>> w, str(w)
(Window(unit='months', first=13, last=15), 'months 13..15')
>>> import datetime as dt
>>> w.bounds(dt.date(2025, 6, 30))
(datetime.date(2024, 4, 1), datetime.date(2024, 7, 1))
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from .conditions import ConditionError

Unit = Literal["days", "months"]
MAX_COUNT = {"days": 3660, "months": 120}
_SIMPLE = re.compile(r"(\d+)\s+(day|days|month|months)")
_OFFSET = re.compile(r"(days|months)\s+(\d+)\s*\.\.\s*(\d+)")


def window_end(as_of: dt.date) -> dt.date:
    """The exclusive end of every window: the day after as_of."""
    return as_of + dt.timedelta(days=1)


def shift(day: dt.date, *, unit: Unit, count: int) -> dt.date:
    """`day` moved `count` units back in time, clamped to the end of a shorter month.

    >>> shift(dt.date(2025, 3, 31), unit="months", count=1)
    datetime.date(2025, 2, 28)
    """
    if unit == "days":
        return day - dt.timedelta(days=count)
    months = day.year * 12 + day.month - 1 - count
    year, month = divmod(months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Window:
    """Units `first`..`last` before the window end (1-based): `12 months` is months 1..12."""

    unit: Unit
    first: int
    last: int

    def __post_init__(self) -> None:
        if self.unit not in MAX_COUNT:
            raise ConditionError(f"a window counts days or months, not {self.unit!r}")
        if not 1 <= self.first <= self.last <= MAX_COUNT[self.unit]:
            raise ConditionError(f"a window runs from 1 to {MAX_COUNT[self.unit]} {self.unit}, first to last")

    def __str__(self) -> str:
        if self.first == 1:
            return f"{self.last} {self.unit}"
        return f"{self.unit} {self.first}..{self.last}"

    def bounds(self, as_of: dt.date) -> tuple[dt.date, dt.date]:
        """The half-open interval [start, stop) of dates the window covers."""
        end = window_end(as_of)
        return shift(end, unit=self.unit, count=self.last), shift(end, unit=self.unit, count=self.first - 1)


def window_parse(text: str | Window | None) -> Window | None:
    """Read `30 days`, `12 months`, `months 13..24`; `None` or `all` means all history up to as_of.

    >>> window_parse("30 days")
    Window(unit='days', first=1, last=30)
    >>> window_parse("fortnight")
    Traceback (most recent call last):
    ...
    stratacrm.segmentation.conditions.ConditionError: unknown window 'fortnight'; write e.g. '30 days', \
'12 months' or 'months 13..24'
    """
    if text is None or isinstance(text, Window):
        return text
    spelled = " ".join(str(text).lower().split())
    if spelled in ("", "all"):
        return None
    simple = _SIMPLE.fullmatch(spelled)
    if simple:
        return Window("days" if simple.group(2).startswith("day") else "months", 1, int(simple.group(1)))
    offset = _OFFSET.fullmatch(spelled)
    if offset:
        first, last = int(offset.group(2)), int(offset.group(3))
        return Window("days" if offset.group(1) == "days" else "months", first, last)
    raise ConditionError(f"unknown window {text!r}; write e.g. '30 days', '12 months' or 'months 13..24'")
