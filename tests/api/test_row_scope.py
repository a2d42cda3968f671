"""An account manager reaches only its own customers (or its team's / region's), through every read and write.

Outside the scope a customer answers 404, exactly like one that does not exist.
"""

import pytest
from django.test import override_settings

from stratacrm.accounts.models import Role
from stratacrm.customers.selectors import CustomerFilters, customer_count, customer_scope
from tests import factories

from .conftest import ApiClient, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_managers():
    me = role_user(Role.ACCOUNT_MANAGER, team="north", region="Zhejiang")
    other = role_user(Role.ACCOUNT_MANAGER, team="south", region="Hunan")
    mine = factories.customer(account_number="MINE1", name="My Farm", owner=me, province="Hunan")
    theirs = factories.customer(account_number="THEIRS1", name="Their Farm", owner=other, province="Zhejiang")
    return me, other, mine, theirs


def test_agent_cannot_see_list_count_or_search_another_agents_customer(two_managers):
    me = two_managers[0]
    client = ApiClient(me)
    listed = [c["account_number"] for c in client.get("/api/customers").json()["items"]]
    assert listed == ["MINE1"]
    assert client.get("/api/customers?q=THEIRS").json()["items"] == []
    assert client.get("/api/customers?q=Farm").json()["items"][0]["account_number"] == "MINE1"
    assert customer_count(user=me, filters=CustomerFilters()) == 1
    export = b"".join(client.get("/api/customers/export").streaming_content).decode()  # type: ignore[attr-defined]
    assert "MINE1" in export and "THEIRS1" not in export


def test_another_agents_customer_is_not_found_rather_than_forbidden(two_managers):
    me, theirs = two_managers[0], two_managers[3]
    client = ApiClient(me)
    missing = client.get("/api/customers/999999")
    for response in (
        client.get(f"/api/customers/{theirs.pk}"),
        client.get(f"/api/customers/{theirs.pk}/bills"),
        client.patch_json(f"/api/customers/{theirs.pk}", {"version": 1, "name": "taken"}),
        client.post_json(f"/api/customers/{theirs.pk}/unmask", {"fields": ["phone"]}),
        client.post_json(
            f"/api/customers/{theirs.pk}/interactions",
            {"channel": "phone", "direction": "outbound", "occurred_at": "2025-03-01T10:00:00+08:00"},
        ),
    ):
        assert response.status_code == 404
        assert response.json() == missing.json()
    theirs.refresh_from_db()
    assert theirs.name == "Their Farm" and theirs.version == 1


def test_agent_cannot_move_its_customer_out_of_reach(two_managers):
    me, other, mine, _ = two_managers
    response = ApiClient(me).patch_json(f"/api/customers/{mine.pk}", {"version": 1, "owner_id": other.pk})
    assert response.status_code == 422
    mine.refresh_from_db()
    assert mine.owner == me and mine.version == 1


def test_team_scope_reaches_the_teams_customers(two_managers):
    me, mine = two_managers[0], two_managers[2]
    teammate = role_user(Role.ACCOUNT_MANAGER, team="north")
    shared = factories.customer(account_number="TEAM1", owner=teammate)
    with override_settings(STRATA_ACCOUNT_MANAGER_SCOPE="team"):
        assert set(customer_scope(user=me)) == {mine, shared}
        assert ApiClient(me).get(f"/api/customers/{shared.pk}").status_code == 200
    assert set(customer_scope(user=me)) == {mine}


def test_region_scope_reaches_the_customers_of_the_region(two_managers):
    me, _, _, theirs = two_managers
    with override_settings(STRATA_ACCOUNT_MANAGER_SCOPE="region"):
        assert list(customer_scope(user=me)) == [theirs]


def test_without_a_team_the_team_scope_falls_back_to_own():
    loner = role_user(Role.ACCOUNT_MANAGER)
    own = factories.customer(owner=loner)
    with override_settings(STRATA_ACCOUNT_MANAGER_SCOPE="team"):
        assert list(customer_scope(user=loner)) == [own]


@pytest.mark.parametrize("role", ["administrator", "marketing_manager", "analyst", "auditor"])
def test_other_roles_reach_every_customer(role, two_managers):
    assert customer_scope(user=role_user(role)).count() == 2
