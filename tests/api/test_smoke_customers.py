"""Customers through the API: list, detail, create, update with versions, unmask, export."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_list_filters_and_pages_with_a_cursor(clients):
    for n in range(5):
        factories.customer(account_number=f"A{n:03d}", customer_type="commercial" if n % 2 else "residential")
    client = clients["marketing_manager"]
    first = client.get("/api/customers?limit=2").json()
    assert [c["account_number"] for c in first["items"]] == ["A000", "A001"]
    second = client.get(f"/api/customers?limit=2&cursor={first['next_cursor']}").json()
    assert [c["account_number"] for c in second["items"]] == ["A002", "A003"]
    commercial = client.get("/api/customers?customer_type=commercial").json()
    assert {c["account_number"] for c in commercial["items"]} == {"A001", "A003"}
