"""Import services for every front end (CLI, API, UI): profiles saved by name, jobs that record each
import (who, which file and its hash, the mapping, counts, problems file) and run it.

An import needs the `import.run` action of docs/security.md; `actor=None` is the system (the CLI run
by an operator), as in the other services.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.accounts.services.audit import audit_record
from stratacrm.ingest.models import ImportJob, ImportProfile, JobStatus

from .problems import ImportRefused, Problems
from .profile import Profile, ProfileError, profile_from_yaml, profile_parse
from .run import ImportReport, Progress, import_file

SAFE_NAME = re.compile(r"[^\w.\-]+")
PROGRESS_EVERY = 0.5  # seconds between progress writes to the job row


def imports_dir() -> Path:
    """Where uploaded files and problem files are kept (STRATA_VAR_DIR/imports)."""
    return Path(getattr(settings, "STRATA_IMPORT_DIR", settings.VAR_DIR / "imports"))


def _require(actor: User | None, action: str) -> None:
    if actor is not None:
        user_require(actor, action)


@transaction.atomic
def import_profile_save(*, actor: User | None, definition: dict[str, Any] | str) -> ImportProfile:
    """Check a profile (YAML text or plain data) and save it under its name, replacing an older one."""
    _require(actor, "import.run")
    profile = profile_from_yaml(definition) if isinstance(definition, str) else profile_parse(definition)
    now = timezone.now()
    saved, created = ImportProfile.objects.update_or_create(
        name=profile.name,
        defaults={
            "description": profile.description,
            "definition": profile.definition,
            "updated_at": now,
            "created_by": actor,
        },
        create_defaults={
            "description": profile.description,
            "definition": profile.definition,
            "created_at": now,
            "updated_at": now,
            "created_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action="import_profile.save",
        obj=saved,
        after={"name": saved.name, "created": created, "tables": [t.target.name for t in profile.tables]},
    )
    return saved


def import_profile_get(*, name: str) -> Profile:
    """The saved profile called `name`, parsed; ImportProfile.DoesNotExist when there is none."""
    return profile_parse(ImportProfile.objects.get(name=name).definition)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_job_create(*, actor: User | None, file_name: str, path: Path, keep: bool = True) -> ImportJob:
    """Record a file to import. With `keep` the file is copied under imports_dir() (uploads: the
    temporary upload goes away; audited as `import.upload`); without, the job refers to the file where
    it is (the CLI)."""
    _require(actor, "import.run")
    name = SAFE_NAME.sub("_", Path(file_name).name)[:200] or "upload"
    stored = path
    if keep:
        folder = imports_dir() / uuid.uuid4().hex
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / name
        shutil.copyfile(path, stored)
    job = ImportJob.objects.create(
        created_by=actor,
        created_at=timezone.now(),
        file_name=name,
        file_path=str(stored),
        file_size=stored.stat().st_size,
        file_sha256=file_digest(stored),
    )
    if keep:
        audit_record(
            actor=actor,
            action="import.upload",
            obj=job,
            after={"file": name, "size": job.file_size, "sha256": job.file_sha256},
        )
    return job


def import_job_map(
    *, actor: User | None, job: ImportJob, profile_name: str = "", definition: Any = None
) -> ImportJob:
    """Choose the mapping of a job: a saved profile by name, or a profile given inline."""
    _require(actor, "import.run")
    if profile_name:
        saved = ImportProfile.objects.get(name=profile_name)
        job.profile, job.mapping = saved, saved.definition
    elif definition is not None:
        profile = profile_parse(definition)
        job.profile, job.mapping = None, profile.definition
    else:
        raise ProfileError("name a saved profile or give one")
    job.save(update_fields=["profile", "mapping"])
    return job


def import_job_run(
    *,
    actor: User | None,
    job: ImportJob,
    dry_run: bool = False,
    on_error: str = "abort",
    problems_path: Path | None = None,
    progress: Progress | None = None,
    preview_rows: int = 0,
) -> ImportReport:
    """Run (or, with `dry_run`, check) a mapped job; the job row records the outcome and progress.

    Every problem goes to a CSV file (`problems_path`, or beside the stored file); raises ImportRefused
    when nothing was written because of them.
    """
    _require(actor, "import.run")
    if job.mapping is None:
        raise ProfileError("choose a profile (mapping) for this import first")
    if on_error not in ("abort", "skip"):
        raise ProfileError("on_error: abort or skip")
    profile = profile_parse(job.mapping)
    _job_update(job, status=JobStatus.RUNNING, dry_run=dry_run, on_error=on_error, stage="reading", error="")
    path = Path(job.file_path)
    tracker = _tracker(job, progress)
    try:
        report = import_file(
            path=path,
            file_name=job.file_name,
            profile=profile,
            actor=actor,
            dry_run=dry_run,
            on_error=on_error,
            job=job,
            progress=tracker,
            preview_rows=preview_rows,
        )
    except ImportRefused as refused:
        problems_file = _problems_write(refused.problems, problems_path, path)
        _job_update(
            job,
            status=JobStatus.INVALID,
            stage="refused",
            problems_total=refused.problems.total,
            problems_file=str(problems_file),
            report={"problems": refused.problems.total, "problems_by_reason": refused.problems.summary()},
            finished_at=timezone.now(),
        )
        raise
    except Exception as exc:
        _job_update(
            job, status=JobStatus.FAILED, stage="failed", error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    written = _problems_write(report.problems, problems_path, path) if report.problems else None
    _job_update(
        job,
        status=JobStatus.VALID if dry_run else JobStatus.COMMITTED,
        stage="done",
        encoding=report.encoding,
        rows_total=report.rows,
        rows_done=report.rows,
        report=report.as_dict(),
        problems_total=report.problems.total,
        problems_file=str(written or ""),
        finished_at=timezone.now(),
    )
    return report


def _problems_write(problems: Problems, given: Path | None, source: Path) -> Path:
    path = given if given is not None else source.with_name(source.name + ".problems.csv")
    problems.write_csv(path)
    return path


def _job_update(job: ImportJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _tracker(job: ImportJob, progress: Progress | None) -> Progress:
    """Pass progress on to the caller and save it on the job row every PROGRESS_EVERY seconds."""
    last = [0.0]

    def track(done: int, total: int | None = None, description: str | None = None) -> None:
        if progress is not None:
            progress(done, total=total, description=description)
        now = timezone.now().timestamp()
        if now - last[0] >= PROGRESS_EVERY or done == total:
            last[0] = now
            fields: dict[str, Any] = {"rows_done": done}
            if total is not None:
                fields["rows_total"] = total
            if description:
                fields["stage"] = description[:32]
            _job_update(job, **fields)

    return track
