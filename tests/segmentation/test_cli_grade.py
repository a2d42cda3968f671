"""The commands: `strata grade run|explain`, `strata export assignments`, `strata snapshot`."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from stratacrm.activity.models import Bill
from stratacrm.cli import app
from stratacrm.customers.models import Customer
from stratacrm.ingest.loader import load_directory
from stratacrm.segmentation.models import Assignment, GradingRun
from stratacrm.segmentation.runs import definition_use

from . import grading

runner = CliRunner()


@pytest.fixture(scope="module")
def utility_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return grading.utility(tmp_path_factory.mktemp("utility"), customers=120)


@pytest.fixture
def loaded(db: None, utility_dir: Path) -> Path:
    load_directory(path=utility_dir)
    return utility_dir


def test_grade_run_publishes_and_a_dry_run_writes_nothing(loaded: Path) -> None:
    with definition_use(grading.definition()):
        dry = runner.invoke(app, ["grade", "run", "--as-of", "2025-06-15", "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert "(dry run)" in dry.output and Assignment.objects.count() == 0
        done = runner.invoke(app, ["grade", "run", "--as-of", "2025-06-15"])
        assert done.exit_code == 0, done.output
    dry_run, real = GradingRun.objects.order_by("id")
    assert dry_run.dry_run and dry_run.changes == real.changes and real.changed_total > 0
    assert f"{real.changed_total:,}" in done.output and "value_tier" in done.output


def test_grade_explain_prints_rules_and_values(loaded: Path) -> None:
    with definition_use(grading.definition()):
        runner.invoke(app, ["grade", "run", "--as-of", "2025-06-15"])
        customer = Assignment.objects.filter(dimension="value_tier", value="B").first().customer  # type: ignore[union-attr]
        result = runner.invoke(app, ["grade", "explain", customer.account_number])
        missing = runner.invoke(app, ["grade", "explain", "NO-SUCH"])
    assert result.exit_code == 0, result.output
    assert (
        "tier B" in result.output
        and "billed_amount_12m" in result.output
        and "nearest missed" in result.output
    )
    assert missing.exit_code != 0


def test_export_and_an_unknown_as_of(loaded: Path, tmp_path: Path) -> None:
    with definition_use(grading.definition()):
        runner.invoke(app, ["grade", "run", "--as-of", "2025-06-15"])
        wrong = runner.invoke(app, ["grade", "run", "--as-of", "15/06/2025"])
    out = tmp_path / "a.csv"
    result = runner.invoke(app, ["export", "assignments", "--out", str(out)])
    assert result.exit_code == 0 and f"{Assignment.objects.count():,} assignments" in result.output
    assert wrong.exit_code != 0 and "YYYY-MM-DD" in wrong.output


def test_snapshot_writes_the_interchange_layout_that_loads_back(loaded: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["snapshot", "--out", str(tmp_path / "snap")])
    assert result.exit_code == 0, result.output
    bills = pq.read_table(tmp_path / "snap" / "bills.parquet")
    assert bills.num_rows == Bill.objects.count()
    assert bills.schema.equals(pq.read_schema(loaded / "bills.parquet"))
    customers = pq.read_table(tmp_path / "snap" / "customers.parquet")
    assert customers.num_rows == Customer.objects.count()
    first = Customer.objects.order_by("id").first()
    assert first is not None
    row = customers.filter(customers.column("id").to_numpy() == first.pk).to_pylist()[0]
    assert (row["account_number"], row["created_at"]) == (first.account_number, first.created_at)
