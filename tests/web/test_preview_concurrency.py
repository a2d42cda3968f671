"""A preview computes in a read transaction: an event can be written while a preview is under way."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from stratacrm.activity.models import Interaction
from stratacrm.activity.services import interaction_log
from stratacrm.customers.models import Customer
from stratacrm.segmentation.live import definition_live
from stratacrm.segmentation.preview import Preview, rules_preview
from stratacrm.segmentation.runs.batch import today

HOLD = 40.0  # how long the preview keeps its transaction open at most
WRITE_WITHIN = 10.0  # an event written meanwhile must not wait for the preview


class Held:
    """Holds the preview inside its transaction until released: at its first query in there."""

    def __init__(self) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()
        self.released_in_time = True

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if connection.in_atomic_block and not self.inside.is_set():
            self.inside.set()
            self.released_in_time = self.release.wait(HOLD)
        return execute(sql, params, many, context)


def call(customer: Customer) -> None:
    interaction_log(
        actor=None,
        customer_id=customer.pk,
        channel="phone",
        direction="inbound",
        occurred_at=timezone.now(),
        subject="call",
    )


@pytest.mark.parametrize("engine", ["operational", "duckdb"])
@pytest.mark.django_db(transaction=True)
def test_an_event_is_written_while_a_preview_computes(utility_committed: Any, engine: str) -> None:
    definition = definition_live()
    customer = Customer.objects.order_by("pk").first()
    assert definition is not None and customer is not None
    call(customer)  # the first event compiles the live plan: not what is timed here
    held, found = Held(), {}

    def preview() -> None:
        try:
            with connection.execute_wrapper(held):
                # As of yesterday: the preview then reads the audit trail for attribute edits since,
                # its first query inside the transaction, where `held` stops it.
                found["preview"] = rules_preview(
                    path=Path("unused.yaml"),
                    definition=definition,
                    as_of=today() - dt.timedelta(days=1),
                    engine=None if engine == "operational" else engine,
                )
        finally:
            connections.close_all()

    thread = threading.Thread(target=preview)
    thread.start()
    try:
        assert held.inside.wait(60), "the preview never started"
        started = time.monotonic()
        call(customer)
        waited = time.monotonic() - started
        still_held = not held.release.is_set() and thread.is_alive()
    finally:
        held.release.set()
        thread.join(120)
    assert still_held and held.released_in_time
    assert waited < WRITE_WITHIN, f"the event waited {waited:.1f} s for the preview"
    assert Interaction.objects.filter(customer=customer, subject="call").count() == 2
    assert isinstance(found.get("preview"), Preview) and found["preview"].customers > 0
