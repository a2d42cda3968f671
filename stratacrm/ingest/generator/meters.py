"""Metering points: one per customer (one to three for industry), with tariff, voltage and capacity."""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import codes, params
from .params import AGR, COM, IND, PUB, RES
from .population import CLOSED, PROSPECT, Population
from .vocab import take
from .window import US_PER_DAY, Window

TARIFFS = ("residential", "agricultural", "commercial_industrial", "large_industry", "general_commerce")
T_RES, T_AGR, T_CI, T_LARGE, T_GC = range(5)
SCHEMES = ("single_part", "two_part")
_TARIFFS = pa.array(TARIFFS)
_VOLTAGES = pa.array(params.VOLTAGE_LEVELS)
_SCHEMES = pa.array(SCHEMES)


@dataclass(frozen=True)
class Meters:
    """One chunk's meters; `customer` is the row of the owning customer within the chunk."""

    ids: np.ndarray
    customer: np.ndarray
    capacity: np.ndarray
    voltage: np.ndarray  # index into params.VOLTAGE_LEVELS
    tariff: np.ndarray  # index into TARIFFS
    two_part: np.ndarray
    time_of_use: np.ndarray
    table: pa.Table


def make_meters(*, rng: np.random.Generator, pop: Population, window: Window, first_id: int) -> Meters:
    """Draw the meters of a chunk of customers; meter ids start at `first_id`."""
    ctype = pop.ctype
    per_customer = np.where(
        ctype == IND, rng.choice(3, size=pop.size, p=params.INDUSTRIAL_METER_COUNTS) + 1, 1
    )
    per_customer = np.where(pop.status == PROSPECT, 0, per_customer)
    customer = np.repeat(np.arange(pop.size), per_customer)
    count = len(customer)
    kind = ctype[customer]

    # Split the customer's capacity over its meters.
    weight = rng.gamma(2.0, size=count)
    share = weight / np.bincount(customer, weights=weight, minlength=pop.size)[customer]
    capacity = np.maximum(np.round(pop.capacity[customer] * share), 1.0)

    voltage = np.searchsorted(params.VOLTAGE_BOUNDS_KVA, capacity, side="right")
    voltage = np.where(kind == RES, 0, voltage)
    voltage = np.where(kind == IND, voltage, np.minimum(voltage, 1))

    u = rng.random(count)
    may_choose = (capacity >= 100) & (capacity < params.TWO_PART_KVA) & (u < params.TWO_PART_CHOICE_SHARE)
    two_part = ((capacity >= params.TWO_PART_KVA) | may_choose) & np.isin(kind, (COM, IND, PUB))
    tariff = np.select(
        [kind == RES, kind == AGR, (kind == IND) & (capacity >= params.TWO_PART_KVA), kind == COM],
        [T_RES, T_AGR, T_LARGE, np.where(rng.random(count) < 0.6, T_GC, T_CI)],
        T_CI,
    )
    time_of_use = rng.random(count) < params.TIME_OF_USE_SHARE[kind]

    opened = (pop.created_us[customer] // US_PER_DAY).astype(np.int32)
    period_days = window.period_days
    closed_on = period_days[np.minimum(pop.last + 1, window.months)][customer] - 1
    closed = pop.status[customer] == CLOSED
    closed_on = np.maximum(closed_on, opened)

    ids = np.arange(first_id, first_id + count, dtype=np.int64)
    table = pa.table(
        {
            "id": ids,
            "customer_id": pop.ids[customer],
            "meter_number": codes.numbered(prefix="M", values=ids, width=11),
            "tariff_category": take(_TARIFFS, tariff),
            "voltage_level": take(_VOLTAGES, voltage),
            "contracted_capacity_kva": capacity,
            "billing_scheme": take(_SCHEMES, two_part.astype(np.int64)),
            "time_of_use": time_of_use,
            "opened_on": pa.array(opened, type=pa.date32()),
            "closed_on": pa.array(closed_on.astype(np.int32), type=pa.date32(), mask=~closed),
        }
    )
    return Meters(
        ids=ids,
        customer=customer,
        capacity=capacity,
        voltage=voltage,
        tariff=tariff,
        two_part=two_part,
        time_of_use=time_of_use,
        table=table,
    )
