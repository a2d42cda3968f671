"""Logging an interaction or a complaint from the 360 view re-grades the customer at once."""

from __future__ import annotations

import pytest

from stratacrm.accounts.models import AuditEntry, Role
from stratacrm.activity.models import Interaction
from stratacrm.segmentation.models import Assignment, AssignmentChange
from stratacrm.service.models import Ticket
from tests import factories

from .conftest import rules_publish

pytestmark = pytest.mark.django_db
RULES = """
schemes:
  churn_risk:
    labels: {en: Churn risk, zh: 流失风险}
    signals:
      - {name: complained, when: "complaints_90d >= 1", points: 70}
      - {name: quiet, when: "interactions_90d = 0", points: 10}
    levels: {high: 60, medium: 30, low: 0}
"""


def risk(customer) -> str:
    return Assignment.objects.get(customer=customer, dimension="churn_risk").value


def test_a_complaint_logged_on_the_page_raises_the_churn_risk_there_and_then(signed_in):
    manager = factories.user(role=Role.ACCOUNT_MANAGER)
    customer = factories.customer(owner=manager)
    rules_publish(RULES)
    assert risk(customer) == "low"
    response = signed_in(user=manager).post(
        f"/en/customers/{customer.account_number}/complaints/",
        {"complaint-subject": "停电未通知", "complaint-priority": "high"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Complaint opened" in page
    grades = page[page.index('id="grades"') : page.index('id="grade-history"')]
    assert 'hx-swap-oob="true"' in grades and 'data-grade="churn_risk"' in grades and "High" in grades
    assert "停电未通知" in page  # the tickets table, swapped in beside the grades
    assert risk(customer) == "high"
    ticket = Ticket.objects.get(customer=customer)
    assert ticket.kind == "complaint" and ticket.priority == "high"
    change = AssignmentChange.objects.get(customer=customer, dimension="churn_risk", source="live")
    assert (change.from_value, change.to_value, change.source, change.event) == (
        "low",
        "high",
        "live",
        "ticket.open",
    )
    assert AuditEntry.objects.filter(action="ticket.open", actor=manager.username).exists()


def test_an_interaction_logged_on_the_page_shows_in_its_timeline(signed_in):
    manager = factories.user(role=Role.ACCOUNT_MANAGER)
    customer = factories.customer(owner=manager)
    rules_publish(RULES)
    response = signed_in(user=manager).post(
        f"/en/customers/{customer.account_number}/interactions/",
        {
            "interaction-channel": "visit",
            "interaction-direction": "outbound",
            "interaction-subject": "上门回访",
        },
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "Interaction logged" in page and "上门回访" in page
    assert Interaction.objects.get(customer=customer).staff == manager


def test_an_invalid_form_is_shown_again_with_its_errors(signed_in):
    manager = factories.user(role=Role.ACCOUNT_MANAGER)
    customer = factories.customer(owner=manager)
    response = signed_in(user=manager).post(
        f"/en/customers/{customer.account_number}/complaints/",
        {"complaint-subject": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "This field is required" in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR])
def test_readers_cannot_log_events(signed_in, role):
    customer = factories.customer()
    client = signed_in(role)
    assert client.post(f"/en/customers/{customer.account_number}/complaints/", {}).status_code == 403
    assert client.post(f"/en/customers/{customer.account_number}/interactions/", {}).status_code == 403
