"""Interactions and value-added-service transactions, drawn as Poisson events over each customer's span."""

import numpy as np
import pyarrow as pa

from . import names, params
from .params import RES
from .population import PROSPECT, Population
from .vocab import Vocab, take
from .window import CST_OFFSET_US, US_PER_DAY, US_PER_HOUR, Window

MONTH_US = 30.4375 * US_PER_DAY
TS = pa.timestamp("us", tz="UTC")
CHANNELS = ("phone", "email", "meeting", "visit", "online", "sms", "social")
_CHANNELS = pa.array(CHANNELS)
_CHANNEL_P_RES = np.array([0.4, 0.05, 0.0, 0.05, 0.25, 0.15, 0.1])
_CHANNEL_P_BIZ = np.array([0.3, 0.15, 0.2, 0.25, 0.1, 0.0, 0.0])
_OUTBOUND_P = np.array([0.4, 0.5, 0.7, 0.9, 0.1, 0.95, 0.3])  # per channel
# Channel of each activity kind (trial, training, event, campaign).
_ACTIVITY_CHANNEL = np.array([CHANNELS.index(c) for c in ("online", "meeting", "meeting", "sms")])
_ACTIVITIES = pa.array(("", *params.ACTIVITIES))
_DIRECTIONS = pa.array(("inbound", "outbound"))


