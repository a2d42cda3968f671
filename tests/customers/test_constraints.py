"""The database itself rejects rows that break the model's rules, whatever code wrote them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from stratacrm.activity.models import Bill, Consumption, Payment
from stratacrm.service.models import SurveyResponse, Ticket
from tests import factories

pytestmark = pytest.mark.django_db


def rejects(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_account_number_is_unique():
    factories.customer(account_number="A1")
    assert rejects(lambda: factories.customer(account_number="A1"))


def test_unknown_customer_type_is_rejected():
    assert rejects(lambda: factories.customer(customer_type="alien"))


def test_blank_name_is_rejected():
    assert rejects(lambda: factories.customer(name=""))


def test_customer_cannot_be_updated_before_creation():
    now = timezone.now()
    assert rejects(lambda: factories.customer(created_at=now, updated_at=now - dt.timedelta(days=1)))


def test_meter_capacity_must_be_positive():
    c = factories.customer()
    assert rejects(lambda: factories.meter(c, contracted_capacity_kva=Decimal("0")))


def test_consumption_total_must_equal_its_parts():
    c = factories.customer()
    m = factories.meter(c)
    base = {"customer": c, "meter": m, "kwh_peak": 10, "kwh_flat": 20, "kwh_offpeak": 30}
    assert rejects(lambda: Consumption.objects.create(period=dt.date(2025, 1, 1), kwh_total=70, **base))
    Consumption.objects.create(period=dt.date(2025, 1, 1), kwh_total=60, **base)
    assert rejects(lambda: Consumption.objects.create(period=dt.date(2025, 1, 1), kwh_total=60, **base))


def test_consumption_period_is_first_of_month():
    c = factories.customer()
    m = factories.meter(c)
    assert rejects(
        lambda: Consumption.objects.create(
            customer=c,
            meter=m,
            period=dt.date(2025, 1, 15),
            kwh_total=1,
            kwh_peak=1,
            kwh_flat=0,
            kwh_offpeak=0,
        )
    )


def test_bill_rules():
    c = factories.customer()
    ok = {"customer": c, "period": dt.date(2025, 1, 1), "issued_on": dt.date(2025, 2, 5)}
    assert rejects(lambda: Bill.objects.create(amount=-1, due_date=dt.date(2025, 2, 20), **ok))
    assert rejects(lambda: Bill.objects.create(amount=1, due_date=dt.date(2025, 2, 1), **ok))
    Bill.objects.create(amount=1, due_date=dt.date(2025, 2, 20), **ok)
    assert rejects(lambda: Bill.objects.create(amount=2, due_date=dt.date(2025, 2, 20), **ok))


def test_payment_must_be_positive():
    c = factories.customer()
    assert rejects(lambda: Payment.objects.create(customer=c, paid_on=dt.date(2025, 1, 1), amount=0))


def test_ticket_time_rules():
    c = factories.customer()
    now = timezone.now()
    base = {"customer": c, "kind": "complaint", "opened_at": now, "sla_due_at": now + dt.timedelta(days=7)}
    assert rejects(lambda: Ticket.objects.create(ticket_number="T1", status="resolved", **base))
    assert rejects(
        lambda: Ticket.objects.create(
            ticket_number="T2", status="resolved", resolved_at=now - dt.timedelta(hours=1), **base
        )
    )
    assert rejects(lambda: Ticket.objects.create(ticket_number="T3", **{**base, "kind": "gossip"}))
    Ticket.objects.create(ticket_number="T4", status="resolved", resolved_at=now, **base)


def test_survey_scores_are_in_range_and_present():
    c = factories.customer()
    now = timezone.now()
    assert rejects(lambda: SurveyResponse.objects.create(customer=c, survey="s", csat=6, responded_at=now))
    assert rejects(lambda: SurveyResponse.objects.create(customer=c, survey="s", nps=11, responded_at=now))
    assert rejects(lambda: SurveyResponse.objects.create(customer=c, survey="s", responded_at=now))
    SurveyResponse.objects.create(customer=c, survey="s", csat=5, nps=10, responded_at=now)
