"""Writing customer events through the services, with dates around today (live grading's as_of)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from stratacrm.activity.services import bill_create, consumption_record, interaction_log, payment_create
from stratacrm.customers.models import Customer, UtilityAccount
from stratacrm.customers.services import customer_update
from stratacrm.service.services import survey_response_record, ticket_open

_tickets = itertools.count(1)
KINDS = ("bill", "payment", "consumption", "interaction", "complaint", "survey", "edit")


def month_start(months_back: int) -> dt.date:
    today = timezone.now().date()
    year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    return dt.date(year, month + 1, 1)


def event_write(kind: str, customer: Customer, *, amount: int, back: int) -> str:
    """Write one event of `kind` for `customer` through its service; `back` moves it into the past."""
    now = timezone.now()
    when = now - dt.timedelta(days=back * 5, hours=1)
    if kind == "bill":
        period = month_start(back % 14)
        if customer.bill_set.filter(period=period).exists():
            period = month_start(14 + next(_tickets) % 8)
            if customer.bill_set.filter(period=period).exists():
                return "skipped"
        bill_create(
            actor=None,
            customer_id=customer.pk,
            period=period,
            amount=Decimal(amount * 100),
            issued_on=period + dt.timedelta(days=32),
            due_date=period + dt.timedelta(days=47),
            kwh=Decimal(amount * 10),
        )
    elif kind == "payment":
        bill = customer.bill_set.order_by("period").first()
        paid_on = (bill.due_date + dt.timedelta(days=amount)) if bill else when.date()
        payment_create(
            actor=None,
            customer_id=customer.pk,
            paid_on=min(paid_on, now.date()),
            amount=Decimal(amount * 50),
            bill_id=bill.pk if bill else None,
        )
    elif kind == "consumption":
        meter = UtilityAccount.objects.filter(customer=customer).first()
        period = month_start(back % 16)
        if meter is None or meter.consumption_set.filter(period=period).exists():
            return "skipped"
        kwh = Decimal(amount * 40)
        consumption_record(
            actor=None,
            customer_id=customer.pk,
            meter_id=meter.pk,
            period=period,
            kwh_total=kwh,
            kwh_peak=kwh / 4,
            kwh_flat=kwh / 2,
            kwh_offpeak=kwh / 4,
        )
    elif kind == "interaction":
        interaction_log(
            actor=None, customer_id=customer.pk, channel="phone", direction="inbound", occurred_at=when
        )
    elif kind == "complaint":
        ticket_open(
            actor=None,
            customer_id=customer.pk,
            ticket_number=f"LT{next(_tickets):08d}-{customer.pk}",
            kind="complaint",
            opened_at=when,
            sla_due_at=when + dt.timedelta(days=7),
        )
    elif kind == "survey":
        survey_response_record(
            actor=None, customer_id=customer.pk, survey="annual", responded_at=when, csat=1 + amount % 5
        )
    else:
        customer.refresh_from_db()
        changes: dict[str, Any] = {
            "customer_type": ("residential", "commercial", "industrial")[amount % 3],
            "contact_form_filled": bool(amount % 2),
        }
        customer_update(actor=None, customer_id=customer.pk, version=customer.version, changes=changes)
    return kind
