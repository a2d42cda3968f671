"""Reads of customer events and the customer 360 view, always within the reader's row scope and masked."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from stratacrm.accounts.masking import event_notes_mask
from stratacrm.accounts.models import User
from stratacrm.customers.models import Customer, UtilityAccount
from stratacrm.customers.selectors import PROFILE_FIELDS, customer_get, customer_present
from stratacrm.paging import Page, keyset_page

from .kinds import EVENT_KINDS, EventKind

RECENT_EVENTS = 5
METER_FIELDS = (
    "id",
    "meter_number",
    "tariff_category",
    "voltage_level",
    "contracted_capacity_kva",
    "billing_scheme",
    "time_of_use",
    "opened_on",
    "closed_on",
)


def event_present(event: Any, *, kind: EventKind, user: User) -> dict[str, Any]:
    """One event's shown fields, its free-text notes masked if the policy says so for `user`."""
    return event_notes_mask({f: getattr(event, f) for f in kind.fields}, role=user.role)


def event_list(*, user: User, customer_id: int, kind: str, cursor: str | None, limit: int) -> Page[dict]:
    """One page of a customer's events of one kind, newest first. DoesNotExist if out of scope."""
    customer = customer_get(user=user, customer_id=customer_id)
    event_kind = EVENT_KINDS[kind]
    queryset = event_kind.model._default_manager.filter(customer=customer)
    page = keyset_page(
        queryset, keys=(event_kind.time_field, "id"), descending=True, cursor=cursor, limit=limit
    )
    return Page(
        items=[event_present(e, kind=event_kind, user=user) for e in page.items], next_cursor=page.next_cursor
    )


def _counts(customer: Customer) -> dict[str, int]:
    return {
        name: kind.model._default_manager.filter(customer=customer).aggregate(n=Count("id"))["n"]
        for name, kind in EVENT_KINDS.items()
    }


def customer_360(*, user: User, customer_id: int) -> dict[str, Any]:
    """Everything about one customer on one page: profile, meters, recent events of each kind, counts.

    A fixed number of queries (3 for the customer, 1 for meters, 2 per event kind), masked for `user`.
    """
    customer = customer_get(user=user, customer_id=customer_id)
    meters = UtilityAccount.objects.filter(customer=customer).order_by("meter_number")
    recent = {
        name: [
            event_present(e, kind=kind, user=user)
            for e in kind.model._default_manager.filter(customer=customer).order_by(
                f"-{kind.time_field}", "-id"
            )[:RECENT_EVENTS]
        ]
        for name, kind in EVENT_KINDS.items()
    }
    return {
        "profile": customer_present(customer, user=user, fields=PROFILE_FIELDS),
        "meters": [{f: getattr(m, f) for f in METER_FIELDS} for m in meters],
        "recent_events": recent,
        "counts": _counts(customer),
    }
