"""Batch runs: publish, idempotence, history, dry runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratacrm.ingest.loader import load_directory
from stratacrm.segmentation.models import Assignment, AssignmentChange, GradingRun
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
