"""Retention of uploaded import files: kept `STRATA_IMPORT_KEEP_DAYS` days, then `strata import-purge`
deletes them.

Only what uploads stored under `imports_dir()` is deleted (one folder per upload: the file and its
problems file); files a command imported where they lay are the operator's own and stay. The job rows
stay too, with the file's name, size and SHA-256, so the history of imports is complete; their
`file_path` and `problems_file` are emptied.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from stratacrm.accounts.services.audit import audit_record
from stratacrm.ingest.models import ImportJob, JobStatus

from .services import imports_dir


@dataclass
class PurgeReport:
    """What a purge deleted (or, with `dry_run`, would delete)."""

    cutoff: dt.datetime
    jobs: list[int] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    bytes: int = 0


def keep_days() -> int:
    return int(settings.STRATA_IMPORT_KEEP_DAYS)


def _folder_of(path_text: str, root: Path) -> Path | None:
    """The upload folder (a direct child of `root`) holding `path_text`, or None when outside it."""
    if not path_text:
        return None
    try:
        relative = Path(path_text).resolve().relative_to(root)
    except ValueError:
        return None
    return root / relative.parts[0] if len(relative.parts) > 1 else None


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def import_files_purge(
    *, days: int | None = None, now: dt.datetime | None = None, dry_run: bool = False
) -> PurgeReport:
    """Delete the upload folders of jobs created more than `days` ago (default: the setting), and
    folders no job refers to that were last changed before then. Jobs still running are left alone."""
    days = keep_days() if days is None else days
    if days < 0:
        raise ValueError("days: zero or more")
    now = now or timezone.now()
    report = PurgeReport(cutoff=now - dt.timedelta(days=days))
    root = imports_dir().resolve()
    if not root.is_dir():
        return report
    referenced: set[Path] = set()
    old = []
    for job in ImportJob.objects.only("pk", "created_at", "status", "file_path", "problems_file"):
        folders = {f for f in (_folder_of(job.file_path, root), _folder_of(job.problems_file, root)) if f}
        if job.created_at < report.cutoff and job.status != JobStatus.RUNNING and folders:
            old.append((job, folders))
        else:
            referenced |= folders
    for job, folders in old:
        report.jobs.append(job.pk)
        report.folders += sorted(f for f in folders - referenced if f.is_dir())
    cutoff = report.cutoff.timestamp()
    known = referenced | set(report.folders)
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and folder not in known and folder.stat().st_mtime < cutoff:
            report.folders.append(folder)
    report.bytes = sum(_size(f) for f in report.folders)
    if dry_run or not (report.jobs or report.folders):
        return report
    for folder in report.folders:
        shutil.rmtree(folder, ignore_errors=True)
    for job, folders in old:
        fields = {}
        if _folder_of(job.file_path, root) in folders:
            fields["file_path"] = ""
        if _folder_of(job.problems_file, root) in folders:
            fields["problems_file"] = ""
        ImportJob.objects.filter(pk=job.pk).update(**fields)
    audit_record(
        actor=None,
        action="import.purge",
        object_type="ingest.importjob",
        after={"days": days, "jobs": report.jobs, "folders": len(report.folders), "bytes": report.bytes},
    )
    return report
