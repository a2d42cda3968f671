"""List endpoints run a constant number of queries however many rows they return (no N+1)."""

import pytest

from stratacrm.accounts.models import Role
from tests import factories

from .conftest import ApiClient, role_user

pytestmark = pytest.mark.django_db


def _customers(n: int, owner) -> None:
    tag = factories.customer(owner=owner).tags.create(name="t")
    for _ in range(n):
        factories.customer(owner=owner).tags.add(tag)


def _queries(django_assert_max_num_queries, client: ApiClient, url: str, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [3, 60])
@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.ANALYST])
def test_customer_list_queries_do_not_grow_with_rows(rows, role, django_assert_max_num_queries):
    user = role_user(role)
    _customers(rows, owner=user)
    client = ApiClient(user)
    _queries(django_assert_max_num_queries, client, "/api/customers?limit=100", 5)
    _queries(django_assert_max_num_queries, client, "/api/customers?limit=100&tag=t&q=T", 5)


@pytest.mark.parametrize("rows", [2, 40])
def test_customer_360_and_event_lists_are_constant(rows, django_assert_max_num_queries):
    user = role_user(Role.ADMINISTRATOR)
    customer = factories.customer()
    for _ in range(rows):
        factories.meter(customer)
    client = ApiClient(user)
    for _ in range(rows):
        client.post_json(
            f"/api/customers/{customer.pk}/interactions",
            {"channel": "sms", "direction": "outbound", "occurred_at": "2025-01-01T08:00:00+08:00"},
        )
    _queries(django_assert_max_num_queries, client, f"/api/customers/{customer.pk}", 18)
    _queries(django_assert_max_num_queries, client, f"/api/customers/{customer.pk}/interactions?limit=100", 5)


@pytest.mark.parametrize("rows", [2, 40])
def test_audit_list_is_constant(rows, django_assert_max_num_queries):
    user = role_user(Role.AUDITOR)
    for _ in range(rows):
        factories.customer()
        ApiClient(role_user(Role.ADMINISTRATOR))  # each token creation is audited
    _queries(django_assert_max_num_queries, ApiClient(user), "/api/audit?limit=100", 4)


def _graded(n: int, owner) -> None:
    from django.utils import timezone

    from stratacrm.segmentation.models import Assignment, AssignmentChange, Dimension

    now = timezone.now()
    Dimension.objects.get_or_create(name="customer_class", defaults={"mode": "exclusive"})
    for _ in range(n):
        customer = factories.customer(owner=owner)
        for dimension, value in (("customer_class", "industry"), ("value_tier", "A"), ("lifecycle", "new")):
            Assignment.objects.create(customer=customer, dimension=dimension, value=value, since=now)
            AssignmentChange.objects.create(
                customer=customer,
                dimension=dimension,
                to_value=value,
                changed_at=now,
                as_of=now.date(),
                source="batch",
            )


@pytest.mark.parametrize("rows", [3, 60])
@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.ANALYST])
def test_grade_filters_and_assignments_do_not_grow_with_rows(rows, role, django_assert_max_num_queries):
    user = role_user(role)
    _graded(rows, owner=user)
    client = ApiClient(user)
    filtered = "/api/customers?limit=100&group=industry&tier=A&lifecycle=new&churn_risk=&region="
    _queries(django_assert_max_num_queries, client, filtered, 5)
    assert len(client.get(filtered).json()["items"]) == rows
    _queries(django_assert_max_num_queries, client, "/api/assignments?limit=500", 4)
    customer = user.owned_customers.earliest("pk")
    _queries(django_assert_max_num_queries, client, f"/api/customers/{customer.pk}/grades/history", 5)
    assert len(client.get(f"/api/customers/{customer.pk}/grades/history").json()["items"]) == 3
