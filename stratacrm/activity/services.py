"""Writes of customer events: bills, payments, monthly consumption, interactions.

Each function is keyword-only, validates with full_clean, runs in a transaction, is audited, and ends in
`customer_changed` (through `events.event_save`) — where live re-grading hooks in. Bulk creation of
mixed events lives in `bulk.py` and builds rows with the same `*_build` functions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from stratacrm.accounts.models import User
from stratacrm.customers.models import Customer, UtilityAccount

from .events import customer_for_event, event_save
from .models import Bill, Consumption, Interaction, Payment


def bill_build(
    *,
    customer: Customer,
    period: dt.date,
    amount: Decimal,
    issued_on: dt.date,
    due_date: dt.date,
    kwh: Decimal = Decimal(0),
) -> Bill:
    return Bill(
        customer=customer, period=period, kwh=kwh, amount=amount, issued_on=issued_on, due_date=due_date
    )


@transaction.atomic
def bill_create(
    *,
    actor: User | None,
    customer_id: int,
    period: dt.date,
    amount: Decimal,
    issued_on: dt.date,
    due_date: dt.date,
    kwh: Decimal = Decimal(0),
) -> Bill:
    """Record a customer's bill for one month (`period` is the month's first day)."""
    customer = customer_for_event(actor=actor, customer_id=customer_id)
    bill = bill_build(
        customer=customer, period=period, amount=amount, issued_on=issued_on, due_date=due_date, kwh=kwh
    )
    return event_save(actor=actor, event=bill, action="bill.create")


def payment_build(
    *,
    customer: Customer,
    paid_on: dt.date,
    amount: Decimal,
    channel: str = "",
    bill_id: int | None = None,
    bill_checked: bool = False,
) -> Payment:
    """A payment row; `bill_checked` when the caller already knows the bill is this customer's."""
    if (
        bill_id is not None
        and not bill_checked
        and not Bill.objects.filter(pk=bill_id, customer=customer).exists()
    ):
        raise ValidationError({"bill_id": "no such bill of this customer"})
    return Payment(customer=customer, bill_id=bill_id, paid_on=paid_on, amount=amount, channel=channel)


@transaction.atomic
def payment_create(
    *,
    actor: User | None,
    customer_id: int,
    paid_on: dt.date,
    amount: Decimal,
    channel: str = "",
    bill_id: int | None = None,
) -> Payment:
    """Record money received from a customer, optionally against one of its bills."""
    customer = customer_for_event(actor=actor, customer_id=customer_id)
    payment = payment_build(
        customer=customer, paid_on=paid_on, amount=amount, channel=channel, bill_id=bill_id
    )
    return event_save(actor=actor, event=payment, action="payment.create")


def consumption_build(
    *,
    customer: Customer,
    meter_id: int,
    period: dt.date,
    kwh_total: Decimal,
    kwh_peak: Decimal = Decimal(0),
    kwh_flat: Decimal = Decimal(0),
    kwh_offpeak: Decimal = Decimal(0),
    meter_checked: bool = False,
) -> Consumption:
    """A consumption row; `meter_checked` when the caller already knows the meter is this customer's."""
    if not meter_checked and not UtilityAccount.objects.filter(pk=meter_id, customer=customer).exists():
        raise ValidationError({"meter_id": "no such meter of this customer"})
    return Consumption(
        customer=customer,
        meter_id=meter_id,
        period=period,
        kwh_total=kwh_total,
        kwh_peak=kwh_peak,
        kwh_flat=kwh_flat,
        kwh_offpeak=kwh_offpeak,
    )


@transaction.atomic
def consumption_record(
    *,
    actor: User | None,
    customer_id: int,
    meter_id: int,
    period: dt.date,
    kwh_total: Decimal,
    kwh_peak: Decimal = Decimal(0),
    kwh_flat: Decimal = Decimal(0),
    kwh_offpeak: Decimal = Decimal(0),
) -> Consumption:
    """Record one meter's consumption for one month, split by time-of-use period."""
    customer = customer_for_event(actor=actor, customer_id=customer_id)
    event = consumption_build(
        customer=customer,
        meter_id=meter_id,
        period=period,
        kwh_total=kwh_total,
        kwh_peak=kwh_peak,
        kwh_flat=kwh_flat,
        kwh_offpeak=kwh_offpeak,
    )
    return event_save(actor=actor, event=event, action="consumption.record")


def interaction_build(
    *,
    customer: Customer,
    channel: str,
    direction: str,
    occurred_at: dt.datetime,
    activity: str = "",
    subject: str = "",
    content: str = "",
    staff: User | None = None,
) -> Interaction:
    return Interaction(
        customer=customer,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at,
        activity=activity,
        subject=subject,
        content=content,
        staff=staff,
    )


@transaction.atomic
def interaction_log(
    *,
    actor: User | None,
    customer_id: int,
    channel: str,
    direction: str,
    occurred_at: dt.datetime,
    activity: str = "",
    subject: str = "",
    content: str = "",
) -> Interaction:
    """Log a contact with the customer (call, visit, e-mail, activity); the actor is the staff member."""
    customer = customer_for_event(actor=actor, customer_id=customer_id)
    event = interaction_build(
        customer=customer,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at,
        activity=activity,
        subject=subject,
        content=content,
        staff=actor,
    )
    return event_save(actor=actor, event=event, action="interaction.log")
