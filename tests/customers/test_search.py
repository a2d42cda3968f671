"""Searching customers by a piece of the name: the same answers whatever the index behind it."""

import pytest

from stratacrm.customers.selectors import CustomerFilters, customer_filtered
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketing():
    return factories.user(role="marketing_manager")


def found(user, q: str) -> list[str]:
    rows = customer_filtered(user=user, filters=CustomerFilters(q=q)).order_by("account_number")
    return list(rows.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("伟", ["张伟明", "李伟"]),  # one character, anywhere in the name
        ("伟明", ["张伟明"]),  # two characters, not at the start
        ("明伟", []),  # the same characters in another order do not match
        ("张伟明", ["张伟明"]),  # three or more characters (trigrams on PostgreSQL)
        ("harbour", ["Harbour Foods"]),  # any case
        ("ou", ["Harbour Foods"]),
        ("zz", []),
    ],
)
def test_a_name_is_found_by_any_piece_of_it_in_order(marketing, q, names):
    for number, name in enumerate(("张伟明", "李伟", "王明", "Harbour Foods")):
        factories.customer(account_number=f"S{number}", name=name)
    assert found(marketing, q) == names
