"""Grade schemes on SQLite, DuckDB and PostgreSQL give the bins, tiers, points and stages worked out by
hand for the eleven customers of `scheme_data.py`; one customer graded alone with the batch's population
values gets exactly the batch's grades."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from stratacrm.segmentation.compiler import Plan
from stratacrm.segmentation.definitions import GradingDefinition, definition_build
from stratacrm.segmentation.ruleset import ruleset_read

from . import scheme_data
from .engines import Engine
from .loading import loaded

DIALECTS = ["sqlite", "duckdb", "postgres"]

# Bins are ceil(5 × the share of customers whose value is as bad or worse), missing values in bin 1.
# Recency (months since the last bill, lower is better; customer 8 has none, so n = 10), worst first:
#   6 (1/10 → 1), 3 (2/10 → 1), 2 (3/10 → 2), 1 (4/10 → 2), 0 ×6 (10/10 → 5).
# Frequency (payments in 12 months, n = 11), ascending:
#   0 ×2 (2/11 → 1), 1 (3/11 → 2), 2 (4/11 → 2), 3 (5/11 → 3), 6 (6/11 → 3), 9 (7/11 → 4), 11 (8/11 → 4),
#   12 ×3 (11/11 → 5).
# Monetary (billed in 12 months, n = 11), ascending:
#   0 (1/11 → 1), 300 ×2 (3/11 → 2), 900 (4/11 → 2), 2000 (5/11 → 3), 3000 (6/11 → 3), 4000 (7/11 → 4),
#   5000 (8/11 → 4), 6000 ×2 (10/11 → 5), 12000 (11/11 → 5).
RFM = {  # customer: (recency, frequency, monetary, score)
    1: (5, 5, 5, 15),
    2: (5, 5, 5, 15),
    3: (2, 4, 4, 10),
    4: (5, 3, 3, 11),
    5: (1, 3, 2, 6),
    6: (5, 5, 5, 15),
    7: (1, 2, 2, 5),
    8: (1, 1, 1, 3),
    9: (5, 2, 3, 10),
    10: (2, 4, 4, 10),
    11: (5, 1, 2, 8),
}
# Scores best first: 15 15 15 11 10 10 10 8 6 5 3. S takes the best 20%: ceil(11 × 0.2) = 3 places, cut
# 15; A to 50%: 6 places, cut 10; B to 80%: 9 places, cut 6; C the rest. Ties share the better tier.
TIERS = {1: "S", 2: "S", 6: "S", 3: "A", 4: "A", 9: "A", 10: "A", 5: "B", 11: "B", 7: "C", 8: "C"}
THRESHOLD_TIERS = {c: "gold" if s >= 12 else "silver" if s >= 8 else "bronze" for c, (*_, s) in RFM.items()}
# few payments (< 4): 30, no bill for 2 months: 40 (customer 8's missing month count is not >= 2),
# small bills (< 1000): 10, a complaint in 90 days: 20.
SIGNALS = {  # customer: (few_payments, no_recent_bill, small_bills, complaints)
    1: (0, 0, 0, 0),
    2: (0, 0, 0, 0),
    3: (0, 0, 0, 0),
    4: (0, 0, 0, 20),
    5: (30, 40, 10, 0),
    6: (0, 0, 0, 0),
    7: (30, 40, 10, 0),
    8: (30, 0, 10, 0),
    9: (30, 0, 0, 20),
    10: (0, 40, 0, 0),
    11: (30, 0, 10, 0),
}
LEVELS = {c: "high" if sum(p) >= 70 else "medium" if sum(p) >= 30 else "low" for c, p in SIGNALS.items()}
STAGES = {1: "mature", 2: "mature", 3: "mature", 4: "mature", 5: "churned", 6: "mature", 7: "churned"}
STAGES |= {8: "prospect", 9: "at_risk", 10: "at_risk", 11: "won_back"}


@pytest.fixture(scope="module", params=DIALECTS)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    with loaded(request.param, scheme_data.rows()) as engine:
        if engine is None:
            pytest.skip("PostgreSQL is not reachable")
        yield engine


def run(
    engine: Engine, plan: Plan, *, as_of: dt.date = scheme_data.AS_OF, **render: Any
) -> list[dict[str, Any]]:
    """The plan's rows, numbers made comparable across engines."""
    rendered = plan.render(dialect=engine.dialect, tables=engine.tables, as_of=as_of, **render)
    return [{k: _plain(v) for k, v in row.items()} for row in engine.query(rendered)]


def _plain(value: object) -> object:
    return round(float(value), 9) if isinstance(value, Decimal | float) else value


