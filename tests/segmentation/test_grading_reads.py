"""Explain, preview, export and as-of replays over a generated utility graded by a batch run."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from stratacrm.customers.models import Customer
from stratacrm.customers.services import customer_update
from stratacrm.ingest.loader import load_directory
from stratacrm.segmentation.engines import engine_default
from stratacrm.segmentation.explain import assignment_explain
from stratacrm.segmentation.export import assignments_export
from stratacrm.segmentation.models import Assignment
from stratacrm.segmentation.preview import rules_preview
from stratacrm.segmentation.runs import definition_use, grading_run, today
from stratacrm.segmentation.runs.compute import compute, plan_for
from stratacrm.segmentation.runs.staging import stage

from . import grading
from .live_events import event_write


@pytest.fixture(scope="module")
def utility_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return grading.utility(tmp_path_factory.mktemp("utility"))


@pytest.fixture
def graded(db: None, utility_dir: Path) -> grading.GradingDefinition:
    load_directory(path=utility_dir)
    definition = grading.definition()
    grading_run(as_of=grading.AS_OF, definition=definition)
    return definition


def _rows(definition: grading.GradingDefinition, as_of: Any) -> set[tuple[Any, ...]]:
    computed = compute(definition=definition, engine=engine_default(), as_of=as_of, today=today())
    staged = stage(results=computed.results, definition=definition, plan=plan_for(definition)).rows
    return {
        (
            r["customer_id"],
            r["dimension"],
            r["value"],
            r["rule_name"] or "",
            r["rule_version"],
            json.loads(r["evidence"]) and json.dumps(json.loads(r["evidence"]), sort_keys=True),
        )
        for r in staged.to_pylist()
    }


def _published() -> set[tuple[Any, ...]]:
    return {
        (
            a.customer_id,
            a.dimension,
            a.value,
            a.rule_name,
            a.rule_version,
            json.dumps(a.evidence, sort_keys=True),
        )
        for a in Assignment.objects.all()
    }


def test_explain_names_the_rule_its_values_and_the_nearest_miss(graded: grading.GradingDefinition) -> None:
    tier_b = Assignment.objects.filter(dimension="value_tier", value="B").first()
    assert tier_b is not None
    explained = {d.dimension: d for d in assignment_explain(customer=tier_b.customer, definition=graded)}
    tier = explained["value_tier"]
    (held,) = tier.held
    assert held.rule is not None and (held.value, held.rule.name, held.rule.version) == ("B", "tier B", 1)
    assert held.rule.holds and {c.key for c in held.rule.checks} == {"billed_amount_12m", "late_days_max_12m"}
    amount = next(c for c in held.rule.checks if c.key == "billed_amount_12m")
    assert amount.actual == tier_b.evidence["billed_amount_12m"] > 1500
    miss = tier.nearest_miss
    assert miss is not None and miss.name == "tier A" and not miss.holds
    (failing,) = [c for c in miss.checks if not c.holds]
    assert failing.actual == amount.actual and failing.expected == 20000
    for dimension in explained.values():  # every assignment can be explained
        for value in dimension.held:
            assert value.rule is not None or value.value in ("other", "C", "low")


def test_preview_moves_exactly_whom_publishing_moves(graded: grading.GradingDefinition) -> None:
    rules = [list(r) for r in grading.RULES]
    rules[3] = [
        "value_tier",
        "exclusive",
        "C",
        [
            ("tier A", "A", "billed_amount_12m > 5000"),
            ("tier B", "B", "billed_amount_12m > 1500 AND late_days_max_12m < 30"),
        ],
    ]
    changed = grading.definition(version=2, rules=rules)
    before = _fingerprint()
    preview = rules_preview(path=Path("unused.yaml"), as_of=grading.AS_OF, definition=changed, samples=3)
    assert _fingerprint() == before  # nothing written
    moved = sum(n for (d, _, to), n in preview.moves.items() if d == "value_tier" and to == "A")
    assert moved > 0 and all(len(s) <= 3 for s in preview.samples.values())
    run = grading_run(as_of=grading.AS_OF, definition=changed)
    assert run.changes == {
        d: sum(n for (dd, _, _), n in preview.moves.items() if dd == d) for d in run.changes
    }
    assert run.changed_total == sum(preview.moves.values())


def _fingerprint() -> tuple[Any, ...]:
    digest = hashlib.sha256()
    counts = []
    with connection.cursor() as cursor:
        for table, order in (
            ("segmentation_assignment", "id"),
            ("segmentation_assignmentchange", "id"),
            ("segmentation_gradingrun", "id"),
            ("segmentation_assignmentdigest", "customer_id"),
        ):
            cursor.execute(f"SELECT * FROM {table} ORDER BY {order}")
            rows = cursor.fetchall()
            counts.append(len(rows))
            digest.update(repr(rows).encode())
    return tuple(counts), digest.hexdigest()


def test_export_writes_every_assignment(graded: grading.GradingDefinition, tmp_path: Path) -> None:
    out = tmp_path / "assignments.csv"
    rows = assignments_export(out=out)
    with out.open() as handle:
        lines = list(csv.DictReader(handle))
    assert rows == len(lines) == Assignment.objects.count()
    first = (
        Assignment.objects.order_by("customer_id", "dimension", "value").select_related("customer").first()
    )
    assert first is not None
    assert (lines[0]["account_number"], lines[0]["dimension"], lines[0]["value"]) == (
        first.customer.account_number,
        first.dimension,
        first.value,
    )


def test_as_of_replays_a_past_run_after_later_events_and_edits(graded: grading.GradingDefinition) -> None:
    first = _published()
    with definition_use(graded):
        for customer in Customer.objects.order_by("id")[:15]:
            changes = {
                "customer_type": "industrial" if customer.customer_type != "industrial" else "residential"
            }
            customer_update(actor=None, customer_id=customer.pk, version=customer.version, changes=changes)
            event_write("interaction", customer, amount=1, back=0)
            event_write("complaint", customer, amount=1, back=0)
    assert _published() != first  # the live grades moved on (as of today)
    assert _rows(graded, grading.AS_OF) == first
