"""Writes of customer service: opening tickets and recording survey responses.

Like the activity services: keyword-only, full_clean, one transaction, audited, and ending in
`customer_changed` through `activity.events.event_save`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from stratacrm.accounts.models import User
from stratacrm.activity.events import customer_for_event, event_save
from stratacrm.customers.models import Customer

from .choices import TicketPriority, TicketStatus
from .models import SurveyResponse, Ticket


def ticket_build(
    *,
    customer: Customer,
    ticket_number: str,
    kind: str,
    opened_at: dt.datetime,
    sla_due_at: dt.datetime,
    category: str = "",
    priority: str = TicketPriority.NORMAL,
    subject: str = "",
) -> Ticket:
    return Ticket(
        customer=customer,
        ticket_number=ticket_number,
        kind=kind,
        category=category,
        priority=priority,
        status=TicketStatus.OPEN,
        subject=subject,
        opened_at=opened_at,
        sla_due_at=sla_due_at,
    )


@transaction.atomic
def ticket_open(
    *,
    actor: User | None,
    customer_id: int,
    ticket_number: str,
    kind: str,
    opened_at: dt.datetime,
    sla_due_at: dt.datetime,
    category: str = "",
    priority: str = TicketPriority.NORMAL,
    subject: str = "",
) -> Ticket:
    """Open a service ticket (complaint, repair, inquiry…) with the time its service promise falls due."""
    customer = customer_for_event(actor=actor, customer_id=customer_id)
    ticket = ticket_build(
        customer=customer,
        ticket_number=ticket_number,
        kind=kind,
        opened_at=opened_at,
        sla_due_at=sla_due_at,
        category=category,
        priority=priority,
        subject=subject,
    )
    return event_save(actor=actor, event=ticket, action="ticket.open")


def survey_response_build(
    *,
    customer: Customer,
    survey: str,
    responded_at: dt.datetime,
    csat: int | None = None,
    nps: int | None = None,
    comment: str = "",
) -> SurveyResponse:
    return SurveyResponse(
        customer=customer, survey=survey, csat=csat, nps=nps, comment=comment, responded_at=responded_at
    )


@transaction.atomic
def survey_response_record(
    *,
    actor: User | None,
    customer_id: int,
    survey: str,
    responded_at: dt.datetime,
    csat: int | None = None,
    nps: int | None = None,
    comment: str = "",
) -> SurveyResponse:
    """Record a customer's answer to a satisfaction survey (CSAT 1–5 and/or NPS 0–10)."""
    customer = customer_for_event(actor=actor, customer_id=customer_id)
    event = survey_response_build(
        customer=customer, survey=survey, responded_at=responded_at, csat=csat, nps=nps, comment=comment
    )
    return event_save(actor=actor, event=event, action="survey_response.record")
