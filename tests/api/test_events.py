"""Events through the API and the services: one per kind, per-customer lists, all-or-nothing bulk creation."""

import pytest

from stratacrm.accounts.models import AuditEntry
from stratacrm.activity.models import Bill, Consumption, Interaction, Payment
from stratacrm.service.models import Ticket
from tests import factories

pytestmark = pytest.mark.django_db

BILL = {
    "period": "2025-01-01",
    "amount": "120.50",
    "issued_on": "2025-02-03",
    "due_date": "2025-02-20",
    "kwh": "200",
}


def payloads(meter_id: int) -> dict[str, dict]:
    return {
        "bills": BILL,
        "payments": {"paid_on": "2025-02-10", "amount": "120.50", "channel": "wechat"},
        "consumption": {
            "meter_id": meter_id,
            "period": "2025-01-01",
            "kwh_total": "60",
            "kwh_peak": "10",
            "kwh_flat": "20",
            "kwh_offpeak": "30",
        },
        "interactions": {
            "channel": "phone",
            "direction": "inbound",
            "occurred_at": "2025-03-01T10:00:00+08:00",
            "subject": "电费咨询",
            "content": "询问账单",
        },
        "tickets": {
            "ticket_number": "TK1",
            "kind": "complaint",
            "opened_at": "2025-03-01T10:00:00+08:00",
            "sla_due_at": "2025-03-08T10:00:00+08:00",
            "subject": "停电",
        },
        "surveys": {"survey": "2025Q1", "responded_at": "2025-03-02T09:00:00+08:00", "csat": 4, "nps": 9},
    }


@pytest.mark.parametrize("kind", ["bills", "payments", "consumption", "interactions", "tickets", "surveys"])
def test_each_kind_is_created_audited_listed_and_marks_the_customer_changed(kind, clients, users):
    customer = factories.customer(owner=users["account_manager"])
    meter = factories.meter(customer)
    before = customer.updated_at
    client = clients["account_manager"]
    created = client.post_json(f"/api/customers/{customer.pk}/{kind}", payloads(meter.pk)[kind])
    assert created.status_code == 201, created.content
    listed = client.get(f"/api/customers/{customer.pk}/{kind}").json()
    assert [e["id"] for e in listed["items"]] == [created.json()["id"]]
    event_type = {"surveys": "service.surveyresponse", "tickets": "service.ticket"}.get(
        kind, f"activity.{kind}"
    )
    audited = AuditEntry.objects.filter(
        object_id=str(created.json()["id"]), object_type__startswith=event_type[:-1]
    )
    assert audited.count() == 1
    customer.refresh_from_db()
    assert customer.updated_at > before
    assert client.get(f"/api/customers/{customer.pk}").json()["counts"][kind] == 1


def test_notes_are_masked_for_analysts(clients, users):
    customer = factories.customer(owner=users["account_manager"])
    clients["account_manager"].post_json(
        f"/api/customers/{customer.pk}/interactions", payloads(0)["interactions"]
    )
    seen = clients["analyst"].get(f"/api/customers/{customer.pk}/interactions").json()["items"][0]
    assert seen["subject"] == "***" and seen["content"] == "***"
    recent = clients["analyst"].get(f"/api/customers/{customer.pk}").json()["recent_events"]["interactions"]
    assert recent[0]["content"] == "***"
    assert (
        clients["account_manager"]
        .get(f"/api/customers/{customer.pk}/interactions")
        .json()["items"][0]["content"]
        == "询问账单"
    )


def test_an_invalid_event_is_a_field_error_in_the_callers_language(clients):
    customer = factories.customer()
    url, body = f"/api/customers/{customer.pk}/bills", {**BILL, "period": "2025-01-15"}
    client = clients["administrator"]
    english = client.post(url, body, content_type="application/json", headers={"Accept-Language": "en"})
    assert english.status_code == 422
    assert english.json()["errors"][0]["message"] == "The month must be given by its first day."
    chinese = client.post(url, body, content_type="application/json", headers={"Accept-Language": "zh-hans"})
    assert chinese.json()["errors"][0]["message"] == "月份必须以当月第一天表示。"
    assert not Bill.objects.exists()


def test_events_list_newest_first_with_a_cursor(clients):
    customer = factories.customer()
    client = clients["administrator"]
    for month in range(1, 6):
        client.post_json(f"/api/customers/{customer.pk}/bills", {**BILL, "period": f"2024-{month:02d}-01"})
    first = client.get(f"/api/customers/{customer.pk}/bills?limit=3").json()
    assert [b["period"] for b in first["items"]] == ["2024-05-01", "2024-04-01", "2024-03-01"]
    rest = client.get(f"/api/customers/{customer.pk}/bills?limit=3&cursor={first['next_cursor']}").json()
    assert [b["period"] for b in rest["items"]] == ["2024-02-01", "2024-01-01"]


def _bulk_items(customers, n: int) -> list[dict]:
    items = []
    for i in range(n):
        items.append(
            {
                "type": "interactions",
                "customer_id": customers[i % len(customers)].pk,
                "channel": "sms",
                "direction": "outbound",
                "occurred_at": f"2025-01-01T00:{i % 60:02d}:00+08:00",
            }
        )
    return items


