"""Turning what happened into deliveries, from cursors over the source tables.

Grade, group, lifecycle and risk changes are the `segmentation.AssignmentChange` rows the grading
runner and live re-grading write; new tickets are `service.Ticket` rows. Each subscription keeps the
id of the last row it has queued (`last_change_id`, `last_ticket_id`), so nothing upstream needs to
know about webhooks, and a row is queued once per subscription (the delivery's unique event key).

A change's event type follows its dimension's name: `lifecycle…` is lifecycle.changed, names with
`risk` or `churn` risk.changed, with `value`, `tier`, `grade` or `score` grade.changed, any other
dimension (classes, groups, tags) group.changed. STRATA_WEBHOOK_DIMENSIONS maps names explicitly.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stratacrm.ingest.models import WebhookDelivery, WebhookSubscription
from stratacrm.segmentation.models import AssignmentChange
from stratacrm.service.models import Ticket

BATCH = 1000


def event_type_of(dimension: str) -> str:
    """The webhook event type of a change in `dimension`."""
    explicit = getattr(settings, "STRATA_WEBHOOK_DIMENSIONS", {})
    if dimension in explicit:
        return str(explicit[dimension])
    name = dimension.lower()
    if "lifecycle" in name:
        return "lifecycle.changed"
    if "risk" in name or "churn" in name:
        return "risk.changed"
    if any(word in name for word in ("value", "tier", "grade", "score")):
        return "grade.changed"
    return "group.changed"


def _change_payload(change: AssignmentChange) -> dict[str, Any]:
    return {
        "customer": {"id": change.customer_id, "account_number": change.customer.account_number},
        "dimension": change.dimension,
        "from": change.from_value,
        "to": change.to_value,
        "changed_at": change.changed_at.isoformat(),
        "as_of": change.as_of.isoformat(),
        "source": change.source,
        "rule": {"name": change.rule_name, "version": change.rule_version},
        "change_id": change.pk,
    }


def _ticket_payload(ticket: Ticket) -> dict[str, Any]:
    return {
        "customer": {"id": ticket.customer_id, "account_number": ticket.customer.account_number},
        "ticket_number": ticket.ticket_number,
        "kind": ticket.kind,
        "category": ticket.category,
        "priority": ticket.priority,
        "status": ticket.status,
        "opened_at": ticket.opened_at.isoformat(),
        "sla_due_at": ticket.sla_due_at.isoformat(),
        "ticket_id": ticket.pk,
    }


@transaction.atomic
def deliveries_produce() -> int:
    """Queue a delivery for every new change and ticket each active subscription wants; how many."""
    queued = 0
    now = timezone.now()
    for sub in WebhookSubscription.objects.select_for_update().filter(is_active=True):
        wanted = set(sub.event_types)
        rows: list[WebhookDelivery] = []
        changes = AssignmentChange.objects.filter(pk__gt=sub.last_change_id).select_related("customer")
        last_change = sub.last_change_id
        for change in changes.order_by("pk")[: BATCH * 10]:
            last_change = change.pk
            kind = event_type_of(change.dimension)
            if kind in wanted:
                rows.append(_delivery(sub, kind, f"change:{change.pk}", _change_payload(change), now))
        last_ticket = sub.last_ticket_id
        if "ticket.created" in wanted:
            for ticket in (
                Ticket.objects.filter(pk__gt=sub.last_ticket_id)
                .select_related("customer")
                .order_by("pk")[: BATCH * 10]
            ):
                last_ticket = ticket.pk
                rows.append(
                    _delivery(sub, "ticket.created", f"ticket:{ticket.pk}", _ticket_payload(ticket), now)
                )
        WebhookDelivery.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        WebhookSubscription.objects.filter(pk=sub.pk).update(
            last_change_id=last_change, last_ticket_id=last_ticket
        )
        queued += len(rows)
    return queued


def _delivery(
    sub: WebhookSubscription, kind: str, key: str, data: dict[str, Any], now: Any
) -> WebhookDelivery:
    payload = {"event": kind, "id": key, "created_at": now.isoformat(), "data": data}
    return WebhookDelivery(
        subscription=sub, event_type=kind, event_key=key, payload=payload, next_attempt_at=now, created_at=now
    )
