"""`examples/rules/utility.yaml` on a generated utility: every class, tier, stage and level is used, none
takes nearly everyone, and the customers the generator made drift toward churn are the ones flagged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from stratacrm.ingest.generator import generate
from stratacrm.segmentation.definitions import definition_from_file
from stratacrm.segmentation.sources import SNAPSHOT_TABLES

UTILITY = Path(__file__).parents[2] / "examples" / "rules" / "utility.yaml"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """A 6,000-customer utility graded as of its last day, joined to the generator's labels."""
    out = tmp_path_factory.mktemp("utility")
    generate(customers=6000, seed=11, end_month=dt.date(2025, 5, 1), out_dir=out)
    as_of = dt.date.fromisoformat(json.loads((out / "manifest.json").read_text())["as_of"])
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for name in [*SNAPSHOT_TABLES.values(), "labels"]:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out / name}.parquet')")
    query = definition_from_file(UTILITY).plan().render(dialect="duckdb", tables=SNAPSHOT_TABLES, as_of=as_of)
    con.register("results", con.sql(query.sql, params=query.params).to_arrow_table())
    con.execute("CREATE TABLE graded AS SELECT * FROM results JOIN labels USING (customer_id)")
    return con


def shares(con: duckdb.DuckDBPyConnection, column: str) -> dict[str, float]:
    rows = con.sql(f"SELECT {column}, count(*) / sum(count(*)) OVER () FROM graded GROUP BY 1").fetchall()
    return {str(value): share for value, share in rows}


@pytest.mark.parametrize(
    ("dimension", "values", "largest"),
    [
        ("value_tier", {"S", "A", "B", "C", "D"}, 0.35),
        ("churn_risk", {"high", "medium", "low"}, 0.95),  # about 7% of active customers drift
        ("lifecycle", {"prospect", "new", "growing", "mature", "at_risk", "churned"}, 0.9),
        ("customer_class", {"industry", "commerce", "agriculture", "household_low", "household_medium"}, 0.6),
    ],
)
def test_every_group_is_used_and_none_takes_nearly_everyone(
    graded: duckdb.DuckDBPyConnection, dimension: str, values: set[str], largest: float
) -> None:
    found = shares(graded, dimension)
    assert values <= set(found)
    assert max(found.values()) < largest


def test_value_tiers_come_close_to_their_shares(graded: duckdb.DuckDBPyConnection) -> None:
    found = shares(graded, "value_tier")
    for tier, share in {"S": 0.05, "A": 0.15, "B": 0.30, "C": 0.30, "D": 0.20}.items():
        assert abs(found[tier] - share) < 0.04, (tier, found)


def test_drifting_customers_concentrate_in_high_churn_risk(graded: duckdb.DuckDBPyConnection) -> None:
    [(drifting_high, others_high, drifters_in_high)] = graded.sql(
        "SELECT avg((churn_risk = 'high')::INT) FILTER (WHERE drifting), "
        "avg((churn_risk = 'high')::INT) FILTER (WHERE NOT drifting), "
        "avg(drifting::INT) FILTER (WHERE churn_risk = 'high') FROM graded"
    ).fetchall()
    assert drifting_high > 0.4
    assert drifting_high > 10 * others_high
    assert drifters_in_high > 0.5
