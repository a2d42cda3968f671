"""Monthly consumption per meter, one bill per customer and month, and the payments against the bills."""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import params
from .meters import T_AGR, T_CI, T_GC, T_LARGE, T_RES, Meters
from .params import RES
from .population import Population
from .vocab import take
from .window import Window

PAYMENT_CHANNELS = ("counter", "bank", "app", "wechat", "alipay", "auto_debit")
_PAYMENT_P_RES = np.array([0.15, 0.05, 0.15, 0.3, 0.25, 0.1])
_PAYMENT_P_BIZ = np.array([0.1, 0.6, 0.1, 0.05, 0.0, 0.15])
_PAYMENT_CHANNELS = pa.array(PAYMENT_CHANNELS)


@dataclass(frozen=True)
class Usage:
    """One chunk's consumption, bill and payment tables."""

    consumption: pa.Table
    bills: pa.Table
    payments: pa.Table


def _monthly_kwh(rng: np.random.Generator, *, pop: Population, meters: Meters, window: Window) -> np.ndarray:
    """Return a (meters, months) matrix of kWh before rounding; months outside a customer's span are 0."""
    months = window.months
    customer = meters.customer
    kind = pop.ctype[customer]
    count = len(customer)
    household = np.exp(rng.normal(np.log(params.HOUSEHOLD_MEDIAN_KWH), params.HOUSEHOLD_SIGMA, size=count))
    hours = rng.uniform(params.LOAD_HOURS_MIN[kind], params.LOAD_HOURS_MAX[kind])
    base = np.where(kind == RES, household, meters.capacity * hours)

    month = np.arange(months)
    trend = rng.normal(*params.TREND_PER_YEAR, size=pop.size)[customer]
    growth = (1.0 + trend[:, None]) ** ((month[None, :] - (months - 1)) / 12.0)
    seasonal = params.SEASONALITY[window.calendar_months - 1][None, :] - 1.0
    season = 1.0 + params.SEASONAL_AMPLITUDE[kind][:, None] * seasonal
    noise = np.exp(rng.normal(0.0, 1.0, size=(count, months)) * params.MONTHLY_NOISE_SIGMA[kind][:, None])

    start = pop.drift_start[customer][:, None]
    progress = np.clip((month[None, :] - start + 1) / pop.drift_ramp[customer][:, None], 0.0, 1.0)
    drift = 1.0 - (1.0 - pop.drift_floor[customer][:, None]) * progress

    active = (month[None, :] >= pop.first[customer][:, None]) & (
        month[None, :] <= pop.last[customer][:, None]
    )
    return np.where(active, base[:, None] * growth * season * noise * drift, 0.0)


def _shares(rng: np.random.Generator, *, pop: Population, meters: Meters) -> np.ndarray:
    """Return each meter's own (peak, flat, off-peak) shares, drawn around its type's split."""
    kind = pop.ctype[meters.customer]
    shares = rng.gamma(params.TOU_SPLIT[kind] * params.TOU_CONCENTRATION)
    shares /= shares.sum(axis=1, keepdims=True)
    return shares


def _energy_amount(*, kwh: np.ndarray, parts: np.ndarray, meters: Meters, rows: np.ndarray) -> np.ndarray:
    """Return the energy charge of each meter-month (`rows` are the meter rows of the readings)."""
    tariff = meters.tariff[rows]
    price = np.select(
        [tariff == T_GC, tariff == T_CI, tariff == T_AGR, tariff == T_LARGE],
        [
            params.PRICE_GENERAL_COMMERCE,
            params.PRICE_COMMERCIAL_INDUSTRIAL,
            params.PRICE_AGRICULTURAL,
            params.PRICE_LARGE_INDUSTRY_BY_VOLTAGE[meters.voltage[rows]],
        ],
        0.0,
    )
    weighted = np.where(meters.time_of_use[rows], parts @ params.TOU_WEIGHTS, kwh)
    low, high = params.RESIDENTIAL_TIERS_KWH
    p1, p2, p3 = params.RESIDENTIAL_TIER_PRICES
    tiered = (
        p1 * np.minimum(kwh, low)
        + p2 * np.clip(kwh - low, 0.0, high - low)
        + p3 * np.maximum(kwh - high, 0.0)
    )
    energy = np.where(tariff == T_RES, tiered, price * weighted)
    capacity_charge = np.where(
        meters.two_part[rows], meters.capacity[rows] * params.CAPACITY_CHARGE_PER_KVA, 0.0
    )
    return energy + capacity_charge


