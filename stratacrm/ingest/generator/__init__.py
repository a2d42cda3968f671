"""A deterministic generator of a realistic electricity utility's customers and their history.

`generate()` writes one file per table of `stratacrm.ingest.tables`, plus `labels.parquet` (which
customers drift toward churn, from when, and who pays late) and `manifest.json`. The same arguments give
byte-identical files. Customers are made in chunks of 50,000, each with its own random stream derived
from (seed, chunk index), so memory stays flat whatever the size. All numbers live in `params`; the
choices, with their sources (DOMAIN.md) or the reason for an estimate:

- Types: residential 85%, commercial 10%, industrial 3%, agricultural 1.2%, public institutions 0.8%.
  Status: 2% prospects (filled the web form, no meter, perhaps one inquiry), 1.5% closed, 0.5%
  suspended, the rest active; 5% of the others also filled the form. New customers join during the
  window at 5% a year; their consumption starts in their first month.
- Meters: one per customer, 1–3 for industry (60/30/10%). Capacity (kVA) lognormal by type (households
  median 8, shops 25, public 80, farms 20, industry 400 with sigma 1.5: heavy-tailed up to 300 MVA).
  Voltage by meter capacity: < 160 kVA below 1 kV, then 1–10 kV, 35 kV from 8 MVA, 110 kV from 40 MVA,
  220 kV+ from 150 MVA. Two-part billing from 315 kVA (30% choose it at 100–315 kVA); industry on
  two-part is "large industry". Time-of-use: 25% of households, 80–95% of businesses, 20% of farms.
- Consumption: households lognormal, median 180 kWh a month and p95 about 400; others capacity times
  monthly load hours (shops 20–60 h, factories 80–300 h, farms 30–120 h, public 40–150 h). Monthly
  multipliers Jan 1.15, Feb 1.05, Mar–May 0.8, Jun 1.0, Jul–Aug 1.45, Sep 1.15, Oct–Nov 0.85, Dec 1.1,
  followed fully by households, 70% by shops, 30% by industry, 120% by farms (irrigation). Each customer
  has its own level and a yearly trend (mean +1%, sd 4%), plus monthly noise of 6–15%. Peak/flat/off-peak
  means: households 35/40/25%, shops 45/40/15%, industry 28/32/40%, farms 30/35/35%, public 40/42/18%.
- Bills, one per customer and billed month: households on Beijing tiers (≤ 240 kWh 0.4883, ≤ 400 0.5383,
  above 0.7883 yuan); general commerce 0.67; other commercial/industrial 0.65; farms 0.50; large industry
  0.64–0.56 by voltage plus 20 yuan/kVA a month. Time-of-use meters weight peak 1.614 and valley 0.421 of
  the flat price (Beijing business ratios). Issued on day 3–7 of the next month, due 15–20 days later.
- Payments: 12% of customers are habitual late payers (70% of their bills late, 2% unpaid); others pay
  3% of bills late and leave 0.4% unpaid. Days late: exponential, mean 12, 1–60.
- Drift toward churn: 7% of active customers who joined at least 3 months earlier. From a start month in
  the last 12 (at least 2 before the end) consumption falls to 30–70% of normal over 2–5 months; they
  get 0.4 extra follow-up contacts and 0.06 extra tickets (70% complaints) a month; 45% of their bills
  are late by an extra 10 days on average (up to 90) and 8% stay unpaid.
- Interactions, a month: households 0.16, shops 0.45, industry 0.65, farms 0.35, public 0.5 (about 5
  per customer over 24 months); 10% are activities (trial, training, event, campaign).
- Tickets (about 0.3 per customer over 24 months): repair 37%, inquiry 25%, complaint 10%, report 3%,
  feedback 8%, praise 5%, service request 12% (complaints reach about 15% with the drifters' extra);
  complaints split service/business/outage 25% each, power quality 15%, grid construction 10%. SLA:
  repair 4 h, inquiry 24 h, service request 5 days (reconnection 24 h), complaint and the rest 7 days;
  resolution times lognormal around each kind's median.
- Surveys: 20% of resolved tickets get a follow-up, and 2.5% of customers a year answer the annual
  survey; satisfaction drops 1.3 points for drifting customers and 1 point after a complaint.
- Value-added services (chargers, audits, rooftop PV, power quality, O&M…): 12–15% of businesses and
  0.8% of households buy one or two.
- Account managers: one per 400 non-residential customers (at least 5), spread over the provinces; 90%
  of non-residential customers have one in their province.
"""

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from . import params
from .customers import customer_table
from .events import make_interactions, make_transactions
from .meters import make_meters
from .population import Population, draw_population
from .staff import make_staff
from .tickets import make_surveys, make_tickets
from .usage import make_usage
from .vocab import LOCALES, get_vocab
from .window import Window, default_end_month, first_of_month
from .writer import FORMATS, TableWriter

