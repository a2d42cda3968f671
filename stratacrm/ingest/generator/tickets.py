"""Service tickets (95598-style) and the satisfaction surveys that follow them or come once a year."""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import codes, params
from .events import TS, office_hours, poisson_events
from .population import PROSPECT, Population
from .vocab import Vocab, take
from .window import CST_OFFSET_US, US_PER_DAY, US_PER_HOUR, Window

COMPLAINT = params.TICKET_KINDS.index("complaint")
_KINDS = pa.array(params.TICKET_KINDS)
_PRIORITIES = pa.array(params.PRIORITIES)
_STATUSES = pa.array(("open", "in_progress", "resolved", "closed"))
# Flat (kind, category) topics: each kind's first topic and its categories' cumulative weights.
_CATEGORY_COUNTS = np.array([len(c) for c in params.TICKET_CATEGORIES])
_CATEGORY_OFFSETS = np.concatenate([[0], np.cumsum(_CATEGORY_COUNTS)[:-1]])
_RECONNECTION = int(_CATEGORY_OFFSETS[-1]) + [c for c, _ in params.TICKET_CATEGORIES[-1]].index(
    "reconnection"
)


@dataclass(frozen=True)
class Tickets:
    """One chunk's tickets, and for each the customer row, kind and resolution time surveys need."""

    table: pa.Table
    rows: np.ndarray
    kind: np.ndarray
    opened_us: np.ndarray
    resolved_us: np.ndarray  # -1 while unresolved


def _by_kind(rng: np.random.Generator, *, kind: np.ndarray, shares: list[np.ndarray]) -> np.ndarray:
    """Draw, for each row, an index from the distribution `shares[kind]`."""
    out = np.zeros(len(kind), dtype=np.int64)
    for k, p in enumerate(shares):
        mask = kind == k
        out[mask] = rng.choice(len(p), size=int(mask.sum()), p=p / p.sum())
    return out


def make_tickets(
    *, rng: np.random.Generator, pop: Population, window: Window, vocab: Vocab, first_number: int
) -> Tickets:
    """Return one chunk's tickets; running numbers start at `first_number`."""
    all_rows = np.arange(pop.size)
    served = all_rows[pop.status != PROSPECT]
    start, end = pop.span_start_us, pop.span_end_us
    rate = params.TICKET_RATE[pop.ctype[served]]
    base_rows, base_times = poisson_events(
        rng, rows=served, start_us=start[served], end_us=end[served], rate=rate
    )
    drifters = all_rows[pop.drifting]
    drift_from = window.period_days[pop.drift_start[drifters]].astype(np.int64) * US_PER_DAY
    extra = np.full(len(drifters), params.TICKET_DRIFT_EXTRA)
    drift_rows, drift_times = poisson_events(
        rng, rows=drifters, start_us=drift_from, end_us=end[drifters], rate=extra
    )
    kind = np.concatenate(
        [
            rng.choice(len(params.TICKET_KINDS), size=len(base_rows), p=params.TICKET_KIND_SHARES),
            rng.choice(len(params.TICKET_KINDS), size=len(drift_rows), p=params.DRIFT_TICKET_KIND_SHARES),
        ]
    )
    rows = np.concatenate([base_rows, drift_rows])
    opened = np.concatenate([base_times, drift_times])
    order = np.lexsort((opened, rows))
    rows, opened, kind = rows[order], opened[order], kind[order]
    count = len(rows)
    # Repairs come at any hour; the rest mostly in office hours.
    daytime = office_hours(rng, times=opened, start=start[rows], end=end[rows])
    opened = np.where(kind == 0, opened, daytime)

    weights = [np.array([w for _, w in categories]) for categories in params.TICKET_CATEGORIES]
    topic = _CATEGORY_OFFSETS[kind] + _by_kind(rng, kind=kind, shares=weights)
    category, subject = vocab.ticket_subjects.pick(topic=topic, uniform=rng.random(count))
    priority = _by_kind(rng, kind=kind, shares=list(params.PRIORITY_SHARES))

    sla_hours = np.where(topic == _RECONNECTION, 24.0, params.SLA_HOURS[kind])
    sla_due = opened + (sla_hours * US_PER_HOUR).astype(np.int64)
    hours = np.exp(rng.normal(np.log(params.RESOLVE_MEDIAN_HOURS[kind]), params.RESOLVE_SIGMA[kind]))
    resolved = opened + (hours * US_PER_HOUR).astype(np.int64)
    done = resolved < window.as_of_us
    settled = resolved < window.as_of_us - 7 * US_PER_DAY
    u = rng.random(count)
    status = np.where(done, np.where(u < np.where(settled, 0.9, 0.4), 3, 2), np.where(u < 0.5, 0, 1))

    local_days = (opened + CST_OFFSET_US) // US_PER_DAY
    sequence = np.arange(first_number, first_number + count)
    table = pa.table(
        {
            "customer_id": pop.ids[rows],
            "ticket_number": codes.ticket_numbers(days=local_days, sequence=sequence),
            "kind": take(_KINDS, kind),
            "category": category,
            "priority": take(_PRIORITIES, priority),
            "status": take(_STATUSES, status),
            "subject": subject,
            "opened_at": pa.array(opened, type=TS),
            "resolved_at": pa.array(resolved, type=TS, mask=~done),
            "sla_due_at": pa.array(sla_due, type=TS),
        }
    )
    return Tickets(
        table=table, rows=rows, kind=kind, opened_us=opened, resolved_us=np.where(done, resolved, -1)
    )


