"""The generated data's time frame: the billed months and the snapshot moment.

Dates travel as int32 days since 1970-01-01 (arrow date32) and times as int64 microseconds since the
epoch, UTC (arrow timestamp[us, UTC]), so that every computation stays a numpy array operation.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np

US_PER_DAY = 86_400_000_000
US_PER_HOUR = 3_600_000_000
CST_OFFSET_US = 8 * US_PER_HOUR  # China Standard Time is UTC+8; local hours are converted with this
SNAPSHOT_DAY = 28  # the data is a snapshot taken on this day of the month after end_month


def first_of_month(day: dt.date) -> dt.date:
    """Return the first day of `day`'s month."""
    return day.replace(day=1)


def add_months(month: dt.date, *, count: int) -> dt.date:
    """Return the first day of the month `count` months after (or before, when negative) `month`."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def default_end_month(today: dt.date | None = None) -> dt.date:
    """Return the last full month before `today` (the current date when None), as its first day."""
    return add_months(first_of_month(today or dt.date.today()), count=-1)


def days_of(day: dt.date) -> int:
    """Return `day` as days since 1970-01-01."""
    return (day - dt.date(1970, 1, 1)).days


@dataclass(frozen=True)
class Window:
    """The `months` billed months ending at `end_month`, and the snapshot that follows them.

    Consumption and bills cover the billed months. Interactions, tickets, surveys and transactions
    happen from the first billed month up to the snapshot (`as_of`, 00:00 UTC on the 28th of the
    month after `end_month`): by then the last month's bills are issued and due, and payments made
    after the snapshot are not in the data.
    """

    months: int
    end_month: dt.date

    @property
    def start_month(self) -> dt.date:
        """The first billed month."""
        return add_months(self.end_month, count=-(self.months - 1))

    @property
    def as_of(self) -> dt.date:
        """The snapshot date."""
        return add_months(self.end_month, count=1).replace(day=SNAPSHOT_DAY)

    @property
    def period_days(self) -> np.ndarray:
        """First day of each billed month, and of the month after the last, as int32 days (months + 1)."""
        start = np.datetime64(self.start_month, "M")
        months = np.arange(start, start + self.months + 1, dtype="datetime64[M]")
        return months.astype("datetime64[D]").astype(np.int64).astype(np.int32)

    @property
    def calendar_months(self) -> np.ndarray:
        """Calendar month (1–12) of each billed month."""
        start = self.start_month.month - 1
        return (np.arange(self.months) + start) % 12 + 1

    @property
    def as_of_days(self) -> int:
        """The snapshot date, in days since the epoch."""
        return days_of(self.as_of)

    @property
    def start_us(self) -> int:
        """The first billed month's first instant, in microseconds since the epoch."""
        return days_of(self.start_month) * US_PER_DAY

    @property
    def as_of_us(self) -> int:
        """The snapshot instant, in microseconds since the epoch."""
        return days_of(self.as_of) * US_PER_DAY
