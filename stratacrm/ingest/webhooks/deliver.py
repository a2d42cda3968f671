"""Sending deliveries: HMAC-SHA256 signed POSTs with the standard library, retried with back-off.

Each request carries the JSON payload and three headers: `X-Strata-Event` (the event type),
`X-Strata-Delivery` (the event key, to let the receiver drop repeats) and `X-Strata-Signature:
t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the subscription's secret>`, so the receiver can
check both origin and freshness. A 2xx answer delivers; anything else (or no answer within the timeout)
schedules a retry after BACKOFF_SECONDS * 2^(attempts - 1), until the subscription's `max_attempts`,
when the delivery is given up. Only the subscribed URL is called; redirects are not followed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from stratacrm.ingest.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

TIMEOUT_SECONDS = 10.0
BACKOFF_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 6 * 3600.0
BATCH = 100


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Strata-Signature` header value for a body sent at `timestamp`.

    >>> signature(secret="s", timestamp=1, body=b"{}")[:5]
    't=1,v'
    """
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_valid(
    *, secret: str, header: str, body: bytes, tolerance: int = 300, now: float | None = None
) -> bool:
    """What a receiver does: check the signature and that it is at most `tolerance` seconds old."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, header)


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(*, url: str, body: bytes, headers: dict[str, str], timeout: float = TIMEOUT_SECONDS) -> Outcome:
    """One POST to `url` with http.client (no redirects, no proxies), within `timeout` seconds."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Outcome(None, "not an http(s) URL")
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        response.read(64 << 10)
        return Outcome(response.status)
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:300])
    finally:
        connection.close()


def backoff(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed attempt."""
    return min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


def deliveries_send(*, limit: int = BATCH, sender: Callable[..., Outcome] = post) -> dict[str, int]:
    """Try every delivery that is due (pending, its next attempt time passed); counts by outcome."""
    counts = {"delivered": 0, "retrying": 0, "gave_up": 0}
    due = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now(), subscription__is_active=True
    ).select_related("subscription")
    for delivery in due.order_by("next_attempt_at", "pk")[:limit]:
        counts[_attempt(delivery, delivery.subscription, sender)] += 1
    return counts


def _attempt(delivery: WebhookDelivery, sub: WebhookSubscription, sender: Callable[..., Outcome]) -> str:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "X-Strata-Event": delivery.event_type,
        "X-Strata-Delivery": delivery.event_key,
        "X-Strata-Signature": signature(secret=sub.secret, timestamp=int(time.time()), body=body),
        "User-Agent": "Strata-Webhooks/1",
    }
    outcome = sender(url=sub.url, body=body, headers=headers)
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code = outcome.status
    delivery.last_error = outcome.error or ("" if outcome.ok else f"answered {outcome.status}")
    if outcome.ok:
        delivery.status, delivery.delivered_at, result = DeliveryStatus.DELIVERED, now, "delivered"
    elif delivery.attempts >= sub.max_attempts:
        delivery.status, result = DeliveryStatus.GAVE_UP, "gave_up"
    else:
        delivery.next_attempt_at = now + dt.timedelta(seconds=backoff(delivery.attempts))
        result = "retrying"
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return result


def webhooks_run() -> dict[str, int]:
    """Queue what is new, then send what is due: the whole background step."""
    from .produce import deliveries_produce

    queued = deliveries_produce()
    return {"queued": queued, **deliveries_send()}


def webhooks_after_commit() -> None:
    """For services and the runner: run the webhook step once the current transaction commits."""
    transaction.on_commit(webhooks_run)
