"""The condition tree: JSON round trip, shape checks, normalization."""

from __future__ import annotations

import json

import pytest
from hypothesis import given

from stratacrm.segmentation.conditions import ConditionError, Group, Leaf, from_json, keys, negate, normalize

from .strategies import PROPERTY, trees


@PROPERTY
@given(trees())
def test_json_round_trip_gives_the_same_tree(tree: Group | Leaf) -> None:
    assert from_json(json.loads(json.dumps(tree.to_json()))) == tree


@PROPERTY
@given(trees())
def test_normalize_is_idempotent_and_keeps_the_keys(tree: Group | Leaf) -> None:
    once = normalize(tree)
    assert normalize(once) == once
    assert keys(once) == keys(tree)


@PROPERTY
@given(trees())
def test_negating_twice_gives_the_normalized_tree(tree: Group | Leaf) -> None:
    assert negate(negate(tree)) == normalize(tree)


def test_json_form_is_what_a_rule_builder_edits() -> None:
    tree = Group(
        "AND", (Leaf("amount_12m", ">", 10000), Leaf("customer_type", "in", ("commercial", "industrial")))
    )
    assert tree.to_json() == {
        "op": "AND",
        "negated": False,
        "children": [
            {"key": "amount_12m", "operator": ">", "value": 10000, "negated": False},
            {
                "key": "customer_type",
                "operator": "in",
                "value": ["commercial", "industrial"],
                "negated": False,
            },
        ],
    }


@pytest.mark.parametrize(
    ("data", "message", "path"),
    [
        (
            {"op": "AND", "children": [{"key": "x", "operator": "~", "value": 1}]},
            "unknown operator '~'",
            (0,),
        ),
        ({"op": "XOR", "children": [{"key": "x", "operator": "is_null"}]}, "a group is AND or OR", ()),
        ({"op": "OR", "children": []}, "at least one condition", ()),
        ({"key": "X-1", "operator": "is_null"}, "not a valid name", ()),
        ({"key": "x", "operator": "between", "value": [1]}, "two values", ()),
        ({"key": "x", "operator": "in", "value": 3}, "needs a list", ()),
        ({"key": "x", "operator": "in", "value": []}, "1 to 1000 values", ()),
        ({"key": "x", "operator": "=", "value": {"a": 1}}, "text, a number or true/false", ()),
        ({"key": "x", "operator": "is_null", "value": 1}, "takes no value", ()),
        ({"key": "x", "operator": "contains", "value": ""}, "non-empty text", ()),
        ({"key": "x", "operator": "=", "value": 1, "sql": "DROP"}, "unexpected field 'sql'", ()),
        ({"op": "AND", "children": [{"op": "OR", "children": ["x"]}]}, "a JSON object", (0, 0)),
        ("amount_12m > 5", "a JSON object", ()),
    ],
)
def test_malformed_json_is_refused_with_the_path_of_the_node(data: object, message: str, path: tuple) -> None:
    with pytest.raises(ConditionError, match=message) as raised:
        from_json(data)
    assert (raised.value.path or ()) == path


def test_deep_nesting_is_refused() -> None:
    data: dict = {"key": "x", "operator": "is_null"}
    for _ in range(40):
        data = {"op": "AND", "children": [data]}
    with pytest.raises(ConditionError, match="nest at most"):
        from_json(data)


def test_normalize_spells_negations_positively_and_flattens() -> None:
    tree = Group(
        "AND",
        (
            Leaf("a", "in", (1,), negated=True),
            Group(
                "AND",
                (Leaf("b", "is_null", negated=True), Group("OR", (Leaf("c", "is_true"),), negated=True)),
            ),
        ),
    )
    assert normalize(tree) == Group(
        "AND", (Leaf("a", "not_in", (1,)), Leaf("b", "is_not_null"), Leaf("c", "is_true", negated=True))
    )
