"""Laws of the value score on random data (DuckDB): a bin is `ceil(bins × CUME_DIST)` with missing values
in bin 1, a quantile tier holds the customers fewer than its cumulative share of customers beat, and a
customer graded alone with the batch's population values gets the batch's grades."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratacrm.segmentation.definitions import definition_build
from stratacrm.segmentation.ruleset import ruleset_read

from .loading import Rows, day, loaded

AS_OF = dt.date(2025, 6, 30)
SHARES = (("A", 25), ("B", 25), ("C", 50))
RULES = """\
metrics:
  - {{name: bills_12m, source: bills, aggregate: count, window: 12 months}}
schemes:
  value_score:
    recency: {{metric: months_since_last_bill}}
    frequency: {{metric: bills_12m}}
    monetary: {{metric: billed_amount_12m}}
    bins: {bins}
    tiers:
      quantiles: {{{quantiles}}}
"""
QUANTILES = ", ".join(f"{label}: {share}" for label, share in SHARES)
# A customer: the months before as_of it was billed in, and one amount for all its bills.
customers = st.lists(
    st.tuples(st.sets(st.integers(0, 5), max_size=3), st.sampled_from([100, 200, 300])),
    min_size=1,
    max_size=25,
)
# As many bins as customers or fewer, and more (then some cuts share a position).
bins_counts = st.sampled_from([3, 5, 40])


def rows(drawn: list[tuple[set[int], int]]) -> Rows:
    bills = [
        {"customer_id": c, "period": dt.date(2025, 6 - back, 1), "amount": Decimal(amount)}
        | {"kwh": Decimal("0"), "issued_on": day("2025-07-05"), "due_date": day("2025-07-20")}
        for c, (months, amount) in enumerate(drawn, start=1)
        for back in months
    ]
    return {
        "customers": [{"id": c, "account_number": f"H{c}"} for c in range(1, len(drawn) + 1)],
        "bills": bills,
    }


def bin_of(value: int | None, values: Sequence[int | None], *, bins: int, lower_is_better: bool) -> int:
    present = [v for v in values if v is not None]
    if value is None:
        return 1
    as_bad = sum(1 for v in present if (v >= value if lower_is_better else v <= value))
    return -(-bins * as_bad // len(present))  # ceil(bins × as_bad / n)


def expected(drawn: list[tuple[set[int], int]], bins: int) -> dict[int, tuple[float, str]]:
    recency = [min(months) if months else None for months, _ in drawn]
    frequency = [len(months) for months, _ in drawn]
    monetary = [len(months) * amount for months, amount in drawn]
    scores = [
        bin_of(r, recency, bins=bins, lower_is_better=True)
        + bin_of(f, frequency, bins=bins, lower_is_better=False)
        + bin_of(m, monetary, bins=bins, lower_is_better=False)
        for r, f, m in zip(recency, frequency, monetary, strict=True)
    ]
    grades = {}
    for c, score in enumerate(scores, start=1):
        better = Fraction(sum(1 for s in scores if s > score), len(scores))
        cumulative, tier = 0, SHARES[-1][0]
        for label, share in SHARES[:-1]:
            cumulative += share
            if better < Fraction(cumulative, 100):
                tier = label
                break
        grades[c] = (float(score), tier)
    return grades


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(customers, bins_counts)
def test_bins_and_quantile_tiers_follow_their_definitions_and_live_agrees(
    drawn: list[Any], bins: int
) -> None:
    definition = definition_build(ruleset_read(RULES.format(bins=bins, quantiles=QUANTILES)))
    plan = definition.plan()
    with loaded("duckdb", rows(drawn)) as engine:
        assert engine is not None
        batch = engine.query(plan.render(dialect="duckdb", tables=engine.tables, as_of=AS_OF))
        assert {r["customer_id"]: (r["value_score"], r["value_tier"]) for r in batch} == expected(drawn, bins)
        [population] = engine.query(
            plan.render_population(dialect="duckdb", tables=engine.tables, as_of=AS_OF)
        )
        for row in (batch[0], batch[-1]):
            alone = engine.query(
                plan.render(
                    dialect="duckdb",
                    tables=engine.tables,
                    as_of=AS_OF,
                    customer_ids=[row["customer_id"]],
                    population=population,
                )
            )
            assert alone == [row]
