"""Imports from the web: upload, map, commit in the background. The importer's services do the work
(`ingest.importer.services`, shared with the CLI and the API); this adds what a page needs around them.

A commit runs in a thread of the server (`background.in_background`) and records its outcome on the job
row. Its writes are one transaction, so the row's progress fields stay invisible to other connections
until it ends: the thread also keeps its progress in memory here, for the progress partial the page
polls (a server of several processes shows the stage the row last committed instead).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.ingest.importer.problems import ImportRefused
from stratacrm.ingest.importer.profile import Source, profile_parse
from stratacrm.ingest.importer.sample import FileSample, file_sample
from stratacrm.ingest.importer.services import (
    import_job_create,
    import_job_map,
    import_job_run,
    import_profile_save,
)
from stratacrm.ingest.models import ImportJob, JobStatus

from ..background import in_background

ON_ERROR = ("abort", "skip")


class CommitRefused(Exception):
    """The job cannot be committed now (not mapped, already committed, or running)."""


@dataclass(frozen=True)
class Progress:
    done: int
    total: int | None
    stage: str


_progress: dict[int, Progress] = {}
_lock = threading.Lock()


def import_upload(*, user: User, name: str, chunks: Iterable[bytes], encoding: str) -> ImportJob:
    """Store an uploaded file as a new job once its head reads (ImportRefused says why it does not)."""
    user_require(user, "import.run")
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as handle:
        for chunk in chunks:
            handle.write(chunk)
        handle.flush()
        file_sample(path=Path(handle.name), name=name, source=Source(encoding=encoding))
        job = import_job_create(actor=user, file_name=name, path=Path(handle.name))
    job.encoding = "" if encoding == "auto" else encoding
    job.save(update_fields=["encoding"])
    return job


def job_sample(*, job: ImportJob, encoding: str = "", delimiter: str = ",") -> FileSample:
    """The head of a job's file, read with the encoding chosen (at upload, or now)."""
    chosen = encoding or job.encoding or "auto"
    return file_sample(
        path=Path(job.file_path), name=job.file_name, source=Source(encoding=chosen, delimiter=delimiter)
    )


@transaction.atomic
def import_mapping_save(*, user: User, job: ImportJob, definition: dict[str, Any], save: bool) -> None:
    """Use a mapping made in the browser for the job; with `save`, keep it as a named profile too.
    ProfileError (with the place at fault) when the importer cannot use it."""
    profile_parse(definition)
    if save:
        saved = import_profile_save(actor=user, definition=definition)
        import_job_map(actor=user, job=job, profile_name=saved.name)
    else:
        import_job_map(actor=user, job=job, definition=definition)


def import_commit_start(*, user: User, job: ImportJob, on_error: str) -> None:
    """Mark the job running and import it in the background, all or nothing."""
    user_require(user, "import.run")
    if on_error not in ON_ERROR:
        raise CommitRefused("on_error: abort or skip")
    claimed = (
        ImportJob.objects.filter(pk=job.pk, mapping__isnull=False)
        .exclude(status__in=[JobStatus.RUNNING, JobStatus.COMMITTED])
        .exclude(file_path="")
        .update(status=JobStatus.RUNNING, stage="queued", rows_done=0, error="")
    )
    if not claimed:
        raise CommitRefused("this import is not mapped, is running, or was committed already")
    with _lock:
        _progress[job.pk] = Progress(0, None, "queued")
    in_background(lambda: _commit(job.pk, user, on_error), name=f"import-{job.pk}")


def _commit(job_id: int, user: User, on_error: str) -> None:
    def track(done: int, total: int | None = None, description: str | None = None) -> None:
        with _lock:
            last = _progress.get(job_id)
            _progress[job_id] = Progress(
                done, total if total is not None else (last.total if last else None), description or ""
            )

    try:
        import_job_run(actor=user, job=ImportJob.objects.get(pk=job_id), on_error=on_error, progress=track)
    except ImportRefused:
        pass  # the job row records the refusal and its problems file
    finally:
        with _lock:
            _progress.pop(job_id, None)


def import_progress(job: ImportJob) -> Progress:
    """How far the job's commit is: from this process's memory while it runs here, else its row."""
    with _lock:
        running = _progress.get(job.pk)
    if running is not None:
        return running
    return Progress(job.rows_done, job.rows_total or None, job.stage)