def make_surveys(
    *, rng: np.random.Generator, pop: Population, window: Window, vocab: Vocab, tickets: Tickets
) -> pa.Table:
    """Return one chunk's survey responses: follow-ups of resolved tickets and an annual survey.

    Satisfaction is a latent score around 4.2 that drops for drifting customers (after the drift starts)
    and for customers who complained before answering; CSAT rounds it, NPS scales it to 0–10.
    """
    resolved = tickets.resolved_us >= 0
    follow = np.flatnonzero(resolved & (rng.random(len(tickets.rows)) < params.POST_SERVICE_SURVEY_SHARE))
    follow_times = tickets.resolved_us[follow] + rng.integers(US_PER_HOUR, 3 * US_PER_DAY, size=len(follow))
    keep = follow_times < window.as_of_us
    follow, follow_times = follow[keep], follow_times[keep]
    follow_rows = tickets.rows[follow]

    served = np.flatnonzero(pop.status != PROSPECT)
    rate = np.full(len(served), params.ANNUAL_SURVEY_SHARE / 12)
    annual_rows, annual_times = poisson_events(
        rng, rows=served, start_us=pop.span_start_us[served], end_us=pop.span_end_us[served], rate=rate
    )
    rows = np.concatenate([follow_rows, annual_rows])
    times = np.concatenate([follow_times, annual_times])
    is_follow = np.arange(len(rows)) < len(follow_rows)

    first_complaint = np.full(pop.size, np.iinfo(np.int64).max)
    complaints = tickets.kind == COMPLAINT
    np.minimum.at(first_complaint, tickets.rows[complaints], tickets.opened_us[complaints])
    drift_from = window.period_days[np.minimum(pop.drift_start, window.months)].astype(np.int64) * US_PER_DAY
    drifted = pop.drifting[rows] & (times >= drift_from[rows])
    complained = first_complaint[rows] <= times
    score = rng.normal(4.2, 0.7, size=len(rows)) - 1.3 * drifted - 1.0 * complained
    csat = np.clip(np.round(score), 1, 5).astype(np.int16)
    nps = np.clip(np.round(2.2 * score - 0.9 + rng.normal(0.0, 1.0, size=len(rows))), 0, 10).astype(np.int16)
    u = rng.random(len(rows))
    no_csat = ~is_follow & (u < 0.4)
    no_nps = is_follow & (u < 0.5)

    sentiment = np.select([score < 2.5, score < 3.8], [0, 1], 2)
    pick = rng.random(len(rows))
    parts = []
    for level, words in enumerate(vocab.comments):
        parts.append((pick * len(words)).astype(np.int64) + sum(len(w) for w in vocab.comments[:level]))
    all_comments = pa.concat_arrays([*vocab.comments, pa.array([""])])
    comment = np.choose(sentiment, parts)
    comment = np.where(rng.random(len(rows)) < 0.3, comment, len(all_comments) - 1)

    order = np.lexsort((times, rows))
    table = pa.table(
        {
            "customer_id": pop.ids[rows],
            "survey": take(vocab.surveys, (~is_follow).astype(np.int64)),
            "csat": pa.array(csat, mask=no_csat),
            "nps": pa.array(nps, mask=no_nps),
            "comment": take(all_comments, comment),
            "responded_at": pa.array(times, type=TS),
        }
    )
    return table.take(pa.array(order))
