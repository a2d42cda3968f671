"""Customers through the API: listing, filters, 360 view, create, versioned update, unmask, export."""

import pytest

from stratacrm.accounts.masking import pseudonym
from stratacrm.accounts.models import AuditEntry, Role
from stratacrm.customers.models import Customer
from tests import factories

from .conftest import ApiClient, role_user

pytestmark = pytest.mark.django_db

CLEAR = {
    "phone": "13812345678",
    "email": "zhang@example.com",
    "address": "广东省深圳市南山区科技园路1号",
    "id_number": "440301199001011234",
}
MASKED = {
    "phone": "138****5678",
    "email": "z***@example.com",
    "address": "广东省 深圳市 ***",
    "id_number": "4403**********1234",
}


def person(**fields) -> Customer:
    return factories.customer(name="张伟", province="广东省", city="深圳市", **{**CLEAR, **fields})


def test_list_filters_and_pages_with_a_cursor(clients):
    for n in range(5):
        factories.customer(account_number=f"A{n:03d}", customer_type="commercial" if n % 2 else "residential")
    client = clients["marketing_manager"]
    first = client.get("/api/customers?limit=2").json()
    assert [c["account_number"] for c in first["items"]] == ["A000", "A001"]
    second = client.get(f"/api/customers?limit=2&cursor={first['next_cursor']}").json()
    assert [c["account_number"] for c in second["items"]] == ["A002", "A003"]
    last = client.get(f"/api/customers?limit=2&cursor={second['next_cursor']}").json()
    assert [c["account_number"] for c in last["items"]] == ["A004"] and last["next_cursor"] is None
    commercial = client.get("/api/customers?customer_type=commercial").json()
    assert {c["account_number"] for c in commercial["items"]} == {"A001", "A003"}


def test_filters_by_region_owner_tag_and_search(clients, users):
    owner = users["account_manager"]
    a = factories.customer(account_number="B1", name="Harbour Foods", province="Zhejiang", owner=owner)
    factories.customer(account_number="B2", name="Hill Farm", province="Hunan")
    a.tags.create(name="vip")
    client = clients["administrator"]

    def numbers(query: str) -> list[str]:
        return [c["account_number"] for c in client.get(f"/api/customers?{query}").json()["items"]]

    assert numbers("region=Zhejiang") == ["B1"]
    assert numbers(f"owner={owner.pk}") == ["B1"]
    assert numbers("tag=vip") == ["B1"]
    assert numbers("q=harbour") == ["B1"]
    assert numbers("q=B2") == ["B2"]


@pytest.mark.parametrize("role", list(Role.values))
def test_every_role_sees_sensitive_fields_masked_in_list_and_detail(role, clients, users):
    customer = person(owner=users["account_manager"])
    client = clients[role]
    listed = client.get("/api/customers").json()["items"][0]
    profile = client.get(f"/api/customers/{customer.pk}").json()["profile"]
    for field in ("phone", "email"):
        assert listed[field] == MASKED[field]
    for field, masked in MASKED.items():
        assert profile[field] == masked
    expected_name = pseudonym(customer.account_number) if role == Role.ANALYST else "张伟"
    assert listed["name"] == profile["name"] == expected_name
    assert "13812345678" not in client.get(f"/api/customers/{customer.pk}").content.decode()


def test_analysts_cannot_find_customers_by_name(clients):
    person(account_number="C1")
    assert clients["analyst"].get("/api/customers?q=张").json()["items"] == []
    assert len(clients["analyst"].get("/api/customers?q=C1").json()["items"]) == 1
    assert len(clients["marketing_manager"].get("/api/customers?q=张").json()["items"]) == 1


@pytest.mark.parametrize("role", ["administrator", "marketing_manager", "account_manager"])
def test_roles_that_may_unmask_find_customers_by_seven_or_more_leading_phone_digits(role, clients, users):
    person(account_number="P1", owner=users["account_manager"])

    def found(q: str) -> list[str]:
        return [c["account_number"] for c in clients[role].get(f"/api/customers?q={q}").json()["items"]]

    assert found("1381234") == ["P1"]
    assert found("13812345678") == ["P1"]
    assert found("138123") == []  # a shorter prefix would read hidden digits off the masked numbers
    assert found("1381235") == []


@pytest.mark.parametrize("role", ["analyst", "auditor"])
def test_roles_that_may_not_unmask_cannot_find_customers_by_phone(role, clients):
    person(account_number="P1")
    assert clients[role].get("/api/customers?q=13812345678").json()["items"] == []
    assert len(clients[role].get("/api/customers?q=P1").json()["items"]) == 1