def graded(engine: Engine, rules: str, *, as_of: dt.date = scheme_data.AS_OF) -> dict[int, dict[str, Any]]:
    definition = definition_build(ruleset_read(rules))
    return {row["customer_id"]: row for row in run(engine, definition.plan(), as_of=as_of)}


def population(engine: Engine, definition: GradingDefinition, as_of: dt.date = scheme_data.AS_OF) -> dict:
    [row] = engine.query(
        definition.plan().render_population(dialect=engine.dialect, tables=engine.tables, as_of=as_of)
    )
    return row


def test_rfm_bins_and_score_are_the_hand_computed_quintiles(engine: Engine) -> None:
    rows = graded(engine, scheme_data.RULES)
    found = {
        c: (r["value_score_recency"], r["value_score_frequency"], r["value_score_monetary"], r["value_score"])
        for c, r in rows.items()
    }
    assert found == RFM


def test_quantile_tiers_take_the_hand_computed_shares_with_ties_sharing_the_better_tier(
    engine: Engine,
) -> None:
    rows = graded(engine, scheme_data.RULES)
    assert {c: r["value_tier"] for c, r in rows.items()} == TIERS
    assert {c: r["value_tier__rule"] for c, r in rows.items() if r["value_tier"] == "C"} == {7: None, 8: None}


def test_threshold_tiers_cut_the_score_at_fixed_values(engine: Engine) -> None:
    rows = graded(engine, scheme_data.THRESHOLD_TIERS)
    assert {c: r["value_tier"] for c, r in rows.items()} == THRESHOLD_TIERS


def test_each_churn_signal_shows_its_own_points_and_the_level_follows_their_total(engine: Engine) -> None:
    rows = graded(engine, scheme_data.RULES)
    names = ("few_payments", "no_recent_bill", "small_bills", "complaints")
    found = {c: tuple(r[f"churn_signal_{n}"] for n in names) for c, r in rows.items()}
    assert found == SIGNALS
    assert {c: r["churn_points"] for c, r in rows.items()} == {c: sum(p) for c, p in SIGNALS.items()}
    assert {c: r["churn_risk"] for c, r in rows.items()} == LEVELS


def test_lifecycle_stages_follow_the_ordered_rules(engine: Engine) -> None:
    rows = graded(engine, scheme_data.RULES)
    assert {c: r["lifecycle"] for c, r in rows.items()} == STAGES


def test_a_churned_customer_billed_again_moves_back_to_won_back(engine: Engine) -> None:
    before = graded(engine, scheme_data.RULES, as_of=scheme_data.BEFORE_COMEBACK)
    after = graded(engine, scheme_data.RULES)
    assert (before[11]["lifecycle"], after[11]["lifecycle"]) == ("churned", "won_back")


def test_min_max_weighted_score_is_the_weighted_sum_of_scaled_metrics(engine: Engine) -> None:
    rows = graded(engine, scheme_data.WEIGHTED)
    # Billed from 0 to 12,000 and payments from 0 to 12 in the 12 months, scaled to 0..1.
    billed = {1: 12000, 2: 6000, 3: 5000, 4: 3000, 5: 900, 6: 6000, 7: 300, 8: 0, 9: 2000, 10: 4000, 11: 300}
    paid = {1: 12, 2: 12, 3: 11, 4: 6, 5: 3, 6: 12, 7: 1, 8: 0, 9: 2, 10: 9, 11: 0}
    expected = {c: round(0.7 * (billed[c] / 12000) + 0.3 * (paid[c] / 12), 9) for c in billed}
    assert {c: round(r["value_score"], 9) for c, r in rows.items()} == expected
    assert {c for c, r in rows.items() if r["value_tier"] == "high"} == {
        c for c, s in expected.items() if s >= 0.5
    }


def test_one_customer_graded_alone_with_the_batch_population_gets_the_batch_grades(engine: Engine) -> None:
    definition = definition_build(ruleset_read(scheme_data.RULES))
    values = population(engine, definition)
    plan = definition.plan()
    batch = {r["customer_id"]: r for r in run(engine, plan)}
    assert run(engine, plan, population=values) == list(batch.values())
    for customer in batch:
        [alone] = run(engine, plan, customer_ids=[customer], population=values)
        assert alone == batch[customer]


def test_grading_a_few_customers_without_population_values_is_refused() -> None:
    plan = definition_build(ruleset_read(scheme_data.RULES)).plan()
    with pytest.raises(ValueError, match="population values"):
        plan.render(dialect="duckdb", tables={}, as_of=scheme_data.AS_OF, customer_ids=[1])
