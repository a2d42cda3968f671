"""A hand-made data set of a dozen customers whose metrics are worked out by hand below.

The as_of date is 2025-06-30, so every window ends before 2025-07-01 00:00 UTC:
12 months from 2024-07-01, months 13..24 from 2023-07-01 to 2024-07-01, 3 months from 2025-04-01,
months 13..15 from 2024-04-01 to 2024-07-01, 30 days from 2025-06-01, 90 days from 2025-04-02.
Rows sit on those edges on purpose. Customer 12 is created after as_of and must not appear.

The same rows load into SQLite and PostgreSQL with Django's column names and types, and into DuckDB
as the Parquet snapshot would (the `stratacrm.ingest.tables` schemas, money as float64).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pyarrow as pa

from stratacrm.ingest.tables import TABLES_BY_NAME

AS_OF = dt.date(2025, 6, 30)
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    """An aware UTC time from 'YYYY-MM-DD HH:MM[:SS]'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# id, type, industry, city, contact form filled, created at
_CUSTOMERS = [
    (1, "industrial", "steel", "Hangzhou", False, "2020-01-15 10:00"),
    (2, "commercial", "retail", "Ningbo", True, "2024-12-31 23:30"),
    (3, "residential", "", "Hangzhou", False, "2023-06-30 00:00"),
    (4, "residential", "", "Wenzhou", True, "2025-06-30 12:00"),
    (5, "agricultural", "farming", "", False, "2022-03-01 08:00"),
    (6, "residential", "", "Hangzhou", False, "2021-07-20 09:00"),
    (7, "public_institution", "education", "Ningbo", False, "2019-09-01 09:00"),
    (8, "business", "trade", "Shanghai", True, "2024-02-10 09:00"),
    (9, "industrial", "steel", "Ningbo", False, "2018-05-05 09:00"),
    (10, "commercial", "x'); DROP TABLE customers_customer; --", "Hangzhou", False, "2023-01-01 09:00"),
    (11, "individual", "", "Hangzhou", True, "2025-01-01 09:00"),
    (12, "commercial", "retail", "Hangzhou", False, "2025-07-01 00:00"),
]
CUSTOMER_IDS = [c[0] for c in _CUSTOMERS if c[0] != 12]


def _months(first: str, count: int) -> list[dt.date]:
    start = day(first)
    return [
        dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(count)
    ]


def _consumption() -> list[tuple[int, int, dt.date, float, float]]:
    """(customer, meter, month, kWh total, kWh peak); flat is the rest, off-peak 0 unless stated."""
    rows = []
    rows += [(1, 101, m, 10000.0, 4000.0) for m in _months("2024-07-01", 12)]
    rows += [(1, 102, day("2025-06-01"), 6000.0, 0.0)]
    rows += [(1, 101, m, 9000.0, 3000.0) for m in _months("2023-07-01", 12)]
    for month, kwh in [("2025-04-01", 100), ("2025-05-01", 200), ("2025-06-01", 300), ("2025-07-01", 999)]:
        rows.append((3, 301, day(month), float(kwh), kwh / 2))
    for month, kwh in [("2024-04-01", 300), ("2024-05-01", 300), ("2024-06-01", 400)]:
        rows.append((3, 301, day(month), float(kwh), kwh / 2))
    rows.append((6, 601, day("2025-06-01"), 450.0, 0.0))
    rows += [(2, 201, m, 1000.0, 300.0) for m in _months("2024-07-01", 12)]
    rows.append((8, 801, day("2025-06-01"), 6000.0, 0.0))
    rows.append((12, 1201, day("2025-06-01"), 100.0, 0.0))
    return rows


# id, customer, month, amount, issued on, due date
_BILLS = [
    (1, 1, "2025-04-01", "5000", "2025-05-03", "2025-05-20"),
    (2, 1, "2025-05-01", "5200", "2025-06-03", "2025-06-20"),
    (3, 1, "2025-06-01", "5400", "2025-07-03", "2025-07-20"),
    (4, 1, "2024-06-01", "4000", "2024-07-03", "2024-07-20"),
    (5, 5, "2024-11-01", "800", "2024-12-02", "2024-12-20"),
    (6, 5, "2024-12-01", "900", "2025-01-02", "2025-01-20"),
    (7, 7, "2023-01-01", "300", "2023-02-01", "2023-02-20"),
]
# customer, bill, paid on, amount
_PAYMENTS = [
    (1, 1, "2025-05-25", "5000"),
    (1, 2, "2025-06-18", "5200"),
    (1, 4, "2024-07-30", "4000"),
    (1, None, "2025-06-30", "100"),
    (5, 5, "2025-02-18", "800"),
    (7, 7, "2023-03-01", "300"),
]
# customer, amount, occurred at
_TRANSACTIONS = [
    (1, "8000", "2025-03-10 15:00"),
    (1, "4000", "2024-08-01 10:00"),
    (1, "50000", "2024-06-30 23:59:59"),
    (8, "10000", "2025-06-30 23:59:59"),
    (10, "10000.01", "2024-07-01 00:00:00"),
    (9, "30000", "2025-07-01 00:00:00"),
    (9, "5000", "2025-01-15 12:00"),
    (12, "20000", "2025-06-15 12:00"),
]
_INTERACTIONS = (
    [(2, t) for t in ["2025-06-01 00:00:00", "2025-06-05 10:00", "2025-06-10 10:00", "2025-06-15 10:00"]]
    + [(2, t) for t in ["2025-06-20 10:00", "2025-06-30 23:59:59", "2025-05-31 23:59:59"]]
    + [(3, f"2025-06-{d:02d} 09:00") for d in (3, 8, 13, 18, 25)]
    + [(3, "2025-04-02 00:00:00"), (3, "2025-04-01 23:00")]
    + [(11, f"2025-06-{d:02d} 09:00") for d in (2, 4, 6, 8, 10, 28)]
    + [(11, "2025-07-01 00:00:00"), (4, "2025-06-30 12:30"), (1, "2024-01-01 08:00")]
    + [(12, f"2025-06-{d:02d} 09:00") for d in range(1, 11)]
)
# customer, kind, status, opened at, resolved at
_TICKETS = [
    (2, "complaint", "open", "2025-06-10 09:00", None),
    (2, "complaint", "closed", "2025-04-01 12:00", "2025-04-05 12:00"),
    (2, "repair", "in_progress", "2025-05-01 09:00", None),
    (3, "complaint", "closed", "2024-06-30 23:00", "2024-07-02 10:00"),
    (3, "inquiry", "resolved", "2025-06-20 09:00", "2025-06-20 10:00"),
    (9, "complaint", "open", "2025-07-01 00:00:00", None),
    (9, "complaint", "resolved", "2025-06-01 09:00", "2025-06-03 09:00"),
]
# customer, csat, nps, responded at
_SURVEYS = [
    (1, 4, 8, "2025-01-10 10:00"),
    (1, 2, None, "2025-05-10 10:00"),
    (1, None, 3, "2024-05-01 10:00"),
    (2, 5, 10, "2025-07-01 00:00:00"),
    (2, 3, 6, "2025-03-01 10:00"),
    (6, None, 9, "2023-05-01 10:00"),
    (6, 1, 7, "2023-05-01 10:00"),
    (11, 5, 10, "2025-06-30 23:59:59"),
]


