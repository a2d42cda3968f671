"""A small, valid set of interchange files for loader tests: three customers and their history."""

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from stratacrm.ingest.tables import TABLES_BY_NAME

UTC = dt.UTC
STAFF_USERNAMES = ("li.wei", "zhang.min")
MONTHS = (dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1))


def at(day: int, hour: int = 9, micro: int = 0) -> dt.datetime:
    return dt.datetime(2024, 1, day, hour, 30, 0, micro, tzinfo=UTC)


def dataset(*, prefix: str = "A") -> dict[str, list[dict[str, Any]]]:
    """Rows per table; `prefix` makes the account, meter and ticket numbers of one set unique."""
    customers = [
        _customer(1, prefix, "residential", owner="li.wei", created=at(2, micro=123456)),
        _customer(2, prefix, "commercial", owner="zhang.min", created=at(3)),
        _customer(3, prefix, "industrial", owner=None, created=at(4)),
    ]
    meters = [_meter(i, customer, prefix) for i, customer in enumerate((1, 1, 2, 3), start=1)]
    consumption = [
        {
            "customer_id": m["customer_id"],
            "meter_id": m["id"],
            "period": month,
            "kwh_total": 60.5 + i,
            "kwh_peak": 10.25,
            "kwh_flat": 20.25 + i,
            "kwh_offpeak": 30.0,
        }
        for m in meters
        for i, month in enumerate(MONTHS)
    ]
    bills = [
        {
            "id": n,
            "customer_id": c,
            "period": month,
            "kwh": 100.0 * c,
            "amount": 55.1 * c + i,
            "issued_on": month + dt.timedelta(days=35),
            "due_date": month + dt.timedelta(days=50),
        }
        for n, (c, i, month) in enumerate(
            ((c, i, m) for c in (1, 2, 3) for i, m in enumerate(MONTHS)), start=1
        )
    ]
    payments = [
        {
            "customer_id": b["customer_id"],
            "bill_id": b["id"],
            "paid_on": b["due_date"],
            "amount": b["amount"],
            "channel": "wechat",
        }
        for b in bills
    ] + [{"customer_id": 2, "bill_id": None, "paid_on": dt.date(2024, 5, 1), "amount": 10.0, "channel": ""}]
    return {
        "staff": [
            {"username": u, "first_name": "Wei", "last_name": "Li", "team": "east", "region": "Hangzhou"}
            for u in STAFF_USERNAMES
        ],
        "customers": customers,
        "meters": meters,
        "consumption": consumption,
        "bills": bills,
        "payments": payments,
        "transactions": [
            {
                "customer_id": 2,
                "product": "energy audit",
                "quantity": 1.0,
                "amount": 880.0,
                "occurred_at": at(5),
            },
            {
                "customer_id": 3,
                "product": "transformer check",
                "quantity": 2.5,
                "amount": 1200.5,
                "occurred_at": at(6, micro=5),
            },
        ],
        "interactions": [
            {
                "customer_id": c,
                "channel": ch,
                "activity": "",
                "direction": "inbound",
                "subject": "bill query",
                "content": 'asked about "peak" hours,\nthen hung up',
                "occurred_at": at(10 + c),
            }
            for c, ch in ((1, "phone"), (2, "email"), (3, "visit"))
        ],
        "tickets": [
            {
                "customer_id": 1,
                "ticket_number": f"{prefix}-T1",
                "kind": "repair",
                "category": "outage",
                "priority": "high",
                "status": "resolved",
                "subject": "no power",
                "opened_at": at(12),
                "resolved_at": at(12, 15),
                "sla_due_at": at(13),
            },
            {
                "customer_id": 2,
                "ticket_number": f"{prefix}-T2",
                "kind": "complaint",
                "category": "billing",
                "priority": "normal",
                "status": "open",
                "subject": "",
                "opened_at": at(14),
                "resolved_at": None,
                "sla_due_at": at(20),
            },
        ],
        "survey_responses": [
            {
                "customer_id": 1,
                "survey": "repair follow-up",
                "csat": 4,
                "nps": None,
                "comment": "",
                "responded_at": at(15),
            },
            {
                "customer_id": 3,
                "survey": "annual",
                "csat": None,
                "nps": 9,
                "comment": "good",
                "responded_at": at(16),
            },
        ],
    }


def _customer(n: int, prefix: str, kind: str, *, owner: str | None, created: dt.datetime) -> dict[str, Any]:
    return {
        "id": n,
        "account_number": f"{prefix}{n:06d}",
        "name": f"Customer {prefix}{n}",
        "customer_type": kind,
        "industry": "",
        "province": "Zhejiang",
        "city": "Hangzhou",
        "district": "Xihu",
        "size": "small",
        "company": "",
        "id_number": "",
        "phone": "13800000000",
        "email": f"c{n}@example.com",
        "address": "1 Lake Road",
        "preferred_channel": "phone",
        "status": "active",
        "credit_grade": "A",
        "important_grade": "none",
        "owner": owner,
        "source_channel": "counter",
        "contact_form_filled": n == 1,
        "created_at": created,
        "updated_at": created + dt.timedelta(days=1),
    }


def _meter(n: int, customer: int, prefix: str) -> dict[str, Any]:
    return {
        "id": n,
        "customer_id": customer,
        "meter_number": f"{prefix}-M{n}",
        "tariff_category": "residential",
        "voltage_level": "lt_1kv",
        "contracted_capacity_kva": 8.0 * n,
        "billing_scheme": "single_part",
        "time_of_use": n % 2 == 0,
        "opened_on": dt.date(2020, 1, n),
        "closed_on": None,
    }


def write_dataset(*, directory: Path, rows: dict[str, list[dict[str, Any]]], fmt: str = "parquet") -> Path:
    """Write each table of `rows` as DIR/<table>.<fmt> in the interchange schema; return DIR."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, table_rows in rows.items():
        table = pa.Table.from_pylist(table_rows, schema=TABLES_BY_NAME[name].schema)
        if fmt == "parquet":
            pq.write_table(table, directory / f"{name}.parquet")
        else:
            pa_csv.write_csv(table, directory / f"{name}.csv")
    return directory


def only_customers(
    rows: dict[str, list[dict[str, Any]]], *, ids: set[int]
) -> dict[str, list[dict[str, Any]]]:
    """The data set cut down to some customers and what belongs to them."""
    kept = {
        name: [r for r in table_rows if r.get("customer_id", r.get("id")) in ids]
        for name, table_rows in rows.items()
        if name not in ("staff", "customers")
    }
    kept["customers"] = [r for r in rows["customers"] if r["id"] in ids]
    kept["staff"] = rows["staff"]
    return kept