def test_bulk_creates_everything_in_one_call_with_one_audit_entry(clients):
    customers = [factories.customer() for _ in range(3)]
    items = [
        *_bulk_items(customers, 20),
        {"type": "bills", "customer_id": customers[0].pk, **BILL},
        {"type": "tickets", "customer_id": customers[1].pk, **payloads(0)["tickets"]},
    ]
    response = clients["administrator"].post_json("/api/events/bulk", {"items": items})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == {"interactions": 20, "bills": 1, "tickets": 1}
    assert Interaction.objects.count() == 20 and Ticket.objects.get().kind == "complaint"
    entry = AuditEntry.objects.get(action="event.import")
    interactions = sorted(Interaction.objects.values_list("pk", flat=True))
    assert entry.after == {
        "counts": {"interactions": 20, "bills": 1, "tickets": 1},
        "customers": 3,
        "ids": {
            "interactions": [[interactions[0], interactions[-1]]],
            "bills": [[Bill.objects.get().pk] * 2],
            "tickets": [[Ticket.objects.get().pk] * 2],
        },
    }


def test_bulk_is_all_or_nothing_and_names_every_bad_item(clients):
    customer = factories.customer()
    items = [
        *_bulk_items([customer], 3),
        {"type": "bills", "customer_id": customer.pk, **BILL},
        {"type": "bills", "customer_id": customer.pk, **BILL},
        {"type": "bills", "customer_id": 987654, **BILL},
        {
            "type": "surveys",
            "customer_id": customer.pk,
            "survey": "s",
            "responded_at": "2025-03-02T09:00:00+08:00",
        },
    ]
    response = clients["administrator"].post_json("/api/events/bulk", {"items": items})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"items.4.bill_one_per_customer_month", "items.5.customer_id"} <= fields
    assert any(f.startswith("items.6") for f in fields)
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages["items.5.customer_id"] == "no such customer"
    assert not Interaction.objects.exists() and not Bill.objects.exists()


def test_bulk_refuses_more_than_ten_thousand_items(clients):
    customer = factories.customer()
    response = clients["administrator"].post_json(
        "/api/events/bulk", {"items": _bulk_items([customer], 10_001)}
    )
    assert response.status_code == 422
    assert not Interaction.objects.exists()


def test_bulk_checks_stored_rows_and_each_items_bill_and_meter(clients):
    customer, other = factories.customer(), factories.customer()
    meter, bill = factories.meter(customer), Bill.objects.create(customer=customer, **BILL)
    factories.meter(other)
    Ticket.objects.create(customer=customer, **payloads(0)["tickets"])
    consumption = payloads(meter.pk)["consumption"]
    items = [
        {"type": "bills", "customer_id": customer.pk, **BILL},
        {"type": "tickets", "customer_id": other.pk, **payloads(0)["tickets"]},
        {"type": "payments", "customer_id": other.pk, **payloads(0)["payments"], "bill_id": bill.pk},
        {"type": "consumption", "customer_id": other.pk, **consumption},
        {"type": "consumption", "customer_id": customer.pk, **consumption, "kwh_total": "61"},
        {"type": "payments", "customer_id": customer.pk, **payloads(0)["payments"], "bill_id": bill.pk},
        {"type": "consumption", "customer_id": customer.pk, **consumption},
    ]
    response = clients["administrator"].post(
        "/api/events/bulk",
        {"items": items},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages == {
        "items.0.bill_one_per_customer_month": "Bill with this Customer and Month already exists.",
        "items.1.ticket_number": "Ticket with this Ticket number already exists.",
        "items.2.bill_id": "no such bill of this customer",
        "items.3.meter_id": "no such meter of this customer",
        "items.4.consumption_total_is_sum_of_parts": "Total kWh must equal peak + flat + off-peak.",
    }
    assert Bill.objects.count() == 1 and not Payment.objects.exists() and not Consumption.objects.exists()
    response = clients["administrator"].post_json("/api/events/bulk", {"items": items[5:]})
    assert response.status_code == 200, response.content
    assert Payment.objects.get().bill == bill and Consumption.objects.get().meter == meter


@pytest.mark.slow
def test_bulk_of_ten_thousand_events_succeeds_and_a_bad_last_item_writes_nothing(clients):
    customers = [factories.customer() for _ in range(50)]
    items = _bulk_items(customers, 10_000)
    bad = [*items[:-1], {**items[-1], "customer_id": 987654}]
    response = clients["administrator"].post_json("/api/events/bulk", {"items": bad})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["items.9999.customer_id"]
    assert not Interaction.objects.exists()
    response = clients["administrator"].post_json("/api/events/bulk", {"items": items})
    assert response.status_code == 200, response.content[:500]
    assert Interaction.objects.count() == 10_000
    after = AuditEntry.objects.get(action="event.import").after
    assert after is not None and after["counts"] == {"interactions": 10_000}


def test_a_rival_write_between_the_checks_and_the_write_is_a_per_item_error(clients, monkeypatch):
    """The checks pass, then another writer stores a ticket an item repeats before this call writes:
    the call answers 422 naming that item (not a server error), and writes nothing."""
    from stratacrm.activity import bulk

    customer = factories.customer()
    items = [
        {"type": "interactions", "customer_id": customer.pk, **payloads(0)["interactions"]},
        {"type": "tickets", "customer_id": customer.pk, **payloads(0)["tickets"]},
    ]
    write = bulk._write

    def rival_first(*args, **kwargs):
        Ticket.objects.create(customer=customer, **payloads(0)["tickets"])  # the rival commits first
        return write(*args, **kwargs)

    monkeypatch.setattr(bulk, "_write", rival_first)
    response = clients["administrator"].post(
        "/api/events/bulk",
        {"items": items},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["items.1.ticket_number"]
    assert not Interaction.objects.exists()
