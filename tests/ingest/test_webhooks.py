"""Webhooks against a real receiver on loopback: signed payloads, retries on 500 with back-off, give-up
after the subscription's attempts, and deliveries made from grade changes and new tickets."""

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from stratacrm.ingest.models import WebhookDelivery
from stratacrm.ingest.webhooks.deliver import backoff, deliveries_send, signature_valid, webhooks_run
from stratacrm.ingest.webhooks.produce import deliveries_produce, event_type_of
from stratacrm.ingest.webhooks.services import webhook_subscribe
from stratacrm.segmentation.models import AssignmentChange
from stratacrm.service.models import Ticket
from tests import factories

pytestmark = pytest.mark.django_db
SECRET = "test-secret"


class Receiver:
    """An HTTP server on 127.0.0.1 that answers the statuses queued in `answers` (then 200)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def _change(customer, dimension="value_tier", to="A"):
    now = timezone.now()
    return AssignmentChange.objects.create(
        customer=customer,
        dimension=dimension,
        from_value="B",
        to_value=to,
        changed_at=now,
        as_of=now.date(),
        source="batch",
    )


def _ticket(customer, number="T1"):
    now = timezone.now()
    return Ticket.objects.create(
        customer=customer,
        ticket_number=number,
        kind="complaint",
        opened_at=now,
        sla_due_at=now + dt.timedelta(days=1),
    )


def _due_now():
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())


def test_a_grade_change_is_delivered_signed_to_the_subscriber(receiver):
    customer = factories.customer()
    webhook_subscribe(actor=None, name="crm", url=receiver.url, event_types=["grade.changed"], secret=SECRET)
    change = _change(customer)
    _change(customer, dimension="lifecycle", to="mature")  # not subscribed

    counts = webhooks_run()

    assert counts == {"queued": 1, "delivered": 1, "retrying": 0, "gave_up": 0}
    headers, body = receiver.requests[0]
    assert headers["X-Strata-Event"] == "grade.changed"
    assert headers["X-Strata-Delivery"] == f"change:{change.pk}"
    assert signature_valid(secret=SECRET, header=headers["X-Strata-Signature"], body=body)
    assert not signature_valid(secret="other", header=headers["X-Strata-Signature"], body=body)
    payload = json.loads(body)
    assert (
        payload["data"]["to"] == "A"
        and payload["data"]["customer"]["account_number"] == customer.account_number
    )
    assert WebhookDelivery.objects.get().status == "delivered"


def test_a_500_is_retried_with_back_off_then_delivered(receiver):
    customer = factories.customer()
    webhook_subscribe(actor=None, name="crm", url=receiver.url, event_types=["ticket.created"], secret=SECRET)
    _ticket(customer)
    receiver.answers = [500, 503]
    deliveries_produce()

    assert deliveries_send() == {"delivered": 0, "retrying": 1, "gave_up": 0}
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code == 500 and delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=backoff(1) - 5)
    assert deliveries_send() == {"delivered": 0, "retrying": 0, "gave_up": 0}  # not due yet
    _due_now()
    assert deliveries_send()["retrying"] == 1
    _due_now()
    assert deliveries_send()["delivered"] == 1
    assert len(receiver.requests) == 3 and WebhookDelivery.objects.get().attempts == 3
    assert backoff(2) == 2 * backoff(1)


def test_delivery_gives_up_after_the_subscriptions_attempts(receiver):
    customer = factories.customer()
    webhook_subscribe(
        actor=None, name="crm", url=receiver.url, event_types=["ticket.created"], max_attempts=3
    )
    _ticket(customer)
    receiver.answers = [500] * 10
    deliveries_produce()
    for _ in range(3):
        _due_now()
        deliveries_send()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "gave_up" and delivery.attempts == 3 and len(receiver.requests) == 3
    _due_now()
    assert deliveries_send() == {"delivered": 0, "retrying": 0, "gave_up": 0}


def test_an_unreachable_receiver_is_an_attempt_that_failed():
    customer = factories.customer()
    webhook_subscribe(actor=None, name="down", url="http://127.0.0.1:9/none", event_types=["ticket.created"])
    _ticket(customer)
    deliveries_produce()
    assert deliveries_send()["retrying"] == 1
    assert WebhookDelivery.objects.get().last_error


def test_each_change_is_queued_once_and_only_changes_after_subscribing():
    customer = factories.customer()
    _change(customer, to="C")  # before the subscription
    webhook_subscribe(
        actor=None, name="crm", url="http://127.0.0.1:9/", event_types=["grade.changed", "risk.changed"]
    )
    _change(customer, dimension="churn_risk", to="high")
    assert deliveries_produce() == 1
    assert deliveries_produce() == 0
    assert WebhookDelivery.objects.get().event_type == "risk.changed"


def test_event_types_follow_the_dimension_names():
    assert event_type_of("lifecycle") == "lifecycle.changed"
    assert event_type_of("churn_risk") == "risk.changed"
    assert event_type_of("value_tier") == "grade.changed"
    assert event_type_of("customer_class") == "group.changed"
