"""Laws that hold for every condition: a condition and its negation partition the customers, on every
engine, whatever values are missing (a leaf on a missing value is false; NOT is its complement)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stratacrm.segmentation.compiler import Branch, Dimension, compile_plan
from stratacrm.segmentation.conditions import Condition, Group
from stratacrm.segmentation.library import BUILTIN_CATALOG

from . import dataset
from .engines import Engine
from .strategies import PROPERTY, leaves, trees

# Values near the data set's, so that conditions hold for some customers and not for others.
PLAUSIBLE = trees(
    leaves(
        numbers=st.sampled_from([-0.5, 0, 0.3, 3, 3.5, 5000, 10000, 12000.5]),
        integers=st.integers(-1, 8),
        texts=st.sampled_from(["Hangzhou", "Ningbo", "steel", "commercial", "residential", "an", "x'); --"]),
    ),
    max_leaves=5,
)


@pytest.fixture(scope="module", params=["sqlite", "duck"])
def local(request: pytest.FixtureRequest) -> Engine:
    return request.getfixturevalue(request.param)


@PROPERTY
@given(condition=PLAUSIBLE)
def test_a_condition_and_its_negation_partition_the_customers(local: Engine, condition: Condition) -> None:
    negation = Group("AND", (condition,), negated=True)
    dimension = Dimension("law", "tags", (Branch("yes", condition), Branch("no", negation)))
    plan = compile_plan(catalog=BUILTIN_CATALOG, metrics=[], dimensions=(dimension,))
    rows = local.run(plan, catalog=BUILTIN_CATALOG)
    assert [row["customer_id"] for row in rows] == dataset.CUSTOMER_IDS
    assert all(row["law__1"] != row["law__2"] for row in rows)
