"""The metric catalog: built-ins, custom metrics and their checks, windows relative to as_of."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from stratacrm.segmentation.catalog import DERIVED, Catalog, Metric, define_metric
from stratacrm.segmentation.conditions import ConditionError, Group, Leaf
from stratacrm.segmentation.fields import check_condition
from stratacrm.segmentation.library import BUILTIN_CATALOG
from stratacrm.segmentation.sources import CUSTOMERS, EVENT_SOURCES
from stratacrm.segmentation.windows import Window, window_parse

ATTRIBUTES = [
    *("customer_type", "industry", "province", "city", "district", "size", "status", "credit_grade"),
    *("important_grade", "source_channel", "contact_form_filled", "preferred_channel"),
]
REQUIRED_METRICS = [
    *("avg_monthly_kwh_12m", "kwh_yoy_change", "kwh_drop_seasonal", "peak_share_12m", "billed_amount_12m"),
    *("amount_12m", "payments_12m", "late_days_max_12m", "late_days_mean_12m", "arrears", "interactions_30d"),
    *("interactions_90d", "days_since_last_interaction", "complaints_90d", "complaints_12m", "open_tickets"),
    *(
        "csat_mean_12m",
        "nps_last",
        "tenure_months",
        "months_since_last_bill",
        "recency_days",
        "frequency_12m",
    ),
    *("monetary_12m", "consumption_band"),
]


def test_the_catalog_has_the_required_metrics_and_attributes() -> None:
    for name in REQUIRED_METRICS + ATTRIBUTES:
        assert name in BUILTIN_CATALOG, name
    metrics = [m for m in BUILTIN_CATALOG.metrics.values() if m.source != CUSTOMERS or m.aggregate != "value"]
    assert len(metrics) >= 20
    assert {m.source for m in metrics} >= {*EVENT_SOURCES, CUSTOMERS, DERIVED}


def test_every_metric_is_described_in_english_and_chinese() -> None:
    for metric in BUILTIN_CATALOG.metrics.values():
        assert metric.description_en and metric.description_zh, metric.name


def test_an_alias_names_the_same_metric() -> None:
    assert BUILTIN_CATALOG.resolve("amount_12m") is BUILTIN_CATALOG.resolve("billed_amount_12m")
    assert BUILTIN_CATALOG.fields["amount_12m"].kind == "number"


def test_counts_and_sums_default_to_zero_and_the_rest_may_be_missing() -> None:
    assert not BUILTIN_CATALOG.nullable("interactions_30d")
    assert not BUILTIN_CATALOG.nullable("arrears")  # a difference of two sums
    assert not BUILTIN_CATALOG.nullable("contact_form_filled")
    assert not BUILTIN_CATALOG.nullable("tenure_months")
    for name in ("csat_mean_12m", "nps_last", "kwh_yoy_change", "consumption_band", "city", "recency_days"):
        assert BUILTIN_CATALOG.nullable(name), name


def test_metrics_are_ordered_inputs_first() -> None:
    names = [m.name for m in BUILTIN_CATALOG.ordered(["consumption_band"])]
    inputs = ["kwh_12m", "months_with_consumption_12m", "avg_monthly_kwh_12m", "customer_type"]
    assert names == [*inputs, "consumption_band"]


def test_a_cycle_or_a_missing_input_is_refused() -> None:
    with pytest.raises(ConditionError, match="depends on itself"):
        Catalog(
            [
                Metric("a", DERIVED, "ratio", inputs=("b", "b")),
                Metric("b", DERIVED, "ratio", inputs=("a", "a")),
            ]
        )
    with pytest.raises(ConditionError, match="unknown metric 'nope'"):
        Catalog([Metric("a", DERIVED, "ratio", inputs=("nope", "nope"))])
    with pytest.raises(ConditionError, match="used twice"):
        BUILTIN_CATALOG.extend(Metric("x", "bills", "count", aliases=("amount_12m",)))


def custom(**fields: Any) -> Metric:
    return define_metric(catalog=BUILTIN_CATALOG, **fields)


def test_a_custom_metric_is_defined_from_plain_words() -> None:
    metric = custom(
        name="complaints_30d",
        source="tickets",
        aggregate="count",
        filter="kind = 'complaint'",
        window="30 days",
    )
    assert metric.filter == Leaf("kind", "=", "complaint")
    assert metric.window == Window("days", 1, 30)
    assert metric.kind == "integer"
    assert custom(name="avg_nps", source="survey_responses", aggregate="avg(nps)").kind == "number"
    assert (
        custom(name="csat_sum", source="survey_responses", aggregate="sum", column="csat").kind == "integer"
    )
    assert custom(name="n", source="bills", aggregate="count(*)").column is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "x", "source": "bill", "aggregate": "count"}, "unknown source 'bill'.*did you mean bills"),
        (
            {"name": "x", "source": "bills", "aggregate": "summ(amount)"},
            "unknown aggregate 'summ'.*did you mean sum",
        ),
        ({"name": "x", "source": "bills", "aggregate": "median", "column": "amount"}, "unknown aggregate"),
        ({"name": "x", "source": "bills", "aggregate": "sum"}, "sum needs a column of bills"),
        (
            {"name": "x", "source": "tickets", "aggregate": "sum(kind)"},
            "needs a numeric column; tickets.kind is text",
        ),
        (
            {"name": "x", "source": "bills", "aggregate": "sum(amont)"},
            "no column 'amont'; did you mean amount",
        ),
        ({"name": "x", "source": "bills", "aggregate": "sum(amount)", "column": "kwh"}, "not both"),
        (
            {"name": "x", "source": "tickets", "aggregate": "count", "filter": "knd = 'x'"},
            "did you mean kind",
        ),
        (
            {"name": "x", "source": "tickets", "aggregate": "count", "filter": "opened_at > 1"},
            "a time: > does not",
        ),
        ({"name": "x", "source": "tickets", "aggregate": "count", "window": "a fortnight"}, "unknown window"),
        ({"name": "x", "source": "tickets", "aggregate": "count", "window": "0 days"}, "from 1 to 3660"),
        ({"name": "x", "source": "tickets", "aggregate": "count", "time_column": "kind"}, "no date or time"),
        ({"name": "amount_12m", "source": "bills", "aggregate": "count"}, "already exists"),
        ({"name": "customer_id", "source": "bills", "aggregate": "count"}, "already exists"),
        ({"name": "Total Amount", "source": "bills", "aggregate": "count"}, "not a valid metric name"),
        ({"name": "x", "source": "customers", "aggregate": "count"}, "unknown source 'customers'"),
    ],
)
def test_custom_metric_mistakes_are_explained(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        custom(**fields)


@pytest.mark.parametrize(
    ("text", "window", "bounds"),
    [
        ("30 days", Window("days", 1, 30), ("2025-06-01", "2025-07-01")),
        ("90 days", Window("days", 1, 90), ("2025-04-02", "2025-07-01")),
        ("12 months", Window("months", 1, 12), ("2024-07-01", "2025-07-01")),
        ("1 month", Window("months", 1, 1), ("2025-06-01", "2025-07-01")),
        ("months 13..15", Window("months", 13, 15), ("2024-04-01", "2024-07-01")),
        ("Months 13 .. 24", Window("months", 13, 24), ("2023-07-01", "2024-07-01")),
        ("days 31..60", Window("days", 31, 60), ("2025-05-02", "2025-06-01")),
    ],
)
def test_windows_end_with_the_as_of_day_included(text: str, window: Window, bounds: tuple[str, str]) -> None:
    assert window_parse(text) == window
    start, stop = window.bounds(dt.date(2025, 6, 30))
    assert (start.isoformat(), stop.isoformat()) == bounds
    assert window_parse(str(window)) == window


def test_month_windows_clamp_to_shorter_months() -> None:
    assert Window("months", 1, 1).bounds(dt.date(2025, 3, 30)) == (dt.date(2025, 2, 28), dt.date(2025, 3, 31))
    assert Window("months", 1, 12).bounds(dt.date(2024, 2, 28)) == (
        dt.date(2023, 2, 28),
        dt.date(2024, 2, 29),
    )


def test_all_history_has_no_window() -> None:
    assert window_parse("all") is None
    assert window_parse(None) is None


def test_a_tree_is_checked_against_the_catalog_with_the_path_and_a_suggestion() -> None:
    tree = Group("OR", (Leaf("interactions_30d", ">", 5), Group("AND", (Leaf("amont_12m", ">", 1),))))
    with pytest.raises(ConditionError) as raised:
        check_condition(tree, fields=BUILTIN_CATALOG.fields)
    assert raised.value.path == (1, 0)
    assert raised.value.suggestion == "amount_12m"
    assert "did you mean amount_12m" in str(raised.value)


@pytest.mark.parametrize(
    ("leaf", "message"),
    [
        (Leaf("amount_12m", ">", "10000"), "amount_12m is a number: '10000' is not"),
        (Leaf("amount_12m", ">", True), "is a number: True is not"),
        (Leaf("customer_type", ">", "a"), "customer_type is text: > does not apply"),
        (Leaf("contact_form_filled", "=", 1), "true or false: 1 is not"),
        (Leaf("interactions_30d", "contains", "5"), "contains does not apply"),
        (Leaf("interactions_30d", "between", (5, 1)), "low value first"),
        (Leaf("consumption_band", "=", "hgh"), "has no value 'hgh'; did you mean 'high'"),
    ],
)
def test_values_must_fit_the_kind_of_their_name(leaf: Leaf, message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        check_condition(leaf, fields=BUILTIN_CATALOG.fields)


def test_the_language_guide_lists_every_built_in_name() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "segmentation-language.md").read_text(encoding="utf-8")
    for name in [*BUILTIN_CATALOG.metrics, "amount_12m"]:
        assert f"`{name}`" in guide, name
