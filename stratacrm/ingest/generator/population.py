"""Who the customers are: type, status, life span, drift toward churn, payment habits and size."""

from dataclasses import dataclass

import numpy as np

from . import params
from .window import US_PER_DAY, Window

STATUSES = ("prospect", "active", "suspended", "closed")
PROSPECT, ACTIVE, SUSPENDED, CLOSED = range(4)
YEAR_US = 365 * US_PER_DAY


@dataclass(frozen=True)
class Population:
    """One chunk of customers: what later tables need to know about each, row by row."""

    ids: np.ndarray  # file-local customer ids
    ctype: np.ndarray  # index into params.TYPES
    status: np.ndarray  # index into STATUSES
    first: np.ndarray  # first billed month index (months when none)
    last: np.ndarray  # last billed month index
    drifting: np.ndarray
    drift_start: np.ndarray  # month index (months when not drifting)
    drift_floor: np.ndarray
    drift_ramp: np.ndarray
    late_payer: np.ndarray
    capacity: np.ndarray  # contracted kVA of the whole customer
    created_us: np.ndarray
    span_start_us: np.ndarray  # events happen in [span_start_us, span_end_us)
    span_end_us: np.ndarray

    @property
    def size(self) -> int:
        """Number of customers."""
        return len(self.ids)


def draw_population(*, rng: np.random.Generator, first_id: int, count: int, window: Window) -> Population:
    """Draw types, statuses, life spans, drift and payment habits of `count` customers."""
    months = window.months
    ctype = rng.choice(len(params.TYPES), size=count, p=params.TYPE_SHARES)
    u = rng.random(count)
    bounds = np.cumsum([params.PROSPECT_SHARE, params.SUSPENDED_SHARE, params.CLOSED_SHARE])
    status = np.select([u < bounds[0], u < bounds[1], u < bounds[2]], [PROSPECT, SUSPENDED, CLOSED], ACTIVE)
    is_new = (rng.random(count) < min(0.5, params.NEW_PER_YEAR * months / 12)) & (status == ACTIVE)
    first = np.where(is_new, rng.integers(1, max(months, 2), size=count), 0)
    first = np.where(status == PROSPECT, months, np.minimum(first, months - 1))
    last = np.full(count, months - 1)
    gone = (status == CLOSED) | (status == SUSPENDED)
    low = np.where(status == SUSPENDED, max(0, months - 6), 0)
    last = np.where(gone, rng.integers(low, max(months - 1, 1)), last)

    drift_start = rng.integers(max(3, months - params.DRIFT_LAST_MONTHS), max(4, months - 1), size=count)
    drifting = (status == ACTIVE) & (rng.random(count) < params.DRIFT_SHARE)
    drifting &= (first <= drift_start - 3) & (drift_start <= months - params.DRIFT_MIN_VISIBLE)
    drift_start = np.where(drifting, drift_start, months)
    drift_floor = rng.uniform(*params.DRIFT_FLOOR, size=count)
    drift_ramp = rng.integers(params.DRIFT_RAMP_MONTHS[0], params.DRIFT_RAMP_MONTHS[1] + 1, size=count)
    late_payer = (status != PROSPECT) & (rng.random(count) < params.LATE_PAYER_SHARE)

    log_cap = rng.normal(np.log(params.CAPACITY_MEDIAN[ctype]), params.CAPACITY_SIGMA[ctype])
    capacity = np.round(np.clip(np.exp(log_cap), params.CAPACITY_MIN[ctype], params.CAPACITY_MAX[ctype]))

    period_us = window.period_days.astype(np.int64) * US_PER_DAY
    old = window.start_us - rng.integers(30 * US_PER_DAY, 15 * YEAR_US, size=count)
    joined = period_us[np.minimum(first, months - 1)] + rng.integers(0, 10 * US_PER_DAY, size=count)
    prospect_at = window.as_of_us - rng.integers(US_PER_DAY, 180 * US_PER_DAY, size=count)
    created = np.where(first > 0, joined, old)
    created = np.where(status == PROSPECT, prospect_at, created)
    span_start = np.maximum(created, window.start_us)
    ended = period_us[np.minimum(last + 1, months)] + rng.integers(0, 15 * US_PER_DAY, size=count)
    span_end = np.where(status == CLOSED, np.minimum(ended, window.as_of_us), window.as_of_us)
    span_end = np.maximum(span_end, span_start + US_PER_DAY)
    return Population(
        ids=np.arange(first_id, first_id + count, dtype=np.int64),
        ctype=ctype,
        status=status,
        first=first,
        last=last,
        drifting=drifting,
        drift_start=drift_start,
        drift_floor=drift_floor,
        drift_ramp=drift_ramp,
        late_payer=late_payer,
        capacity=capacity,
        created_us=created,
        span_start_us=span_start,
        span_end_us=span_end,
    )
