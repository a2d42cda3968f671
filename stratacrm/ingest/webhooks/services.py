"""Managing webhook subscriptions (action `webhook.manage`); audited. The secret is shown once."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.accounts.services.audit import audit_record
from stratacrm.ingest.models import WebhookSubscription
from stratacrm.ingest.models.webhooks import EVENT_TYPES
from stratacrm.segmentation.models import AssignmentChange
from stratacrm.service.models import Ticket


@transaction.atomic
def webhook_subscribe(
    *,
    actor: User | None,
    name: str,
    url: str,
    event_types: list[str],
    max_attempts: int = 6,
    secret: str = "",
) -> WebhookSubscription:
    """Subscribe `url` to `event_types`, from now on (earlier changes and tickets are not sent)."""
    if actor is not None:
        user_require(actor, "webhook.manage")
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown or not event_types:
        raise ValidationError({"event_types": f"choose from {', '.join(EVENT_TYPES)}"})
    sub = WebhookSubscription(
        name=name,
        url=url,
        secret=secret or secrets.token_urlsafe(32),
        event_types=sorted(set(event_types)),
        max_attempts=max_attempts,
        created_by=actor,
        created_at=timezone.now(),
        last_change_id=AssignmentChange.objects.aggregate(m=Max("pk"))["m"] or 0,
        last_ticket_id=Ticket.objects.aggregate(m=Max("pk"))["m"] or 0,
    )
    sub.full_clean()
    if not 1 <= max_attempts <= 20:
        raise ValidationError({"max_attempts": "between 1 and 20"})
    sub.save()
    audit_record(actor=actor, action="webhook.subscribe", obj=sub, after=_shown(sub))
    return sub


@transaction.atomic
def webhook_unsubscribe(*, actor: User | None, subscription_id: int) -> None:
    """Remove a subscription and its delivery log."""
    if actor is not None:
        user_require(actor, "webhook.manage")
    sub = WebhookSubscription.objects.get(pk=subscription_id)
    audit_record(actor=actor, action="webhook.unsubscribe", obj=sub, before=_shown(sub))
    sub.delete()


def _shown(sub: WebhookSubscription) -> dict[str, Any]:
    return {"name": sub.name, "url": sub.url, "event_types": sub.event_types}