def make_usage(
    *, rng: np.random.Generator, pop: Population, meters: Meters, window: Window, first_bill_id: int
) -> Usage:
    """Return consumption, bills and payments for one chunk; bill ids start at `first_bill_id`."""
    months = window.months
    kwh = _monthly_kwh(rng, pop=pop, meters=meters, window=window)
    shares = _shares(rng, pop=pop, meters=meters)
    rows, month = np.nonzero(kwh > 0.0)
    total = np.round(kwh[rows, month], 2)
    noise = np.exp(rng.normal(0.0, params.TOU_MONTHLY_NOISE, size=(len(rows), 3)))
    split = shares[rows] * noise
    split /= split.sum(axis=1, keepdims=True)
    peak = np.round(total * split[:, 0], 2)
    flat = np.round(total * split[:, 1], 2)
    offpeak = np.maximum(np.round(total - peak - flat, 2), 0.0)
    total = np.round(peak + flat + offpeak, 2)
    periods = window.period_days
    customer_ids = pop.ids[meters.customer[rows]]
    consumption = pa.table(
        {
            "customer_id": customer_ids,
            "meter_id": meters.ids[rows],
            "period": pa.array(periods[month], type=pa.date32()),
            "kwh_total": total,
            "kwh_peak": peak,
            "kwh_flat": flat,
            "kwh_offpeak": offpeak,
        }
    )

    # Bills: the customer's meters summed per month.
    parts = np.stack([peak, flat, offpeak], axis=1)
    amount = _energy_amount(kwh=total, parts=parts, meters=meters, rows=rows)
    key = meters.customer[rows] * months + month
    billed = np.zeros(pop.size * months, dtype=bool)
    billed[key] = True
    bill_key = np.flatnonzero(billed)
    bill_kwh = np.round(np.bincount(key, weights=total, minlength=len(billed))[bill_key], 2)
    bill_amount = np.round(np.bincount(key, weights=amount, minlength=len(billed))[bill_key], 2)
    bill_customer, bill_month = np.divmod(bill_key, months)
    issued = periods[bill_month + 1] + rng.integers(
        params.BILL_ISSUE_DAY[0] - 1, params.BILL_ISSUE_DAY[1], size=len(bill_key)
    )
    due = issued + rng.integers(params.BILL_DUE_DAYS[0], params.BILL_DUE_DAYS[1] + 1, size=len(bill_key))
    bill_ids = np.arange(first_bill_id, first_bill_id + len(bill_key), dtype=np.int64)
    bills = pa.table(
        {
            "id": bill_ids,
            "customer_id": pop.ids[bill_customer],
            "period": pa.array(periods[bill_month], type=pa.date32()),
            "kwh": bill_kwh,
            "amount": bill_amount,
            "issued_on": pa.array(issued.astype(np.int32), type=pa.date32()),
            "due_date": pa.array(due.astype(np.int32), type=pa.date32()),
        }
    )
    payments = _payments(
        rng,
        pop=pop,
        window=window,
        customer=bill_customer,
        month=bill_month,
        bill_ids=bill_ids,
        amount=bill_amount,
        issued=issued,
        due=due,
    )
    return Usage(consumption=consumption, bills=bills, payments=payments)


def _payments(
    rng: np.random.Generator,
    *,
    pop: Population,
    window: Window,
    customer: np.ndarray,
    month: np.ndarray,
    bill_ids: np.ndarray,
    amount: np.ndarray,
    issued: np.ndarray,
    due: np.ndarray,
) -> pa.Table:
    """Pay each bill on time, late or never, by the customer's habits and drift."""
    count = len(customer)
    drifted = pop.drifting[customer] & (month >= pop.drift_start[customer])
    late_payer = pop.late_payer[customer]
    unpaid_share = np.where(
        drifted,
        params.UNPAID_SHARE_DRIFTING,
        np.where(late_payer, params.UNPAID_SHARE_LATE_PAYER, params.UNPAID_SHARE),
    )
    late_share = np.where(late_payer, params.LATE_SHARE_LATE_PAYER, params.LATE_SHARE_ON_TIME_PAYER)
    late_share = np.where(drifted, np.maximum(late_share, params.LATE_SHARE_DRIFTING), late_share)
    late = rng.random(count) < late_share
    days_late = np.ceil(rng.exponential(params.LATE_DAYS_MEAN, size=count))
    days_late += np.where(drifted, np.ceil(rng.exponential(params.DRIFT_EXTRA_LATE_DAYS, size=count)), 0.0)
    days_late = np.clip(days_late, 1, np.where(drifted, 90, 60)).astype(np.int64)
    on_time = issued + (rng.random(count) * (due - issued + 1)).astype(np.int64)
    paid_on = np.where(late, due + days_late, on_time)
    paid = (rng.random(count) >= unpaid_share) & (amount > 0) & (paid_on < window.as_of_days)

    business = pop.ctype != RES
    channel = np.where(
        business,
        rng.choice(len(PAYMENT_CHANNELS), size=pop.size, p=_PAYMENT_P_BIZ),
        rng.choice(len(PAYMENT_CHANNELS), size=pop.size, p=_PAYMENT_P_RES),
    )
    return pa.table(
        {
            "customer_id": pop.ids[customer[paid]],
            "bill_id": bill_ids[paid],
            "paid_on": pa.array(paid_on[paid].astype(np.int32), type=pa.date32()),
            "amount": amount[paid],
            "channel": take(_PAYMENT_CHANNELS, channel[customer[paid]]),
        }
    )
