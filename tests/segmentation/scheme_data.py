"""Eleven customers whose RFM bins, value tiers, churn points and lifecycle stages are worked out by hand
in `test_scheme_grading.py`, and the rule file that grades them. As of 2025-06-30:

| customer | last bill | months since | payments in 12 m | billed in 12 m | complaints in 90 d | status   |
| -------- | --------- | ------------ | ---------------- | -------------- | ------------------ | -------- |
| 1        | 2025-06   | 0            | 12               | 12,000         |                    |          |
| 2        | 2025-06   | 0            | 12               | 6,000          |                    |          |
| 3        | 2025-05   | 1            | 11               | 5,000          |                    |          |
| 4        | 2025-06   | 0            | 6                | 3,000          | 1                  |          |
| 5        | 2025-03   | 3            | 3                | 900            |                    |          |
| 6        | 2025-06   | 0            | 12               | 6,000          |                    |          |
| 7        | 2024-12   | 6            | 1                | 300            |                    |          |
| 8        | none      | missing      | 0                | 0              |                    | prospect |
| 9        | 2025-06   | 0            | 2                | 2,000          | 2                  |          |
| 10       | 2025-04   | 2            | 9                | 4,000          |                    |          |
| 11       | 2025-06   | 0            | 0                | 300            |                    |          |

Customer 1 also has a bill and a payment from before the 12 months. Customer 11 was billed 100 a month
from 2023-01 to 2024-05, then nothing until April 2025: churned as of 2024-12-31, won back by 2025-06-30.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .loading import Rows, at, day

AS_OF = dt.date(2025, 6, 30)
BEFORE_COMEBACK = dt.date(2024, 12, 31)
# customer: (bill periods with amounts, payments in the 12 months)
_BILLS = {
    1: ([("2025-06-01", "12000"), ("2023-03-01", "99999")], 12),
    2: ([("2025-06-01", "6000")], 12),
    3: ([("2025-05-01", "5000")], 11),
    4: ([("2025-06-01", "3000")], 6),
    5: ([("2025-03-01", "900")], 3),
    6: ([("2025-06-01", "6000")], 12),
    7: ([("2024-12-01", "300")], 1),
    9: ([("2025-06-01", "2000")], 2),
    10: ([("2025-04-01", "4000")], 9),
}
_COMEBACK = [
    f"{year}-{month:02d}-01"
    for year, month in [(2023, m) for m in range(1, 13)] + [(2024, m) for m in range(1, 6)]
]
_COMEBACK += ["2025-04-01", "2025-05-01", "2025-06-01"]
_COMPLAINTS = [(4, "2025-06-10 09:00"), (9, "2025-05-01 09:00"), (9, "2025-06-01 09:00")]


def _month_before(day_text: str, months: int) -> dt.date:
    d = day(day_text)
    index = d.year * 12 + d.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, d.day)


def rows() -> Rows:
    customers = [
        {"id": cid, "account_number": f"S{cid:03d}", "name": f"Customer {cid}"}
        | ({"status": "prospect", "created_at": at("2025-05-01 09:00")} if cid == 8 else {})
        for cid in range(1, 12)
    ]
    bills: list[dict[str, object]] = []
    payments: list[dict[str, object]] = []
    for cid, (periods, paid) in _BILLS.items():
        for period, amount in periods:
            bills.append(_bill(cid, period, amount))
        for k in range(paid):
            payments.append(
                {"customer_id": cid, "paid_on": _month_before("2025-06-15", k), "amount": Decimal("10")}
            )
    payments.append({"customer_id": 1, "paid_on": day("2024-06-15"), "amount": Decimal("10")})
    bills += [_bill(11, period, "100") for period in _COMEBACK]
    tickets = [
        {"customer_id": cid, "ticket_number": f"T{n}", "kind": "complaint", "status": "closed"}
        | {"opened_at": at(opened), "sla_due_at": at(opened) + dt.timedelta(days=7)}
        for n, (cid, opened) in enumerate(_COMPLAINTS, start=1)
    ]
    return {"customers": customers, "bills": bills, "payments": payments, "tickets": tickets}


def _bill(cid: int, period: str, amount: str) -> dict[str, object]:
    issued = _month_before(period, -1) + dt.timedelta(days=2)
    return {
        "customer_id": cid,
        "period": day(period),
        "kwh": Decimal("0"),
        "amount": Decimal(amount),
        "issued_on": issued,
        "due_date": issued + dt.timedelta(days=15),
    }


RULES = """\
metrics:
  - {name: payments_count_12m, source: payments, aggregate: count, window: 12 months}
  - {name: billed_3m, source: bills, aggregate: sum(amount), window: 3 months}
  - {name: billed_4_9, source: bills, aggregate: sum(amount), window: months 4..9}
  - {name: billed_10_24, source: bills, aggregate: sum(amount), window: months 10..24}
schemes:
  value_score:
    method: rfm
    recency: {metric: months_since_last_bill, lower_is_better: true}
    frequency: {metric: payments_count_12m}
    monetary: {metric: billed_amount_12m}
    tiers:
      quantiles: {S: 20, A: 30, B: 30, C: 20}
  churn_risk:
    signals:
      - {name: few_payments, when: "payments_count_12m < 4", points: 30}
      - {name: no_recent_bill, when: "months_since_last_bill >= 2", points: 40}
      - {name: small_bills, when: "billed_amount_12m < 1000", points: 10}
      - {name: complaints, when: "complaints_90d >= 1", points: 20}
    levels: {high: 70, medium: 30, low: 0}
  lifecycle:
    default: mature
    rules:
      - {name: prospect, when: "status = 'prospect'", then: {stage: prospect}, priority: 100}
      - name: no bill for 3 months
        when: "months_since_last_bill >= 3"
        then: {stage: churned}
        priority: 90
      - name: billed again after a silent half-year
        when: "billed_4_9 = 0 AND billed_10_24 > 0 AND billed_3m > 0"
        then: {stage: won_back}
        priority: 80
      - {name: warning signals, when: "churn_points >= 40", then: {stage: at_risk}, priority: 60}
"""

THRESHOLD_TIERS = RULES.replace(
    "quantiles: {S: 20, A: 30, B: 30, C: 20}", "thresholds: {gold: 12, silver: 8, bronze: 0}"
)

WEIGHTED = """\
metrics:
  - {name: payments_count_12m, source: payments, aggregate: count, window: 12 months}
schemes:
  value_score:
    method: weighted
    normalize: minmax
    metrics:
      - {metric: billed_amount_12m, weight: 0.7}
      - {metric: payments_count_12m, weight: 0.3}
    tiers:
      thresholds: {high: 0.5, low: 0}
"""
