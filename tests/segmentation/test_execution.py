"""The same plan on SQLite, DuckDB and PostgreSQL gives the values worked out by hand, row by row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from stratacrm.segmentation.catalog import define_metric
from stratacrm.segmentation.compiler import compile_plan
from stratacrm.segmentation.library import BUILTIN_CATALOG

from . import dataset, seed
from .engines import Engine

ZERO = [
    *("kwh_12m", "kwh_prev_12m", "kwh_3m", "kwh_3m_year_ago", "peak_kwh_12m", "months_with_consumption_12m"),
    *("billed_amount_12m", "billed_to_date", "payments_12m", "paid_to_date", "arrears"),
    *("interactions_30d", "interactions_90d", "complaints_90d", "complaints_12m", "open_tickets"),
    *("frequency_12m", "monetary_12m"),
]
# Worked out from dataset.py; every metric not named is 0 (counts and sums) or missing (the rest).
EXPECTED: dict[int, dict[str, Any]] = {
    1: {
        # meter 101: 12 x 10,000 kWh (4,000 peak) in the last 12 months and 12 x 9,000 before;
        # meter 102: 6,000 kWh in June 2025 only.
        "kwh_12m": 126000,
        "kwh_prev_12m": 108000,
        "kwh_3m": 36000,  # April, May: 10,000; June: 10,000 + 6,000
        "kwh_3m_year_ago": 27000,
        "peak_kwh_12m": 48000,
        "months_with_consumption_12m": 12,  # two meters in June are one month
        "avg_monthly_kwh_12m": 10500,
        "kwh_yoy_change": 126000 / 108000 - 1,
        "kwh_drop_seasonal": 1 - 36000 / 27000,
        "peak_share_12m": 48000 / 126000,
        "consumption_band": "low",  # industrial: low below 50,000 a month
        "billed_amount_12m": 15600,  # April + May + June 2025 (June issued after as_of: still June's bill)
        "billed_to_date": 14200,  # issued by as_of: April, May 2025 and June 2024
        "months_since_last_bill": 0,
        "payments_12m": 14300,  # 5,000 + 5,200 + 4,000 (2024-07-30) + 100 without a bill
        "paid_to_date": 14300,
        "late_days_max_12m": 10,  # due 2024-07-20, paid 2024-07-30
        "late_days_mean_12m": 5.0,  # (5 + 0 + 10) / 3; the payment without a bill has no lateness
        "arrears": -100,
        "days_since_last_interaction": 546,  # 2024-01-01 to 2025-06-30
        "csat_mean_12m": 3.0,  # (4 + 2) / 2
        "nps_last": 8,  # the later response has no NPS
        "tenure_months": 65,
        "recency_days": 112,  # 2025-03-10
        "frequency_12m": 2,  # 2024-06-30 23:59:59 is before the window
        "monetary_12m": 12000,
        "purchase_amount_12m": 12000,
    },
    2: {
        "kwh_12m": 12000,
        "kwh_3m": 3000,
        "peak_kwh_12m": 3600,
        "months_with_consumption_12m": 12,
        "avg_monthly_kwh_12m": 1000,
        "peak_share_12m": 0.3,
        "consumption_band": "medium",  # commercial: 1,000 is the first kWh of medium
        "interactions_30d": 6,  # June 1 00:00:00 to June 30 23:59:59
        "interactions_90d": 7,  # and May 31
        "days_since_last_interaction": 0,
        "complaints_90d": 1,  # April 1 is one day before the 90 days
        "complaints_12m": 2,
        "open_tickets": 2,  # an open complaint and a repair in progress
        "csat_mean_12m": 3.0,  # the response at 2025-07-01 00:00 is after as_of
        "nps_last": 6,
        "tenure_months": 5,  # created on the 31st: June 30 has not reached it
    },
    3: {
        "kwh_12m": 600,  # 100 + 200 + 300; July 2025 is after as_of
        "kwh_prev_12m": 1000,
        "kwh_3m": 600,
        "kwh_3m_year_ago": 1000,
        "peak_kwh_12m": 300,
        "months_with_consumption_12m": 3,
        "avg_monthly_kwh_12m": 200,
        "kwh_yoy_change": -0.4,
        "kwh_drop_seasonal": 0.4,
        "peak_share_12m": 0.5,
        "consumption_band": "medium",
        "interactions_30d": 5,
        "interactions_90d": 6,  # April 2 00:00:00 is in, April 1 23:00 out
        "days_since_last_interaction": 5,
        "tenure_months": 24,
    },
    4: {"interactions_30d": 1, "interactions_90d": 1, "days_since_last_interaction": 0, "tenure_months": 0},
    5: {
        "billed_amount_12m": 1700,
        "billed_to_date": 1700,
        "months_since_last_bill": 6,  # December 2024
        "payments_12m": 800,
        "paid_to_date": 800,
        "late_days_max_12m": 60,  # due 2024-12-20, paid 2025-02-18
        "late_days_mean_12m": 60.0,
        "arrears": 900,
        "tenure_months": 39,
    },
    6: {
        "kwh_12m": 450,
        "kwh_3m": 450,
        "months_with_consumption_12m": 1,
        "avg_monthly_kwh_12m": 450,
        "peak_share_12m": 0.0,
        "consumption_band": "high",
        "nps_last": 9,  # two answers at the same moment: the higher one
        "tenure_months": 47,
    },
    7: {"billed_to_date": 300, "months_since_last_bill": 29, "paid_to_date": 300, "tenure_months": 69},
    8: {
        "kwh_12m": 6000,
        "kwh_3m": 6000,
        "months_with_consumption_12m": 1,
        "avg_monthly_kwh_12m": 6000,
        "peak_share_12m": 0.0,
        "consumption_band": "high",  # business: high from 5,000
        "recency_days": 0,
        "frequency_12m": 1,
        "monetary_12m": 10000,  # at 2025-06-30 23:59:59
        "purchase_amount_12m": 10000,
        "tenure_months": 16,
    },
    9: {
        "complaints_90d": 1,
        "complaints_12m": 1,  # the one opened 2025-07-01 00:00 is after as_of
        "recency_days": 166,
        "frequency_12m": 1,
        "monetary_12m": 5000,
        "purchase_amount_12m": 5000,
        "tenure_months": 85,
    },
    10: {
        "recency_days": 364,
        "frequency_12m": 1,
        "monetary_12m": 10000.01,  # at 2024-07-01 00:00:00, the first instant of the window
        "purchase_amount_12m": 10000.01,
        "tenure_months": 29,
    },
    11: {
        "interactions_30d": 6,
        "interactions_90d": 6,
        "days_since_last_interaction": 2,
        "csat_mean_12m": 5.0,
        "nps_last": 10,
        "tenure_months": 5,
    },
}
SEED_GROUPS = {1: "high value", 2: "active", 4: "prospect", 8: "prospect", 10: "high value", 11: "active"}
SEED_TAGS = {
    1: {"high value"},
    2: {"active", "prospect"},
    4: {"prospect"},
    8: {"prospect"},
    10: {"high value"},
    11: {"active", "prospect"},
}


def _attributes(row: dict[str, Any]) -> dict[str, Any]:
    blank = {"district", "source_channel", "company"}
    picked = {
        name: (row[name] or None) if name not in blank else None
        for name in ("customer_type", "industry", "province", "city", "district", "size", "status")
    }
    picked |= {
        "credit_grade": "B",
        "important_grade": "none",
        "source_channel": None,
        "preferred_channel": "phone",
    }
    return picked | {"contact_form_filled": row["contact_form_filled"]}


def expected_rows(names: list[str]) -> list[dict[str, Any]]:
    customers = {row["id"]: row for row in dataset.rows()["customers"]}
    rows = []
    for cid in dataset.CUSTOMER_IDS:
        row: dict[str, Any] = {"customer_id": cid} | _attributes(customers[cid])
        for name in names:
            if name not in row:
                value = EXPECTED[cid].get(name, 0 if name in ZERO or name == "purchase_amount_12m" else None)
                row[name] = round(float(value), 9) if isinstance(value, float | int) else value
        rows.append({name: row[name] for name in ["customer_id", *names]})
    return rows


def test_every_metric_matches_the_hand_computed_value(engine: Engine) -> None:
    plan = compile_plan(catalog=seed.CATALOG)
    assert engine.run(plan, catalog=seed.CATALOG) == expected_rows(list(plan.metrics))


def test_the_seed_rules_give_the_groups_worked_out_by_hand(engine: Engine) -> None:
    plan = compile_plan(catalog=seed.CATALOG, metrics=[], dimensions=seed.DIMENSIONS)
    rows = engine.run(plan, catalog=seed.CATALOG)
    tags = {o.column: o.label for o in plan.outputs if o.role == "tag"}
    assert {r["customer_id"]: r["seed_group"] for r in rows} == {
        cid: SEED_GROUPS.get(cid, "other") for cid in dataset.CUSTOMER_IDS
    }
    assert {r["customer_id"]: {tags[c] for c in tags if r[c]} for r in rows} == {
        cid: SEED_TAGS.get(cid, set()) for cid in dataset.CUSTOMER_IDS
    }
    rule = {r["customer_id"]: r["seed_group__rule"] for r in rows}
    assert rule[1] == 1 and rule[2] == 2 and rule[4] == 3 and rule[3] is None


def test_engines_agree_row_by_row_on_the_full_plan(sqlite: Engine, duck: Engine, postgres: Engine) -> None:
    plan = compile_plan(catalog=seed.CATALOG, dimensions=seed.DIMENSIONS)
    reference = sqlite.run(plan, catalog=seed.CATALOG)
    assert duck.run(plan, catalog=seed.CATALOG) == reference
    assert postgres.run(plan, catalog=seed.CATALOG) == reference


def test_one_customer_gets_the_same_row_as_in_the_full_run(engine: Engine) -> None:
    plan = compile_plan(catalog=seed.CATALOG, dimensions=seed.DIMENSIONS)
    full = {row["customer_id"]: row for row in engine.run(plan, catalog=seed.CATALOG)}
    for cid in dataset.CUSTOMER_IDS:
        assert engine.run(plan, catalog=seed.CATALOG, customer_ids=[cid]) == [full[cid]]
    assert engine.run(plan, catalog=seed.CATALOG, customer_ids=[2, 11]) == [full[2], full[11]]
    assert engine.run(plan, catalog=seed.CATALOG, customer_ids=[12]) == []
    assert engine.run(plan, catalog=seed.CATALOG, customer_ids=[]) == []


def test_an_earlier_as_of_replays_the_past(engine: Engine) -> None:
    plan = compile_plan(catalog=BUILTIN_CATALOG, metrics=["interactions_30d", "tenure_months"])
    rows = engine.run(plan, catalog=BUILTIN_CATALOG, as_of=dt.date(2025, 6, 29))
    by_id = {row["customer_id"]: row for row in rows}
    assert 4 not in by_id  # created on 2025-06-30
    assert by_id[2]["interactions_30d"] == 6  # May 31 now counts, June 30 does not yet
    assert by_id[3]["interactions_30d"] == 5
    assert by_id[1]["tenure_months"] == 65


def test_custom_metrics_with_filters_run_like_built_ins(engine: Engine) -> None:
    def metric(**fields: Any) -> Any:
        return define_metric(catalog=BUILTIN_CATALOG, **fields)

    catalog = BUILTIN_CATALOG.extend(
        metric(
            name="repairs_12m",
            source="tickets",
            aggregate="count",
            filter="kind = 'repair'",
            window="12 months",
        ),
        metric(name="meters_used", source="consumption", aggregate="count_distinct(meter_id)"),
        metric(name="biggest_bill", source="bills", aggregate="max(amount)", window="months 13..24"),
        metric(name="unresolved", source="tickets", aggregate="count", filter="resolved_at IS NULL"),
        metric(name="early_payments", source="payments", aggregate="count", filter="NOT days_late > 0"),
    )
    names = ["repairs_12m", "meters_used", "biggest_bill", "unresolved", "early_payments"]
    rows = {
        r["customer_id"]: r for r in engine.run(compile_plan(catalog=catalog, metrics=names), catalog=catalog)
    }
    assert [rows[c]["repairs_12m"] for c in (1, 2, 3)] == [0, 1, 0]
    assert [rows[c]["meters_used"] for c in (1, 2, 3, 4)] == [2, 1, 1, 0]
    assert [rows[c]["biggest_bill"] for c in (1, 5, 7)] == [4000.0, None, None]
    assert [rows[c]["unresolved"] for c in (2, 9)] == [2, 0]  # the ticket opened after as_of is not counted
    # NOT (days_late > 0): paid on time, and the payment without a bill (its lateness is missing)
    assert [rows[c]["early_payments"] for c in (1, 5, 7)] == [2, 0, 0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("customer_type IN ('commercial', 'industrial') AND NOT contact_form_filled", [1, 9, 10]),
        ("industry IS NULL", [3, 4, 6, 11]),
        ("city IS NULL OR city = 'Shanghai'", [5, 8]),
        ("csat_mean_12m < 4", [1, 2]),
        ("NOT csat_mean_12m < 4", [3, 4, 5, 6, 7, 8, 9, 10, 11]),
        ("nps_last NOT IN (8, 6)", [3, 4, 5, 6, 7, 8, 9, 10, 11]),
        ("starts_with(industry, 'st') OR contains(city, 'bo')", [1, 2, 7, 9]),
        ("kwh_yoy_change BETWEEN -0.5 AND 0.2", [1, 3]),
        ("late_days_max_12m >= 10 AND arrears > 0", [5]),
        ("consumption_band = 'high' OR months_since_last_bill > 12", [6, 7, 8]),
    ],
)
def test_conditions_select_the_customers_worked_out_by_hand(
    engine: Engine, text: str, expected: list[int]
) -> None:
    from stratacrm.segmentation.text import parse

    where = parse(text, fields=BUILTIN_CATALOG.fields)
    plan = compile_plan(catalog=BUILTIN_CATALOG, metrics=[], where=where)
    assert [row["customer_id"] for row in engine.run(plan, catalog=BUILTIN_CATALOG)] == expected
