"""Filter and search values are bound parameters: SQL-looking input finds nothing extra and breaks nothing."""

import pytest

from tests import factories

from .conftest import ApiClient, role_user

pytestmark = pytest.mark.django_db

ATTEMPTS = [
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE customers_customer; --",
    "%",
    "_",
    "1) OR (1=1",
    "\\' OR 1=1 #",
    "张' UNION SELECT password FROM accounts_user --",
]


@pytest.mark.parametrize("value", ATTEMPTS)
@pytest.mark.parametrize("param", ["q", "region", "city", "tag", "customer_type", "status"])
def test_injection_attempts_in_filters_return_nothing_extra(param, value):
    manager = role_user("account_manager")
    factories.customer(account_number="OWN1", name="Own", owner=manager)
    factories.customer(account_number="OTHER1", name="Other")
    response = ApiClient(manager).get("/api/customers", {param: value})
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert [c["account_number"] for c in response.json()["items"]] in ([], ["OWN1"])
        if param != "q":
            assert response.json()["items"] == []


def test_wildcards_are_literal_in_search():
    admin = role_user("administrator")
    factories.customer(account_number="W1", name="100% Green")
    factories.customer(account_number="W2", name="Plain")
    client = ApiClient(admin)
    assert [c["account_number"] for c in client.get("/api/customers", {"q": "%"}).json()["items"]] == ["W1"]
    assert client.get("/api/customers", {"q": "_"}).json()["items"] == []


def test_a_nul_character_is_refused_not_a_server_error():
    client = ApiClient(role_user("administrator"))
    assert client.get("/api/customers", {"q": "a\x00b"}).status_code == 422
    response = client.post_json(
        "/api/customers", {"account_number": "X\x00", "name": "n", "customer_type": "residential"}
    )
    assert response.status_code == 422
