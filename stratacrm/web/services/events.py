"""Events logged from the 360 view, through the activity and service domains' own services.

Each service checks `event.create` and the row scope, audits, and ends in `customers_changed`, which
re-grades the customer in the same transaction: the page then reads the new grades.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from stratacrm.accounts.models import User
from stratacrm.activity.models import Interaction
from stratacrm.activity.services import interaction_log
from stratacrm.customers.models import Customer
from stratacrm.service.choices import TicketKind
from stratacrm.service.models import Ticket
from stratacrm.service.services import ticket_open

COMPLAINT_PROMISE = dt.timedelta(days=7)  # the complaint service promise (DOMAIN.md)


def interaction_record(
    *, actor: User, customer: Customer, channel: str, direction: str, subject: str, content: str
) -> Interaction:
    """Log a contact made now by the signed-in user."""
    return interaction_log(
        actor=actor,
        customer_id=customer.pk,
        channel=channel,
        direction=direction,
        occurred_at=timezone.now(),
        subject=subject,
        content=content,
    )


def complaint_open(*, actor: User, customer: Customer, subject: str, category: str, priority: str) -> Ticket:
    """Open a complaint now, due within the complaint promise, with a new web ticket number."""
    now = timezone.now()
    number = f"WB{timezone.localtime(now):%Y%m%d}{secrets.token_hex(6).upper()}"
    return ticket_open(
        actor=actor,
        customer_id=customer.pk,
        ticket_number=number,
        kind=TicketKind.COMPLAINT,
        opened_at=now,
        sla_due_at=now + COMPLAINT_PROMISE,
        category=category,
        priority=priority,
        subject=subject,
    )