def rows() -> dict[str, list[dict[str, Any]]]:
    """Every table's rows under Django's column names, with Decimal money and aware UTC times."""
    ids = itertools.count(1)
    customers = [
        {
            "id": cid,
            "account_number": f"A{cid:04d}",
            "name": f"Customer {cid}",
            "customer_type": kind,
            "industry": industry,
            "province": "Zhejiang" if city != "Shanghai" else "Shanghai",
            "city": city,
            "district": "",
            "size": "large" if kind == "industrial" else "",
            "company": "",
            "id_number": "",
            "phone": "",
            "email": "",
            "address": "",
            "preferred_channel": "phone",
            "status": "active",
            "credit_grade": "B",
            "important_grade": "none",
            "owner_id": None,
            "source_channel": "",
            "contact_form_filled": filled,
            "version": 1,
            "created_at": at(created),
            "updated_at": at(created),
        }
        for cid, kind, industry, city, filled, created in _CUSTOMERS
    ]
    consumption = [
        {
            "id": next(ids),
            "customer_id": cid,
            "meter_id": meter,
            "period": month,
            "kwh_total": Decimal(str(total)),
            "kwh_peak": Decimal(str(peak)),
            "kwh_flat": Decimal(str(total - peak)),
            "kwh_offpeak": Decimal("0"),
        }
        for cid, meter, month, total, peak in _consumption()
    ]
    bills = [
        {
            "id": bid,
            "customer_id": cid,
            "period": day(month),
            "kwh": Decimal("0"),
            "amount": Decimal(amount),
            "issued_on": day(issued),
            "due_date": day(due),
        }
        for bid, cid, month, amount, issued, due in _BILLS
    ]
    payments = [
        {
            "id": next(ids),
            "customer_id": cid,
            "bill_id": bill,
            "paid_on": day(paid),
            "amount": Decimal(amount),
        }
        | {"channel": "bank"}
        for cid, bill, paid, amount in _PAYMENTS
    ]
    transactions = [
        {"id": next(ids), "customer_id": cid, "product": "service", "quantity": Decimal("1")}
        | {"amount": Decimal(amount), "occurred_at": at(when)}
        for cid, amount, when in _TRANSACTIONS
    ]
    interactions = [
        {"id": next(ids), "customer_id": cid, "channel": "phone", "activity": "", "direction": "inbound"}
        | {"subject": "", "content": "", "staff_id": None, "occurred_at": at(when)}
        for cid, when in _INTERACTIONS
    ]
    tickets = [
        {"id": next(ids), "customer_id": cid, "ticket_number": f"T{n}", "kind": kind, "category": ""}
        | {"priority": "normal", "status": status, "subject": "", "opened_at": at(opened)}
        | {"resolved_at": at(resolved) if resolved else None, "sla_due_at": at(opened) + dt.timedelta(days=7)}
        for n, (cid, kind, status, opened, resolved) in enumerate(_TICKETS, start=1)
    ]
    surveys = [
        {"id": next(ids), "customer_id": cid, "survey": "annual", "csat": csat, "nps": nps, "comment": ""}
        | {"responded_at": at(when)}
        for cid, csat, nps, when in _SURVEYS
    ]
    return {
        "customers": customers,
        "consumption": consumption,
        "bills": bills,
        "payments": payments,
        "transactions": transactions,
        "interactions": interactions,
        "tickets": tickets,
        "survey_responses": surveys,
    }


def arrow_tables() -> dict[str, pa.Table]:
    """The rows as the Parquet snapshot holds them (file-stem table names, float money, no extra ids)."""
    tables = {}
    for name, table_rows in rows().items():
        schema = TABLES_BY_NAME[name].schema
        converted = [
            {field.name: _snapshot_value(row.get(field.name), field.type) for field in schema}
            for row in table_rows
        ]
        tables[name] = pa.Table.from_pylist(converted, schema=schema)
    return tables


def _snapshot_value(value: object, dtype: pa.DataType) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if pa.types.is_string(dtype) and value is not None and not isinstance(value, str):
        return str(value)
    return value
