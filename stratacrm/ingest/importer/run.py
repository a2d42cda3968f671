"""One import from start to end: read, convert and clean, check every row, then write all or nothing.

Nothing is written before every table of the file has been checked. With `on_error="abort"` any
problem refuses the whole file; with `"skip"` the rows with problems are left out (and listed) and the
rest is written. Writing is one transaction; afterwards the customers touched are marked changed
(`customers_changed`, where re-grading hooks in) inside it, and one audit entry records the import.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from stratacrm.accounts.models import User
from stratacrm.accounts.services.audit import audit_record
from stratacrm.customers.services import customers_changed
from stratacrm.ingest.models import ImportJob

from .checks import Checked, check_table, known_add, known_references, rows_mask
from .cleaning import CleaningReport
from .convert import Converted, convert_table
from .problems import ImportRefused, Problems
from .profile import Profile
from .reading import SourceTable, read_source
from .targets import TARGETS
from .writing import Ids, plan_counts, write_table

Progress = Callable[..., None]
ORDER = list(TARGETS)
# Customers per customers_changed call: its `id IN (…)` must stay within SQLite's bound values (250,000).
CHANGED_CHUNK = 50_000


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    rows: int = 0
    encoding: str = ""
    format: str = ""
    dry_run: bool = False
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    cleaning: dict[str, Any] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    rows_skipped: int = 0
    seconds: float = 0.0
    changed_seconds: float = 0.0  # of `seconds`: marking the customers changed (and re-grading them)
    preview: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "encoding": self.encoding,
            "format": self.format,
            "dry_run": self.dry_run,
            "tables": self.tables,
            "cleaning": self.cleaning,
            "problems": self.problems.total,
            "problems_by_reason": self.problems.summary(),
            "rows_skipped": self.rows_skipped,
            "seconds": round(self.seconds, 3),
            "changed_seconds": round(self.changed_seconds, 3),
        }


def import_file(
    *,
    path: Path,
    file_name: str,
    profile: Profile,
    actor: User | None = None,
    dry_run: bool = False,
    on_error: str = "abort",
    job: ImportJob | None = None,
    progress: Progress | None = None,
    preview_rows: int = 0,
) -> ImportReport:
    """Import one file with `profile`; raise ImportRefused (nothing written) when it must be refused.

    The report's problems list every problem found, also those of rows skipped with `on_error="skip"`.
    """
    started = time.perf_counter()
    report = ImportReport(dry_run=dry_run)
    problems = report.problems
    source = read_source(path=path, name=file_name, source=profile.source, problems=problems)
    report.rows, report.encoding, report.format = source.rows, source.encoding, source.format
    _columns_present(source, profile, problems)
    _step(progress, 0, source.rows, "checking")
    checked = _checked(source, profile, problems, on_error=on_error, report=report)
    if problems and (on_error == "abort" or problems.has_file_problems()):
        raise ImportRefused(problems)
    report.rows_skipped = len(problems.bad_rows())
    if preview_rows:
        report.preview = {c.target.name: _preview(c, preview_rows) for c in checked}
    if dry_run:
        for table in checked:
            report.tables[table.target.name] = plan_counts(table).as_dict()
        report.seconds = time.perf_counter() - started
        return report
    with transaction.atomic():
        ids = Ids()
        touched: set[int] = set()
        for table in checked:
            _step(progress, 0, len(table.rows), f"writing {table.target.name}")
            result = write_table(checked=table, ids=ids, actor=actor, job=job)
            report.tables[table.target.name] = result.as_dict()
            touched |= result.customer_ids
            _step(progress, len(table.rows), len(table.rows), f"writing {table.target.name}")
        audit_record(
            actor=actor,
            action="import.commit",
            obj=job,
            object_type="ingest.importjob",
            after={"file": file_name, "profile": profile.name, "tables": report.tables, "rows": report.rows},
        )
        hook = time.perf_counter()
        ordered = sorted(touched)
        for start in range(0, len(ordered), CHANGED_CHUNK):
            customers_changed(customer_ids=ordered[start : start + CHANGED_CHUNK], reason="import")
        report.changed_seconds = time.perf_counter() - hook
    report.seconds = time.perf_counter() - started
    return report


def _step(progress: Progress | None, done: int, total: int, description: str) -> None:
    if progress is not None:
        progress(done, total=total, description=description)


def _columns_present(source: SourceTable, profile: Profile, problems: Problems) -> None:
    missing = [c for c in profile.columns_used() if c not in source.header]
    for column in missing:
        problems.file("the profile maps this column but the file has none of that name", column=column)
    if missing:
        raise ImportRefused(problems)


def _checked(
    source: SourceTable, profile: Profile, problems: Problems, *, on_error: str, report: ImportReport
) -> list[Checked]:
    cleaning = CleaningReport()
    tables = sorted(profile.tables, key=lambda t: ORDER.index(t.target.name))
    converted: list[Converted] = [
        convert_table(source=source, table_map=t, profile=profile, problems=problems, report=cleaning)
        for t in tables
    ]
    known = known_references(tables=converted)
    checked = []
    for table, table_map in zip(converted, tables, strict=True):
        result = check_table(
            converted=table, target=table_map.target, known=known, problems=problems, row_key=table_map.key
        )
        if on_error == "skip" and problems:
            result = result.filter(rows_mask(result.rows, problems.bad_rows()))
        known_add(known, result)
        checked.append(result)
    report.cleaning = cleaning.as_dict()
    return checked


def _preview(table: Checked, count: int) -> list[dict[str, Any]]:
    """The first rows as they would be written (typed values; the caller masks them)."""
    head = {
        name: table.columns[name].slice(0, count).to_pylist()
        for name in table.sources
        if name in table.columns
    }
    rows = table.rows.slice(0, count).to_pylist()
    return [{"row": r, **{k: v[i] for k, v in head.items()}} for i, r in enumerate(rows)]