@pytest.mark.parametrize("role", ["administrator", "marketing_manager", "account_manager"])
def test_unmask_shows_clear_values_and_is_audited(role, clients, users):
    customer = person(owner=users["account_manager"])
    response = clients[role].post_json(
        f"/api/customers/{customer.pk}/unmask", {"fields": ["phone", "id_number"]}
    )
    assert response.status_code == 200
    assert response.json()["values"] == {"phone": CLEAR["phone"], "id_number": CLEAR["id_number"]}
    entry = AuditEntry.objects.get(action="customer.unmask")
    assert entry.actor_id == users[role].pk and entry.object_id == str(customer.pk)
    assert entry.after == {"fields": ["phone", "id_number"]}


@pytest.mark.parametrize("role", ["analyst", "auditor"])
def test_roles_without_unmask_are_refused_and_nothing_is_audited(role, clients):
    customer = person()
    response = clients[role].post_json(f"/api/customers/{customer.pk}/unmask", {"fields": ["phone"]})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="customer.unmask").exists()


def test_detail_is_the_360_view(clients):
    customer = person()
    factories.meter(customer)
    body = clients["administrator"].get(f"/api/customers/{customer.pk}").json()
    assert body["profile"]["account_number"] == customer.account_number
    assert len(body["meters"]) == 1
    assert (
        set(body["recent_events"])
        == set(body["counts"])
        == {"bills", "payments", "consumption", "interactions", "tickets", "surveys"}
    )


def test_an_account_manager_creates_customers_it_owns_and_cannot_give_them_away(clients, users):
    manager = clients["account_manager"]
    created = manager.post_json(
        "/api/customers", {"account_number": "N1", "name": "新客户", "customer_type": "residential", **CLEAR}
    )
    assert created.status_code == 201, created.content
    assert created.json()["owner"]["id"] == users["account_manager"].pk
    assert created.json()["phone"] == MASKED["phone"]
    elsewhere = manager.post_json(
        "/api/customers",
        {
            "account_number": "N2",
            "name": "x",
            "customer_type": "residential",
            "owner_id": users["administrator"].pk,
        },
    )
    assert elsewhere.status_code == 422
    assert not Customer.objects.filter(account_number="N2").exists()
    entry = AuditEntry.objects.get(action="customer.create")
    assert (entry.after or {})["phone"] == MASKED["phone"]


def test_create_rejects_bad_input_in_the_error_format(clients):
    factories.customer(account_number="DUP")
    response = clients["administrator"].post_json(
        "/api/customers", {"account_number": "DUP", "name": "x", "customer_type": "alien", "email": "nope"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and body["errors"]
    assert {"field", "message"} <= set(body["errors"][0])


def test_update_needs_the_current_version(clients):
    customer = person()
    client = clients["marketing_manager"]
    ok = client.patch_json(f"/api/customers/{customer.pk}", {"version": 1, "name": "张伟明"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch_json(f"/api/customers/{customer.pk}", {"version": 1, "name": "覆盖"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert stale.json()["errors"] == [{"field": "version", "message": "current version is 2"}]
    customer.refresh_from_db()
    assert customer.name == "张伟明" and customer.version == 2
    entry = AuditEntry.objects.get(action="customer.update")
    assert (entry.before or {})["name"] == "张伟" and (entry.after or {})["name"] == "张伟明"


def test_export_is_masked_like_the_list_and_audited(clients):
    person(account_number="E1")
    response = clients["analyst"].get("/api/customers/export")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    assert "E1" in text and "138****5678" in text
    assert "13812345678" not in text and "张伟" not in text
    entry = AuditEntry.objects.get(action="customer.export")
    assert (entry.after or {})["rows"] == 1


def test_errors_share_one_format(clients):
    client = clients["administrator"]
    for response, status in (
        (client.get("/api/customers/999999"), 404),
        (client.get("/api/nowhere"), 404),
        (client.put("/api/customers"), 405),
        (ApiClient(None).get("/api/customers"), 401),
        (client.get("/api/customers?cursor=bm9wZQ"), 422),
        (client.get("/api/customers?limit=100000"), 422),
    ):
        assert response.status_code == status
        assert set(response.json()) == {"code", "message", "errors"}, response.content


def test_session_writes_need_the_csrf_token(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["marketing_manager"])
    customer = person()
    refused = client.patch(f"/api/customers/{customer.pk}", {"version": 1}, content_type="application/json")
    assert refused.status_code == 403
    assert client.get(f"/api/customers/{customer.pk}").status_code == 200


def test_inactive_users_tokens_stop_working(users):
    user = role_user(Role.ADMINISTRATOR)
    client = ApiClient(user)
    assert client.get("/api/customers").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/api/customers").status_code == 401
