"""One grading run at a time, and what to do about runs that died.

PostgreSQL: a session advisory lock on Django's connection. SQLite: an exclusive `flock` on a file
beside the database. Either is released by the operating system or the server when the process
dies, however it dies, so a run that holds the lock knows that every other run still marked
"running" is dead: it marks them failed (interrupted) before it starts.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.db import connection
from django.utils import timezone

from ..models import GradingRun, RunStatus

ADVISORY_KEY = 0x5354_5241_4741  # "STRAGA": grading runs
INTERRUPTED = "interrupted: the process stopped before the run finished"
_in_process = threading.Lock()


class RunInProgress(RuntimeError):
    """Another grading run holds the lock."""


@contextmanager
def grading_lock() -> Iterator[None]:
    """Hold the grading lock for the block; RunInProgress when another run holds it."""
    if not _in_process.acquire(blocking=False):
        raise RunInProgress("a grading run is already in progress in this process")
    try:
        if connection.vendor == "postgresql":
            with _advisory():
                yield
        else:
            with _file_lock():
                yield
    finally:
        _in_process.release()


def runs_interrupted_mark() -> int:
    """Mark every run still "running" as failed (call while holding the lock); how many there were."""
    now = timezone.now()
    stale = GradingRun.objects.filter(status=RunStatus.RUNNING)
    return stale.update(status=RunStatus.FAILED, finished_at=now, error=INTERRUPTED)


@contextmanager
def _advisory() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
        if not cursor.fetchone()[0]:
            raise RunInProgress("another grading run is in progress")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])


@contextmanager
def _file_lock() -> Iterator[None]:
    path = _lock_path()
    if path is None:  # an in-memory database lives in this process only: the thread lock suffices
        yield
        return
    handle: IO[str] = path.open("a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress("another grading run is in progress") from None
        yield
    finally:
        handle.close()


def _lock_path() -> Path | None:
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    return Path(f"{name}.grading-lock")
