"""What the import pages read: past jobs with their counts, a preview's first rows masked for the reader,
and a job's problems, a page at a time, from its problems file."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from stratacrm.accounts.masking import customer_fields_mask, event_notes_mask
from stratacrm.ingest.importer.problems import Problem
from stratacrm.ingest.importer.run import ImportReport
from stratacrm.ingest.importer.targets import TARGETS
from stratacrm.ingest.models import ImportJob

from ..import_labels import field_label, target_label

JOBS_SHOWN = 100
PROBLEMS_PAGE = 100
COUNTS = ("new", "updated", "unchanged")


@dataclass(frozen=True)
class JobLine:
    job: ImportJob
    mapping: str
    counts: dict[str, int]  # new, updated, unchanged over every table


@dataclass(frozen=True)
class PreviewTable:
    name: str
    label: str
    columns: list[tuple[str, str]]  # field name, label
    rows: list[list[Any]]


def _counts(report: dict[str, Any]) -> dict[str, int]:
    tables = report.get("tables") or {}
    return {k: sum(int(t.get(k, 0)) for t in tables.values()) for k in COUNTS}


def mapping_name(job: ImportJob) -> str:
    if job.profile is not None:
        return job.profile.name
    return str((job.mapping or {}).get("name") or "")


def job_lines(*, limit: int = JOBS_SHOWN) -> list[JobLine]:
    """The latest import jobs, newest first, with their counts (no customer values)."""
    jobs = ImportJob.objects.select_related("profile", "created_by")[:limit]
    return [JobLine(job, mapping_name(job), _counts(job.report)) for job in jobs]


def table_counts(job: ImportJob) -> list[tuple[str, dict[str, int]]]:
    return [(target_label(name), counts) for name, counts in (job.report.get("tables") or {}).items()]


def _shown(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "✓" if value else "—"
    return value


def preview_tables(report: ImportReport, *, role: str) -> list[PreviewTable]:
    """The first rows of each table as they would be written, masked as `role` reads customers and
    events: the same masking as every other page."""
    tables = []
    for name, rows in report.preview.items():
        target = TARGETS[name]
        mask = customer_fields_mask if name == "customers" else event_notes_mask
        masked = [mask(r, role=role) for r in rows]
        fields = [k for k in (rows[0] if rows else {}) if k != "row"]
        columns = [("row", "#"), *((f, field_label(target, f)) for f in fields)]
        tables.append(
            PreviewTable(
                name=name,
                label=target_label(name),
                columns=columns,
                rows=[[_shown(r.get(c)) for c, _ in columns] for r in masked],
            )
        )
    return tables


def problems_page(job: ImportJob, *, page: int) -> tuple[list[Problem], bool]:
    """One page of the job's problems from its problems file, and whether another page follows."""
    path = Path(job.problems_file) if job.problems_file else None
    if path is None or not path.is_file():
        return [], False
    start = (max(page, 1) - 1) * PROBLEMS_PAGE
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = itertools.islice(csv.DictReader(handle), start, start + PROBLEMS_PAGE + 1)
        problems = [
            Problem(
                row=int(r["row"]) if r.get("row") else None,
                table=r.get("table") or "",
                column=r.get("column") or "",
                value=r.get("value") or "",
                reason=r.get("reason") or "",
            )
            for r in records
        ]
    return problems[:PROBLEMS_PAGE], len(problems) > PROBLEMS_PAGE