def poisson_events(
    rng: np.random.Generator, *, rows: np.ndarray, start_us: np.ndarray, end_us: np.ndarray, rate: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Draw events at `rate` a month for each row over [start, end); return (row, time) of each event."""
    months = np.maximum(end_us - start_us, 0) / MONTH_US
    counts = rng.poisson(rate * months)
    owner = np.repeat(rows, counts)
    span = np.repeat(end_us - start_us, counts)
    times = np.repeat(start_us, counts) + (rng.random(len(owner)) * span).astype(np.int64)
    return owner, times


def office_hours(
    rng: np.random.Generator, *, times: np.ndarray, start: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """Move each time to 08:00–20:00 China time on its day, kept within [start, end)."""
    local_day = (times + CST_OFFSET_US) // US_PER_DAY
    moment = local_day * US_PER_DAY - CST_OFFSET_US + 8 * US_PER_HOUR
    moment += (rng.random(len(times)) * 12 * US_PER_HOUR).astype(np.int64)
    return np.clip(moment, start, end - 1)


def _sorted(table: pa.Table, *, customer: np.ndarray, times: np.ndarray) -> pa.Table:
    return table.take(pa.array(np.lexsort((times, customer))))


def make_interactions(*, rng: np.random.Generator, pop: Population, window: Window, vocab: Vocab) -> pa.Table:
    """Return one chunk's interactions: regular contacts, drift follow-ups and prospects' inquiries."""
    all_rows = np.arange(pop.size)
    served = all_rows[pop.status != PROSPECT]
    rate = params.INTERACTION_RATE[pop.ctype[served]]
    start, end = pop.span_start_us, pop.span_end_us
    base_rows, base_times = poisson_events(
        rng, rows=served, start_us=start[served], end_us=end[served], rate=rate
    )
    drifters = all_rows[pop.drifting]
    drift_from = window.period_days[pop.drift_start[drifters]].astype(np.int64) * US_PER_DAY
    extra = np.full(len(drifters), params.INTERACTION_DRIFT_EXTRA)
    drift_rows, drift_times = poisson_events(
        rng, rows=drifters, start_us=drift_from, end_us=end[drifters], rate=extra
    )
    prospects = all_rows[
        (pop.status == PROSPECT) & (rng.random(pop.size) < params.PROSPECT_INTERACTION_SHARE)
    ]
    prospect_times = start[prospects] + (rng.random(len(prospects)) * (end - start)[prospects]).astype(
        np.int64
    )

    rows = np.concatenate([base_rows, drift_rows, prospects])
    times = office_hours(
        rng, times=np.concatenate([base_times, drift_times, prospect_times]), start=start[rows], end=end[rows]
    )
    n_base, n_drift, n_prospect = len(base_rows), len(drift_rows), len(prospects)
    business = pop.ctype[base_rows] != RES

    channel = np.where(
        business,
        rng.choice(len(CHANNELS), size=n_base, p=_CHANNEL_P_BIZ),
        rng.choice(len(CHANNELS), size=n_base, p=_CHANNEL_P_RES),
    )
    has_activity = rng.random(n_base) < params.INTERACTION_ACTIVITY_SHARE
    activity_kind = rng.integers(0, len(params.ACTIVITIES), size=n_base)
    channel = np.where(has_activity, _ACTIVITY_CHANNEL[activity_kind], channel)
    activity = np.where(has_activity, activity_kind + 1, 0)

    res_topics, biz_topics = vocab.topics_residential, vocab.topics_business
    res_topic = rng.integers(0, len(res_topics.subjects), size=n_base)
    biz_topic = rng.integers(0, len(biz_topics.subjects), size=n_base)
    u = rng.random(n_base)
    groups = [
        (has_activity, vocab.activity_topics, activity_kind),
        (~has_activity & business, biz_topics, biz_topic),
        (~has_activity & ~business, res_topics, res_topic),
    ]
    order = np.concatenate([np.flatnonzero(mask) for mask, _, _ in groups])
    picked = [phrases.pick(topic=topic[mask], uniform=u[mask]) for mask, phrases, topic in groups]
    drift_pick = vocab.topic_retention.pick(
        topic=np.zeros(n_drift, dtype=np.int64), uniform=rng.random(n_drift)
    )
    prospect_pick = vocab.topic_prospect.pick(
        topic=np.zeros(n_prospect, dtype=np.int64), uniform=rng.random(n_prospect)
    )
    subjects = [p[0] for p in picked] + [drift_pick[0], prospect_pick[0]]
    contents = [p[1] for p in picked] + [drift_pick[1], prospect_pick[1]]

    # Rows in `order`, then the drift follow-ups and prospects' inquiries.
    rows = np.concatenate([base_rows[order], drift_rows, prospects])
    times = np.concatenate([times[:n_base][order], times[n_base:]])
    drift_channel = np.where(rng.random(n_drift) < 0.6, CHANNELS.index("phone"), CHANNELS.index("visit"))
    channel = np.concatenate([channel[order], drift_channel, np.full(n_prospect, CHANNELS.index("online"))])
    outbound = rng.random(len(rows)) < _OUTBOUND_P[channel]
    outbound[n_base : n_base + n_drift] = True
    outbound[n_base + n_drift :] = False
    activity = np.concatenate([activity[order], np.zeros(n_drift + n_prospect, dtype=np.int64)])
    table = pa.table(
        {
            "customer_id": pop.ids[rows],
            "channel": take(_CHANNELS, channel),
            "activity": take(_ACTIVITIES, activity),
            "direction": take(_DIRECTIONS, outbound.astype(np.int64)),
            "subject": pa.concat_arrays(subjects),
            "content": pa.concat_arrays(contents),
            "occurred_at": pa.array(times, type=TS),
        }
    )
    return _sorted(table, customer=rows, times=times)


def make_transactions(*, rng: np.random.Generator, pop: Population, vocab: Vocab) -> pa.Table:
    """Return one chunk's purchases of value-added services (chargers, audits, rooftop PV…)."""
    buyer = (pop.status != PROSPECT) & (rng.random(pop.size) < params.TRANSACTION_CUSTOMER_SHARE[pop.ctype])
    buyers = np.flatnonzero(buyer)
    rows = np.repeat(buyers, 1 + (rng.random(len(buyers)) < 0.3))
    count = len(rows)
    products = names.PRODUCTS
    for_homes = np.array([i for i, p in enumerate(products) if p[6]])
    home = pop.ctype[rows] == RES
    product = np.where(
        home,
        for_homes[rng.integers(0, len(for_homes), size=count)],
        rng.integers(0, len(products), size=count),
    )
    q_min, q_max, p_min, p_max = (np.array([p[k] for p in products], dtype=np.float64) for k in range(2, 6))
    quantity = np.floor(rng.uniform(q_min[product], q_max[product] + 1))
    quantity = np.where(home, np.minimum(quantity, np.where(q_max[product] > 10, 20, 1)), quantity)
    amount = np.round(quantity * rng.uniform(p_min[product], p_max[product]), 2)
    start, end = pop.span_start_us[rows], pop.span_end_us[rows]
    times = office_hours(
        rng, times=start + (rng.random(count) * (end - start)).astype(np.int64), start=start, end=end
    )
    table = pa.table(
        {
            "customer_id": pop.ids[rows],
            "product": take(vocab.products, product),
            "quantity": quantity,
            "amount": amount,
            "occurred_at": pa.array(times, type=TS),
        }
    )
    return _sorted(table, customer=rows, times=times)
