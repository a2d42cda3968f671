"""Hypothesis strategies for condition trees over a few fields of each kind."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

from stratacrm.segmentation.conditions import Condition, Group, Leaf
from stratacrm.segmentation.fields import Field, Kind

NUMBER_KEYS = ("amount_12m", "csat_mean_12m", "kwh_yoy_change")
INTEGER_KEYS = ("interactions_30d", "nps_last", "late_days_max_12m")
TEXT_KEYS = ("customer_type", "city", "industry")
BOOLEAN_KEYS = ("contact_form_filled",)


def _fields(kind: Kind, *names: str) -> dict[str, Field]:
    return {name: Field(name, kind) for name in names}


# A namespace like the catalog's, for tests of the condition language alone.
FIELDS = (
    _fields("number", *NUMBER_KEYS, "arrears")
    | _fields("integer", *INTEGER_KEYS, "complaints_90d")
    | _fields("text", *TEXT_KEYS)
    | _fields("boolean", *BOOLEAN_KEYS)
)
# Shared machines run slowly at times; a deadline would make these tests flaky, not stricter.
PROPERTY = settings(deadline=None)


def _leaf(key: str, values: st.SearchStrategy, operators: tuple[str, ...]) -> st.SearchStrategy[Leaf]:
    def build(operator: str, draw_values: list, negated: bool) -> Leaf:
        if operator in ("is_null", "is_not_null", "is_true"):
            value = None
        elif operator in ("in", "not_in"):
            value = tuple(draw_values)
        elif operator == "between":
            low, high = sorted(draw_values[:2]) if len(draw_values) > 1 else (draw_values[0], draw_values[0])
            value = (low, high)
        else:
            value = draw_values[0]
        return Leaf(key, operator, value, negated)  # type: ignore[arg-type]

    return st.builds(
        build, st.sampled_from(operators), st.lists(values, min_size=1, max_size=3), st.booleans()
    )


def leaves(
    *,
    numbers: st.SearchStrategy | None = None,
    integers: st.SearchStrategy | None = None,
    texts: st.SearchStrategy | None = None,
) -> st.SearchStrategy[Leaf]:
    if numbers is None:
        numbers = st.one_of(st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False))
    if integers is None:
        integers = st.integers(-(10**6), 10**6)
    if texts is None:
        texts = st.text(min_size=1, max_size=20)
    compare = ("=", "!=", ">", ">=", "<", "<=", "in", "not_in", "between", "is_null", "is_not_null")
    text_ops = ("=", "!=", "in", "not_in", "contains", "starts_with", "is_null", "is_not_null")
    return st.one_of(
        st.sampled_from(NUMBER_KEYS).flatmap(lambda k: _leaf(k, numbers, compare)),
        st.sampled_from(INTEGER_KEYS).flatmap(lambda k: _leaf(k, integers, compare)),
        st.sampled_from(TEXT_KEYS).flatmap(lambda k: _leaf(k, texts, text_ops)),
        st.sampled_from(BOOLEAN_KEYS).flatmap(
            lambda k: _leaf(k, st.booleans(), ("is_true", "=", "!=", "is_null"))
        ),
    )


def trees(
    leaf: st.SearchStrategy[Leaf] | None = None, *, max_leaves: int = 8
) -> st.SearchStrategy[Condition]:
    def group(children: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
        return st.builds(
            Group,
            st.sampled_from(["AND", "OR"]),
            st.lists(children, min_size=1, max_size=3).map(tuple),
            st.booleans(),
        )

    return st.recursive(leaves() if leaf is None else leaf, group, max_leaves=max_leaves)
