"""The seed's three rules, read from `examples/rules/seed-001.yaml`, put a data set of our own making into
exactly the groups worked out by hand, on SQLite, DuckDB and PostgreSQL.

As of 2025-06-30, the 12 months run from 2024-07-01 00:00 and the 30 days from 2025-06-01 00:00, both up
to 2025-07-01 00:00 (UTC). Purchases and interactions sit on those edges on purpose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from stratacrm.segmentation.definitions import definition_from_file

from .engines import Engine
from .loading import Rows, at, loaded

SEED = Path(__file__).parents[2] / "examples" / "rules" / "seed-001.yaml"
AS_OF = dt.date(2025, 6, 30)
FORM_FILLED = {2, 4, 5, 8}
PURCHASES = {
    1: [("6000", "2024-09-10 10:00"), ("4000.01", "2025-06-30 23:59:59")],  # 10,000.01: high value
    2: [("10000", "2025-01-15 12:00")],  # exactly 10,000 is not more than 10,000
    3: [("20000", "2024-06-30 23:59:59"), ("500", "2025-02-01 09:00")],  # the 20,000 is a day too early
    4: [("15000", "2025-07-01 00:00:00")],  # after as_of
    5: [("12000", "2024-07-01 00:00:00")],  # the first instant of the 12 months
    7: [("50000", "2025-07-02 09:00")],  # customer 7 is created after as_of
    8: [("4000", "2024-08-01 09:00"), ("4000", "2024-12-01 09:00"), ("4000", "2025-04-01 09:00")],
}
JUNE = [f"2025-06-{d:02d} 10:00" for d in (2, 5, 9, 14, 20)]
INTERACTIONS = {
    1: [*JUNE, "2025-06-30 23:59:59"],  # 6 in the 30 days: active
    2: JUNE,  # 5 is not more than 5
    3: [*JUNE, "2025-05-31 23:59:59"],  # the sixth is a second too early
    4: [*JUNE, "2025-06-21 10:00", "2025-06-22 10:00"],
    8: [*JUNE, "2025-06-01 00:00:00"],  # the first instant of the 30 days
}
EXPECTED = {
    1: {"high_value", "active"},
    2: {"prospect"},
    3: set(),
    4: {"active", "prospect"},
    5: {"high_value", "prospect"},
    6: set(),
    8: {"high_value", "active", "prospect"},
}


def rows() -> Rows:
    customers = [
        {
            "id": c,
            "account_number": f"Q{c:03d}",
            "name": f"Customer {c}",
            "contact_form_filled": c in FORM_FILLED,
        }
        | ({"created_at": at("2025-07-01 08:00")} if c == 7 else {})
        for c in range(1, 9)
    ]
    transactions = [
        {
            "customer_id": c,
            "product": "service",
            "quantity": Decimal("1"),
            "amount": Decimal(a),
            "occurred_at": at(t),
        }
        for c, items in PURCHASES.items()
        for a, t in items
    ]
    interactions = [
        {"customer_id": c, "channel": "phone", "occurred_at": at(t)}
        for c, times in INTERACTIONS.items()
        for t in times
    ]
    return {"customers": customers, "transactions": transactions, "interactions": interactions}


@pytest.fixture(scope="module", params=["sqlite", "duckdb", "postgres"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    with loaded(request.param, rows()) as engine:
        if engine is None:
            pytest.skip("PostgreSQL is not reachable")
        yield engine


def test_the_seed_rules_give_exactly_the_groups_worked_out_by_hand(engine: Engine) -> None:
    definition = definition_from_file(SEED)
    plan = definition.plan()
    tags = {o.column: str(o.label) for o in plan.outputs if o.role == "tag"}
    assert sorted(tags.values()) == ["active", "high_value", "prospect"]
    query = plan.render(dialect=engine.dialect, tables=engine.tables, as_of=AS_OF)
    found = {row["customer_id"]: {tags[c] for c in tags if row[c]} for row in engine.query(query)}
    assert found == EXPECTED


def test_each_tag_names_the_rule_that_gives_it() -> None:
    definition = definition_from_file(SEED)
    columns = [o for o in definition.plan().outputs if o.role == "tag"]
    named = {o.label: definition.rules[(o.dimension, int(o.column.rsplit("__", 1)[1]))].name for o in columns}
    assert named == {"high_value": "high value", "active": "active", "prospect": "prospect"}
