"""The list and the 360 view cost the same number of queries however many rows or events they show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stratacrm.accounts.models import Role
from stratacrm.activity.models import Interaction
from stratacrm.activity.services import interaction_log
from stratacrm.customers.models import Customer, Tag
from stratacrm.service.services import ticket_open

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    client.get(url)  # warm the process-wide caches (the definition in force)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_list_queries_do_not_grow_with_the_rows_shown(signed_in, utility):
    tag = Tag.objects.create(name="vip")
    for customer in Customer.objects.all()[:60]:
        customer.tags.add(tag)
    client = signed_in(Role.MARKETING_MANAGER)
    few = queries(client, "/en/customers/?customer_type=industrial")
    many = queries(client, "/en/customers/")
    graded = queries(client, "/en/customers/?risk=low&sort=-updated_at")
    assert Customer.objects.filter(customer_type="industrial").count() < 10
    assert few == many == graded
    assert many <= 14


def test_360_queries_do_not_grow_with_the_customers_history(signed_in, utility):
    quiet, busy = Customer.objects.order_by("pk")[:2]
    now = timezone.now()
    for n in range(12):
        interaction_log(
            actor=None,
            customer_id=busy.pk,
            channel="phone",
            direction="inbound",
            occurred_at=now - dt.timedelta(hours=n),
            subject=f"call {n}",
        )
        ticket_open(
            actor=None,
            customer_id=busy.pk,
            ticket_number=f"QC{n:08d}",
            kind="complaint",
            opened_at=now - dt.timedelta(hours=n),
            sla_due_at=now + dt.timedelta(days=7),
        )
    assert (
        Interaction.objects.filter(customer=busy).count() > Interaction.objects.filter(customer=quiet).count()
    )
    client = signed_in(Role.MARKETING_MANAGER)
    assert queries(client, f"/en/customers/{quiet.account_number}/") == queries(
        client, f"/en/customers/{busy.account_number}/"
    )


def test_dashboard_queries_do_not_grow_with_the_customers(signed_in, utility):
    client = signed_in(Role.MARKETING_MANAGER)
    assert queries(client, "/en/") <= 10
    for panel in ("migration", "trend", "consumption", "service"):
        assert queries(client, f"/en/dashboard/{panel}/") <= 10, panel
