"""The text form: parsed by sqlglot into the tree, only whitelisted forms accepted, errors located."""

from __future__ import annotations

import pytest
from hypothesis import given

from stratacrm.segmentation.conditions import Condition, ConditionError, Group, Leaf, normalize
from stratacrm.segmentation.text import parse, to_text

from .strategies import FIELDS, PROPERTY, trees


def read(text: str) -> Condition:
    return parse(text, fields=FIELDS)


@PROPERTY
@given(trees())
def test_tree_to_text_and_back_gives_the_normalized_tree(tree: Condition) -> None:
    assert read(to_text(tree)) == normalize(tree)


@PROPERTY
@given(trees())
def test_text_to_tree_to_text_to_tree_is_stable(tree: Condition) -> None:
    text = to_text(tree)
    first = read(text)
    assert read(to_text(first)) == first
    assert to_text(read(to_text(first))) == to_text(first)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        (
            "amount_12m > 10000 AND customer_type IN ('commercial', 'industrial')",
            Group(
                "AND",
                (Leaf("amount_12m", ">", 10000), Leaf("customer_type", "in", ("commercial", "industrial"))),
            ),
        ),
        ("NOT contact_form_filled", Leaf("contact_form_filled", "is_true", negated=True)),
        (
            "interactions_30d > 5 OR (complaints_90d >= 2 AND late_days_max_12m > 30)",
            Group(
                "OR",
                (
                    Leaf("interactions_30d", ">", 5),
                    Group("AND", (Leaf("complaints_90d", ">=", 2), Leaf("late_days_max_12m", ">", 30))),
                ),
            ),
        ),
        ("nps_last BETWEEN 1 AND 5", Leaf("nps_last", "between", (1, 5))),
        ("csat_mean_12m IS NULL", Leaf("csat_mean_12m", "is_null")),
        ("csat_mean_12m is not null", Leaf("csat_mean_12m", "is_not_null")),
        ("city NOT IN ('A', 'B')", Leaf("city", "not_in", ("A", "B"))),
        ("NOT (city IN ('A'))", Leaf("city", "not_in", ("A",))),
        ("10000 < amount_12m", Leaf("amount_12m", ">", 10000)),
        ("kwh_yoy_change <= -0.25", Leaf("kwh_yoy_change", "<=", -0.25)),
        ("Amount_12M <> 1.5e3", Leaf("Amount_12M".lower(), "!=", 1500.0)),
        ("contact_form_filled = FALSE", Leaf("contact_form_filled", "=", False)),
        ("contains(city, '杭')", Leaf("city", "contains", "杭")),
        ("STARTS_WITH(industry, 'it''s')", Leaf("industry", "starts_with", "it's")),
        ("((interactions_30d > 5))", Leaf("interactions_30d", ">", 5)),
    ],
)
def test_the_text_forms_parse_into_the_tree(text: str, tree: Condition) -> None:
    assert read(text) == tree


@pytest.mark.parametrize(
    ("text", "message", "position", "suggestion"),
    [
        ("amont_12m > 10000", "unknown name 'amont_12m'", 0, "amount_12m"),
        ("amount_12m > 1 AND intractions_30d > 5", "unknown name 'intractions_30d'", 19, "interactions_30d"),
        ("upper(city) = 'X'", "functions are not allowed: upper", 0, None),
        ("amount_12m > abs(-1)", "functions are not allowed: abs", 13, None),
        ("amount_12m > (SELECT 1)", "subqueries are not allowed", 21, None),
        ("city IN (SELECT city FROM customers_customer)", "subqueries are not allowed", 0, None),
        ("EXISTS (SELECT 1)", "subqueries are not allowed", None, None),
        ("amount_12m > 1; DROP TABLE customers_customer", "one condition only", 14, None),
        ("amount_12m > 1 -- and more", "comments are not allowed", None, None),
        ("amount_12m + 1 > 2", "arithmetic is not allowed", 0, None),
        ("amount_12m > arrears", "comparing two names is not supported", 13, None),
        ('city = "Hangzhou"', "put text in single quotes", 7, "'Hangzhou'"),
        ("amount_12m = NULL", "IS NULL", 0, None),
        ("city LIKE 'H%'", "use contains", 0, None),
        ("customers.city = 'A'", "qualified names are not allowed", 0, None),
        ("customer_type > 'a'", "> does not apply", 0, None),
        ("amount_12m > 'a lot'", "is a number: 'a lot' is not", 0, None),
        ("amount_12m >", "cannot parse the condition near '>'", 11, None),
        ("amount_12m > 1 AND", "cannot parse", None, None),
        ("city = 'Hangzhou", "is a quote not closed", 7, None),
        ("1 = 1", "expected a name here", 0, None),
        ("1 OR 1 = 1", "a condition needs a name", 0, None),
        ("amount_12m", "amount_12m is a number: is_true does not apply", 0, None),
        ("   ", "empty", 0, None),
    ],
)
def test_refusals_name_the_problem_and_where_it_is(
    text: str, message: str, position: int | None, suggestion: str | None
) -> None:
    with pytest.raises(ConditionError, match=message.replace("(", r"\(")) as raised:
        read(text)
    if position is not None:
        assert raised.value.position == position
    assert raised.value.suggestion == suggestion


def test_unknown_name_error_reads_like_a_hint() -> None:
    with pytest.raises(ConditionError) as raised:
        read("amont_12m > 10000")
    assert str(raised.value) == "unknown name 'amont_12m'; did you mean amount_12m? (at position 0)"


def test_overlong_and_overdeep_text_is_refused() -> None:
    with pytest.raises(ConditionError, match="at most 10000 characters"):
        read("amount_12m > 1 OR " * 600 + "amount_12m > 1")
    with pytest.raises(ConditionError, match="nest at most"):
        read("(" * 40 + "amount_12m > 1" + ")" * 40)


def test_to_text_writes_the_readable_spelling() -> None:
    tree = read("NOT (city IS NOT NULL AND nps_last NOT BETWEEN 0 AND 6) OR NOT contains(city, 'x')")
    assert (
        to_text(tree) == "NOT (city IS NOT NULL AND nps_last NOT BETWEEN 0 AND 6) OR NOT contains(city, 'x')"
    )