__all__ = ["FORMATS", "LOCALES", "generate"]

MAX_MONTHS = 240


def _rngs(seed: int, *key: int, count: int) -> list[np.random.Generator]:
    streams = np.random.SeedSequence(seed, spawn_key=key).spawn(count)
    return [np.random.Generator(np.random.PCG64(s)) for s in streams]


def _labels(*, pop: Population, window: Window) -> pa.Table:
    start = window.period_days[np.minimum(pop.drift_start, window.months)]
    return pa.table(
        {
            "customer_id": pop.ids,
            "drifting": pop.drifting,
            "drift_start": pa.array(start, type=pa.date32(), mask=~pop.drifting),
            "late_payer": pop.late_payer,
        }
    )


def _check(*, customers: int, seed: int, months: int, locale: str, fmt: str) -> None:
    if customers < 1:
        raise ValueError("customers must be at least 1")
    if seed < 0:
        raise ValueError("seed must not be negative")
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be between 1 and {MAX_MONTHS}")
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; choose one of {', '.join(LOCALES)}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def generate(
    *,
    customers: int,
    seed: int,
    months: int = 24,
    end_month: dt.date | None = None,
    locale: str = "zh_CN",
    out_dir: Path,
    fmt: str = "parquet",
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write a utility of `customers` customers with `months` months of history into `out_dir`.

    `end_month` is the last billed month (any day of it; the last full month before today when None).
    `progress(done, total)` is called after each chunk of customers. Returns the row count per file
    (tables, then "labels"). Raises ValueError for arguments out of range.
    """
    _check(customers=customers, seed=seed, months=months, locale=locale, fmt=fmt)
    window = Window(months=months, end_month=first_of_month(end_month or default_end_month()))
    vocab = get_vocab(locale)
    out_dir.mkdir(parents=True, exist_ok=True)
    next_meter = next_bill = next_ticket = 1
    with TableWriter(out_dir=out_dir, fmt=fmt) as writer:
        (staff_rng,) = _rngs(seed, 0, count=1)
        staff = make_staff(customers=customers, vocab=vocab, rng=staff_rng)
        writer.write("staff", staff.table)
        for chunk, first in enumerate(range(0, customers, params.CHUNK_SIZE)):
            count = min(params.CHUNK_SIZE, customers - first)
            rng = _rngs(seed, 1, chunk, count=8)
            pop = draw_population(rng=rng[0], first_id=first + 1, count=count, window=window)
            writer.write(
                "customers", customer_table(rng=rng[1], pop=pop, window=window, vocab=vocab, staff=staff)
            )
            meters = make_meters(rng=rng[2], pop=pop, window=window, first_id=next_meter)
            writer.write("meters", meters.table)
            usage = make_usage(rng=rng[3], pop=pop, meters=meters, window=window, first_bill_id=next_bill)
            writer.write("consumption", usage.consumption)
            writer.write("bills", usage.bills)
            writer.write("payments", usage.payments)
            writer.write("transactions", make_transactions(rng=rng[4], pop=pop, vocab=vocab))
            writer.write("interactions", make_interactions(rng=rng[5], pop=pop, window=window, vocab=vocab))
            tickets = make_tickets(rng=rng[6], pop=pop, window=window, vocab=vocab, first_number=next_ticket)
            writer.write("tickets", tickets.table)
            surveys = make_surveys(rng=rng[7], pop=pop, window=window, vocab=vocab, tickets=tickets)
            writer.write("survey_responses", surveys)
            writer.write("labels", _labels(pop=pop, window=window))
            next_meter += meters.table.num_rows
            next_bill += usage.bills.num_rows
            next_ticket += tickets.table.num_rows
            if progress is not None:
                progress(first + count, customers)
    rows = dict(writer.rows)
    manifest = {
        "generator_version": params.GENERATOR_VERSION,
        "seed": seed,
        "customers": customers,
        "months": months,
        "end_month": window.end_month.isoformat(),
        "as_of": window.as_of.isoformat(),
        "locale": locale,
        "format": fmt,
        "rows": rows,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return rows
