"""Retention of uploaded import files: `strata import-purge` deletes what is older than the setting says,
keeps the job rows and the files a command imported where they lay, and audits what it did."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from stratacrm.accounts.models import AuditEntry, Role
from stratacrm.cli import app
from stratacrm.ingest.importer.retention import import_files_purge
from stratacrm.ingest.importer.services import import_job_create
from stratacrm.ingest.models import ImportJob
from tests import factories

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _upload(tmp_path: Path, name: str, *, age_days: int) -> ImportJob:
    source = tmp_path / name
    source.write_text("account\nA1\n", encoding="utf-8")
    job = import_job_create(actor=factories.user(role=Role.ADMINISTRATOR), file_name=name, path=source)
    problems = Path(job.file_path).with_name(f"{name}.problems.csv")
    problems.write_text("row,table,column,value,reason\n", encoding="utf-8")
    created = timezone.now() - dt.timedelta(days=age_days)
    ImportJob.objects.filter(pk=job.pk).update(created_at=created, problems_file=str(problems))
    job.refresh_from_db()
    return job


def _orphan(root: Path, name: str, *, age_days: int) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "left.csv").write_text("x\n", encoding="utf-8")
    then = (timezone.now() - dt.timedelta(days=age_days)).timestamp()
    os.utime(folder, (then, then))
    return folder


@pytest.fixture
def root(tmp_path, settings) -> Path:
    settings.STRATA_IMPORT_DIR = tmp_path / "imports"
    settings.STRATA_IMPORT_KEEP_DAYS = 30
    return tmp_path / "imports"


def test_purge_deletes_old_uploads_and_orphans_and_keeps_the_rest(tmp_path, root):
    old = _upload(tmp_path, "old.csv", age_days=31)
    recent = _upload(tmp_path, "recent.csv", age_days=29)
    own = tmp_path / "operator.csv"
    own.write_text("account\nA1\n", encoding="utf-8")
    command_job = import_job_create(actor=None, file_name="operator.csv", path=own, keep=False)
    ImportJob.objects.filter(pk=command_job.pk).update(created_at=timezone.now() - dt.timedelta(days=90))
    stale, fresh = _orphan(root, "stale", age_days=40), _orphan(root, "fresh", age_days=1)
    old_folder = Path(old.file_path).parent

    result = runner.invoke(app, ["import-purge"])

    assert result.exit_code == 0, result.output
    assert "deleted 2 upload folder(s)" in result.output
    assert not old_folder.exists() and not stale.exists()
    assert Path(recent.file_path).is_file() and Path(recent.problems_file).is_file() and fresh.is_dir()
    assert own.is_file()
    old.refresh_from_db()
    assert (old.file_path, old.problems_file, old.file_name, len(old.file_sha256)) == ("", "", "old.csv", 64)
    after = AuditEntry.objects.get(action="import.purge").after or {}
    assert after["jobs"] == [old.pk] and after["folders"] == 2


def test_a_dry_run_and_a_longer_period_delete_nothing(tmp_path, root):
    old = _upload(tmp_path, "old.csv", age_days=31)

    dry = runner.invoke(app, ["import-purge", "--dry-run"])
    longer = import_files_purge(days=60)

    assert dry.exit_code == 0 and "would delete 1 upload folder(s)" in dry.output
    assert longer.folders == [] and Path(old.file_path).is_file()
    assert not AuditEntry.objects.filter(action="import.purge").exists()
    assert runner.invoke(app, ["import-purge", "--days", "-1"]).exit_code != 0
