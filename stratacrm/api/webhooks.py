"""Webhook subscription endpoints and the delivery log. Administrators only (`webhook.manage`)."""

from typing import Any

from django.http import HttpRequest
from ninja import Path, Schema, Status

from stratacrm.ingest.models import WebhookDelivery, WebhookSubscription
from stratacrm.ingest.webhooks.services import webhook_subscribe, webhook_unsubscribe

from .auth import PolicyRouter, allow, caller
from .customers import ERRORS
from .types import MAX_ID, Name100, Text300

router = PolicyRouter(tags=["webhooks"])


class SubscriptionIn(Schema):
    name: Name100
    url: Text300
    event_types: list[str]
    max_attempts: int = 6


class SubscriptionOut(Schema):
    id: int
    name: str
    url: str
    event_types: list[str]
    is_active: bool
    max_attempts: int
    created_at: Any


class SubscriptionCreated(SubscriptionOut):
    secret: str


class SubscriptionPage(Schema):
    items: list[SubscriptionOut]


class DeliveryOut(Schema):
    id: int
    event_type: str
    event_key: str
    status: str
    attempts: int
    next_attempt_at: Any
    last_status_code: int | None
    last_error: str
    created_at: Any
    delivered_at: Any | None


class DeliveryPage(Schema):
    items: list[DeliveryOut]


FIELDS = ("id", "name", "url", "event_types", "is_active", "max_attempts", "created_at")


@router.get("/webhooks", response={200: SubscriptionPage, **ERRORS}, auth=allow("webhook.manage"))
def webhooks_list(request: HttpRequest) -> Any:
    """The subscriptions, without their secrets. Administrators only."""
    return {"items": list(WebhookSubscription.objects.values(*FIELDS))}


@router.post("/webhooks", response={201: SubscriptionCreated, **ERRORS}, auth=allow("webhook.manage"))
def webhooks_create(request: HttpRequest, payload: SubscriptionIn) -> Any:
    """Subscribe a URL to event types (grade.changed, group.changed, lifecycle.changed, risk.changed,
    ticket.created). The answer holds the signing secret, shown this once. Administrators only."""
    sub = webhook_subscribe(actor=caller(request), **payload.dict())
    return Status(201, {**{f: getattr(sub, f) for f in FIELDS}, "secret": sub.secret})


@router.delete("/webhooks/{webhook_id}", response={204: None, **ERRORS}, auth=allow("webhook.manage"))
def webhooks_delete(request: HttpRequest, webhook_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Remove a subscription and its delivery log. Administrators only."""
    webhook_unsubscribe(actor=caller(request), subscription_id=webhook_id)
    return Status(204, None)


@router.get(
    "/webhooks/{webhook_id}/deliveries", response={200: DeliveryPage, **ERRORS}, auth=allow("webhook.manage")
)
def webhooks_deliveries(request: HttpRequest, webhook_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """The latest 200 deliveries of a subscription with each one's attempts and last outcome (payloads
    are not shown: they name customers). Administrators only."""
    sub = WebhookSubscription.objects.get(pk=webhook_id)
    rows = WebhookDelivery.objects.filter(subscription=sub).values(*DeliveryOut.model_fields)[:200]
    return {"items": list(rows)}
