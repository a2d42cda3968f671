"""Batch runs: publish, idempotence, history, dry runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratacrm.ingest.loader import load_directory
from stratacrm.segmentation.models import Assignment, AssignmentChange, AssignmentDigest, GradingRun
from stratacrm.segmentation.runs import grading_run

from . import grading


@pytest.fixture(scope="module")
def utility_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return grading.utility(tmp_path_factory.mktemp("utility"))


@pytest.fixture
def loaded(db: None, utility_dir: Path) -> Path:
    load_directory(path=utility_dir)
    return utility_dir


def test_first_run_publishes_every_value_and_a_rerun_changes_nothing(loaded: Path) -> None:
    definition = grading.definition()
    run = grading_run(as_of=grading.AS_OF, definition=definition)
    assert run.status == "succeeded", run.error
    assert run.customers_graded > 250
    assert Assignment.objects.count() > 0
    assert run.changed_total == AssignmentChange.objects.count() > 0
    again = grading_run(as_of=grading.AS_OF, definition=definition)
    assert again.changed_total == 0
    assert GradingRun.objects.filter(status="succeeded").count() == 2


def test_a_run_that_rewrites_most_grades_refreshes_the_planner_statistics(loaded: Path) -> None:
    """On PostgreSQL a first publish (every row new) analyzes the tables it wrote, so the grade filters
    of lists and the next diff are planned with the real row counts."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans these reads by their indexes alone")

    def estimated() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'segmentation_assignment'")
            return float(cursor.fetchone()[0])

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE segmentation_assignment")  # as it stands: empty
    assert estimated() == 0
    grading_run(as_of=grading.AS_OF, definition=grading.definition())
    assert estimated() == pytest.approx(Assignment.objects.count(), rel=0.05)


Published = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]


def _published() -> Published:
    rows = Assignment.objects.order_by("customer_id", "dimension", "value").values_list(
        "customer_id", "dimension", "value", "rule_name", "rule_version", "score", "evidence", "since"
    )
    changes = AssignmentChange.objects.order_by("customer_id", "dimension", "from_value").values_list(
        "customer_id", "dimension", "from_value", "to_value", "rule_name", "rule_version", "source"
    )
    return list(rows), list(changes)


@pytest.mark.parametrize("chunk", [7, 100])
def test_publishing_in_chunks_of_customers_writes_what_one_chunk_writes(
    loaded: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first run (every customer new: read by range) and a re-run after some bills changed (a few
    customers: read by id, the temporary id table refilled per chunk) publish the same rows and history
    whether the customers are staged and published in one chunk or in many."""
    from django.db import connection, transaction

    from stratacrm.segmentation.runs import publish, staging, store

    definition = grading.definition()

    def both_runs(size: int) -> tuple[object, object, Published, Published]:
        monkeypatch.setattr(publish, "CHUNK_CUSTOMERS", size)
        monkeypatch.setattr(staging, "STAGE_CUSTOMERS", size)
        monkeypatch.setattr(store, "INLINE_IDS", min(size // 2, 500))  # small chunks: the id table
        with transaction.atomic():
            first = grading_run(as_of=grading.AS_OF, definition=definition)
            after_first = _published()
            with connection.cursor() as cursor:
                bills = "UPDATE activity_bill SET amount = amount * 5 WHERE customer_id %% %s = 0"
                cursor.execute(bills, [9])
            again = grading_run(as_of=grading.AS_OF, definition=definition)
            outcome = (first.changes, again.changes, after_first, _published())
            if connection.vendor == "postgresql":  # the candidates' rows were read by the index...
                with connection.cursor() as cursor:
                    cursor.execute("SHOW enable_seqscan")  # ...and the planner is as it was after
                    assert cursor.fetchone()[0] == "on"
            transaction.set_rollback(True)
        return outcome

    chunked, whole = both_runs(chunk), both_runs(1_000_000)
    assert chunked[1] and chunked[1] == whole[1]  # the re-run moved someone, alike
    assert chunked[0] == whole[0]
    for (rows, changes), (expected_rows, expected_changes) in (
        (chunked[2], whole[2]),
        (chunked[3], whole[3]),
    ):
        assert [r[:7] for r in rows] == [r[:7] for r in expected_rows]  # `since` is the run's time
        assert changes == expected_changes


def test_a_rerun_rewrites_only_the_rows_whose_content_changed(loaded: Path) -> None:
    """After some bills change, a row whose content (value, rule, score, evidence) stays is left as it
    was stored (same id, same run); the others are rewritten, and the result is what grading from
    nothing gives."""
    from django.db import connection

    definition = grading.definition()
    first = grading_run(as_of=grading.AS_OF, definition=definition)
    columns = (
        *("customer_id", "dimension", "value", "rule_name", "rule_version", "score", "evidence", "digest"),
    )
    before = {r[:3]: r for r in Assignment.objects.values_list(*columns, "id", "run_id", "since")}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE activity_bill SET amount = amount * 5 WHERE customer_id %% %s = 0", [9])
    again = grading_run(as_of=grading.AS_OF, definition=definition)
    after = {r[:3]: r for r in Assignment.objects.values_list(*columns, "id", "run_id", "since")}
    kept = [k for k, row in after.items() if k in before and before[k][7] == row[7]]
    rewritten = [k for k in after if k not in kept]
    assert kept and rewritten
    assert all(after[k] == before[k] for k in kept)  # untouched: same content, id and run
    assert {after[k][9] for k in kept} == {first.pk}
    assert {after[k][9] for k in rewritten} == {again.pk}
    assert all(before[k][:8] != after[k][:8] for k in rewritten if k in before)
    # A value that stays keeps its row (updated in place) and the time it was first given.
    assert all(
        before[k][8] == after[k][8] and before[k][10] == after[k][10] for k in rewritten if k in before
    )
    assert any(k in before for k in rewritten)

    Assignment.objects.all().delete()
    AssignmentDigest.objects.all().delete()
    grading_run(as_of=grading.AS_OF, definition=definition)
    scratch = {r[:3]: r for r in Assignment.objects.values_list(*columns)}
    assert {k: r[:8] for k, r in after.items()} == scratch


def test_a_rerun_rewrites_the_digests_that_changed_and_drops_those_no_longer_graded(loaded: Path) -> None:
    """After some bills change, the customers rewritten get the run's digest and the others keep theirs;
    a customer created after the as-of date is no longer graded: its grades and its digest go."""
    import datetime as dt

    from django.db import connection

    from stratacrm.customers.models import Customer

    definition = grading.definition()
    first = grading_run(as_of=grading.AS_OF, definition=definition)
    digests = dict(AssignmentDigest.objects.values_list("customer_id", "digest"))
    leaving = Customer.objects.filter(pk__in=digests).earliest("pk")
    later = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
    Customer.objects.filter(pk=leaving.pk).update(created_at=later, updated_at=later)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE activity_bill SET amount = amount * 5 WHERE customer_id %% %s = 0", [9])
    again = grading_run(as_of=grading.AS_OF, definition=definition)
    assert again.customers_graded == first.customers_graded - 1
    assert not Assignment.objects.filter(customer=leaving).exists()
    after = {
        c: (d, run) for c, d, run in AssignmentDigest.objects.values_list("customer_id", "digest", "run_id")
    }
    assert set(after) == set(digests) - {leaving.pk}
    moved = {c for c, (d, _) in after.items() if d != digests[c]}
    assert moved and len(moved) < len(after)
    assert all(after[c][1] == (again.pk if c in moved else first.pk) for c in after)
