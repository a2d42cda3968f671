"""Assignments, grade history and explanations through the API: row scope (404 outside it), masking for
analysts, filters and pages; and the customer list filtered by group, tier, lifecycle stage and risk."""

from __future__ import annotations

import pytest
from django.db.models import Count

from stratacrm.accounts.masking import pseudonym
from stratacrm.accounts.models import Role, User
from stratacrm.customers.models import Customer
from stratacrm.segmentation.models import Assignment, AssignmentChange

from .conftest import ApiClient, role_user

pytestmark = pytest.mark.django_db


def _manager() -> User:
    return User.objects.annotate(n=Count("owned_customers")).order_by("-n").first()  # type: ignore[return-value]


def _ids(client: ApiClient, url: str) -> set[int]:
    found: set[int] = set()
    while url:
        page = client.get(url)
        assert page.status_code == 200, page.content
        body = page.json()
        found |= {item["id"] for item in body["items"]}
        url = f"{url.split('&cursor=')[0]}&cursor={body['next_cursor']}" if body["next_cursor"] else ""
    return found


def test_every_role_reads_assignments_only_within_its_scope(utility):
    manager = _manager()
    own = set(Customer.objects.filter(owner=manager).values_list("pk", flat=True))
    for role in Role.values:
        user = manager if role == Role.ACCOUNT_MANAGER else role_user(role)
        body = ApiClient(user, scopes=("read",)).get("/api/assignments?dimension=lifecycle&limit=500").json()
        seen = {item["customer"]["id"] for item in body["items"]}
        if role == Role.ACCOUNT_MANAGER:
            assert seen == own and len(seen) < Customer.objects.count()
        else:
            assert len(seen) == Customer.objects.count()
        assert {item["dimension"] for item in body["items"]} == {"lifecycle"}


def test_assignments_filter_by_value_and_page_with_a_cursor(utility):
    client = ApiClient(role_user(Role.MARKETING_MANAGER))
    expected = set(
        Assignment.objects.filter(dimension="churn_risk", value="low").values_list("customer_id", flat=True)
    )
    seen: set[int] = set()
    url = "/api/assignments?dimension=churn_risk&value=low&limit=7"
    while url:
        body = client.get(url).json()
        assert len(body["items"]) <= 7 and all(i["value"] == "low" for i in body["items"])
        seen |= {i["customer"]["id"] for i in body["items"]}
        url = f"/api/assignments?dimension=churn_risk&value=low&limit=7&cursor={body['next_cursor']}"
        url = url if body["next_cursor"] else ""
    assert seen == expected and len(expected) > 7


def test_analysts_see_a_pseudonym_for_a_persons_name(utility):
    person = Customer.objects.filter(customer_type="residential").first()
    assert person is not None
    url = f"/api/assignments?customer={person.pk}"
    shown = ApiClient(role_user(Role.ANALYST)).get(url).json()["items"][0]["customer"]
    assert shown["name"] == pseudonym(person.account_number) != person.name
    assert ApiClient(role_user(Role.AUDITOR)).get(url).json()["items"][0]["customer"]["name"] == person.name
    explained = ApiClient(role_user(Role.ANALYST)).get(f"/api/customers/{person.pk}/grades/explain").json()
    assert explained["customer"]["name"] == pseudonym(person.account_number)


def test_history_and_explanation_of_a_customer_outside_the_scope_are_not_found(utility):
    manager = _manager()
    own = Customer.objects.filter(owner=manager).first()
    other = Customer.objects.exclude(owner=manager).first()
    assert own is not None and other is not None
    client = ApiClient(manager)
    for what in ("history", "explain"):
        assert client.get(f"/api/customers/{own.pk}/grades/{what}").status_code == 200
        missing = client.get(f"/api/customers/{other.pk}/grades/{what}")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_history_lists_a_customers_changes_newest_first(utility):
    customer = Customer.objects.first()
    assert customer is not None
    AssignmentChange.objects.create(
        customer=customer,
        dimension="service_flags",
        from_value="",
        to_value="late_payer",
        changed_at=utility.finished_at,
        as_of=utility.as_of,
        source="live",
        event="payment",
    )
    client = ApiClient(role_user(Role.AUDITOR))
    items = client.get(f"/api/customers/{customer.pk}/grades/history").json()["items"]
    assert items[0]["to_value"] == "late_payer" and items[0]["source"] == "live"
    stored = AssignmentChange.objects.filter(customer=customer).count()
    assert len(items) == stored and len({i["id"] for i in items}) == stored
    only = client.get(f"/api/customers/{customer.pk}/grades/history?dimension=lifecycle").json()["items"]
    assert only and {i["dimension"] for i in only} == {"lifecycle"}
    assert all(i["run_id"] == utility.pk for i in only)


def test_explain_says_which_rule_version_placed_each_grade(utility):
    held = Assignment.objects.filter(dimension="customer_class").exclude(rule_name="").first()
    assert held is not None
    owner = held.customer.owner
    client = ApiClient(owner) if owner is not None else ApiClient(role_user(Role.ADMINISTRATOR))
    body = client.get(f"/api/customers/{held.customer_id}/grades/explain").json()
    dimension = next(d for d in body["dimensions"] if d["dimension"] == "customer_class")
    (value,) = dimension["held"]
    assert value["value"] == held.value and value["rule"]["name"] == held.rule_name
    assert value["rule"]["version"] == 1 and value["rule"]["holds"]
    assert value["rule"]["checks"][0]["key"] == "customer_type"
    names = {d["dimension"] for d in body["dimensions"]}
    assert {"customer_class", "service_flags", "value_tier", "lifecycle", "churn_risk"} <= names


def _holding(dimension: str, value: str) -> set[int]:
    held = Assignment.objects.filter(dimension=dimension, value=value)
    return set(held.values_list("customer_id", flat=True))


def test_customer_list_filters_by_group_tier_lifecycle_and_risk(utility):
    client = ApiClient(role_user(Role.MARKETING_MANAGER))
    base = "/api/customers?limit=500"
    assert _ids(client, f"{base}&tier=A") == _holding("value_tier", "A") != set()
    assert _ids(client, f"{base}&lifecycle=mature") == _holding("lifecycle", "mature") != set()
    assert _ids(client, f"{base}&churn_risk=low") == _holding("churn_risk", "low") != set()
    households = _holding("customer_class", "household_low")
    assert _ids(client, f"{base}&group=household_low") == households != set()
    assert _ids(client, f"{base}&group=customer_class:household_low") == households
    both = households & _holding("lifecycle", "mature")
    assert _ids(client, f"{base}&group=household_low&lifecycle=mature&customer_type=residential") == {
        c for c in both if Customer.objects.get(pk=c).customer_type == "residential"
    }
    assert _ids(client, f"{base}&tier=no_such_tier") == set()


def test_an_account_managers_grade_filters_stay_within_its_customers(utility):
    manager = _manager()
    own = set(Customer.objects.filter(owner=manager).values_list("pk", flat=True))
    found = _ids(ApiClient(manager), "/api/customers?limit=500&churn_risk=low")
    assert found == own & _holding("churn_risk", "low") != set()


def test_a_read_token_reads_grades_and_runs_but_starts_no_run(utility):
    reader = ApiClient(role_user(Role.ADMINISTRATOR), scopes=("read",))
    assert reader.get("/api/assignments?limit=1").status_code == 200
    assert reader.get(f"/api/runs/{utility.pk}").json()["status"] == "succeeded"
    refused = reader.post_json("/api/runs", {"dry_run": True})
    assert refused.status_code == 403 and "write" in refused.json()["message"]
