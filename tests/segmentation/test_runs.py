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
