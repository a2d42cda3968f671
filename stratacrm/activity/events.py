"""What every customer event shares: finding its customer for the actor, and saving it audited.

Each event service (`bill_create`, `ticket_open`, …) builds its row and hands it to `event_save`, so
permission, scope, validation, audit and the "customer changed" signal happen the same way for all.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.accounts.services.audit import audit_record
from stratacrm.customers.models import Customer
from stratacrm.customers.selectors import customer_scope
from stratacrm.customers.services import customer_changed

E = TypeVar("E", bound=models.Model)


def customer_for_event(*, actor: User | None, customer_id: int) -> Customer:
    """The customer an event is recorded for: must be in the actor's scope (DoesNotExist otherwise)."""
    if actor is None:
        return Customer.objects.get(pk=customer_id)
    user_require(actor, "event.create")
    return customer_scope(user=actor).get(pk=customer_id)


def event_values(event: models.Model) -> dict[str, Any]:
    """An event's stored values by attribute name (foreign keys as ids), for the audit trail and the API."""
    return {f.attname: getattr(event, f.attname) for f in event._meta.concrete_fields}


def event_save(*, actor: User | None, event: E, action: str) -> E:
    """Validate and save one event, audit it, and signal that its customer changed.

    Callers run inside a transaction, so a failed audit write undoes the event too.
    """
    event.full_clean()
    event.save()
    audit_record(actor=actor, action=action, obj=event, after=event_values(event))
    customer_changed(customer_id=event.customer_id, reason=action)  # type: ignore[attr-defined]
    return event
