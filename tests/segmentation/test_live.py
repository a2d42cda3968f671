"""Live re-grading: an event written through the services re-grades its customer in the same
transaction, and always to what a batch run would give."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratacrm.activity.services import bill_create
from stratacrm.customers.models import Customer
from stratacrm.customers.services import customer_create
from stratacrm.segmentation.engines import engine_default
from stratacrm.segmentation.models import Assignment, AssignmentChange
from stratacrm.segmentation.runs import definition_use, grading_run, today
from stratacrm.segmentation.runs.compute import compute, plan_for
from stratacrm.segmentation.runs.staging import stage
from tests import factories

from . import grading
from .live_events import KINDS, event_write, month_start

_numbers = itertools.count(1)


@pytest.fixture
def definition(db: None) -> Iterator[grading.GradingDefinition]:
    with definition_use(grading.definition()) as chosen:
        yield chosen  # type: ignore[misc]


def _customers(count: int) -> list[Customer]:
    """Customers made through the service (which grades them at once), each with a meter."""
    customers = []
    for n in range(count):
        customer = customer_create(
            actor=None,
            account_number=f"L{next(_numbers):09d}",
            name=f"Live {n}",
            customer_type=("residential", "commercial", "industrial")[n % 3],
        )
        factories.meter(customer)
        customers.append(customer)
    return customers


def _published(customer_id: int) -> set[tuple[object, ...]]:
    rows = Assignment.objects.filter(customer_id=customer_id)
    return {(a.dimension, a.value, a.rule_name, a.rule_version, _evidence(a.evidence)) for a in rows}


def _batch(definition: grading.GradingDefinition, customer_id: int) -> set[tuple[object, ...]]:
    computed = compute(definition=definition, engine=engine_default(), as_of=today(), today=today())
    staged = stage(results=computed.results, definition=definition, plan=plan_for(definition)).rows
    rows = [r for r in staged.to_pylist() if r["customer_id"] == customer_id]
    return {
        (
            r["dimension"],
            r["value"],
            r["rule_name"] or "",
            r["rule_version"],
            _evidence(json.loads(r["evidence"])),
        )
        for r in rows
    }


def _evidence(value: object) -> str:
    return json.dumps(value, sort_keys=True)


def test_an_event_regrades_its_customer_in_the_same_transaction(
    definition: grading.GradingDefinition,
) -> None:
    (customer,) = _customers(1)
    assert Assignment.objects.filter(customer=customer, dimension="value_tier").get().value == "C"
    bill_create(
        actor=None,
        customer_id=customer.pk,
        period=month_start(1),
        amount=Decimal(25000),
        issued_on=month_start(1) + dt.timedelta(days=32),
        due_date=month_start(1) + dt.timedelta(days=47),
    )
    tier = Assignment.objects.get(customer=customer, dimension="value_tier")
    assert (tier.value, tier.rule_name, tier.rule_version, tier.run_id) == ("A", "tier A", 1, None)
    assert tier.evidence["billed_amount_12m"] == 25000
    change = AssignmentChange.objects.get(customer=customer, dimension="value_tier", to_value="A")
    assert (change.from_value, change.source, change.event, change.run_id) == (
        "C",
        "live",
        "bill.create",
        None,
    )


def test_an_event_that_fails_leaves_no_grade_behind(definition: grading.GradingDefinition) -> None:
    (customer,) = _customers(1)
    before = _published(customer.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        event_write("bill", customer, amount=300, back=1)
        raise RuntimeError("the caller fails after the event")
    assert _published(customer.pk) == before


def test_a_batch_run_leaves_customers_just_graded_live_alone(definition: grading.GradingDefinition) -> None:
    customers = _customers(2)
    event_write("bill", customers[0], amount=300, back=1)
    run = grading_run(definition=definition)
    assert run.status == "succeeded"
    assert run.changed_total == 0  # everyone was graded live (created, then the bill), as a batch would


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    events=st.lists(
        st.tuples(st.sampled_from(KINDS), st.integers(0, 2), st.integers(1, 400), st.integers(0, 20)),
        min_size=1,
        max_size=6,
    )
)
def test_live_grades_always_equal_a_batch_run(
    definition: grading.GradingDefinition, events: list[tuple[str, int, int, int]]
) -> None:
    with transaction.atomic():
        customers = _customers(3)
        for kind, which, amount, back in events:
            customer = customers[which]
            event_write(kind, customer, amount=amount, back=back)
            assert _published(customer.pk) == _batch(definition, customer.pk), kind
        transaction.set_rollback(True)
