"""Grading runs: the history with what each moved, and the progress of one just started."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stratacrm.segmentation.models import GradingRun, RunStatus

from .grades import Grades

HISTORY = 50


@dataclass(frozen=True)
class RunLine:
    run: GradingRun
    changes: list[tuple[str, int]]  # dimension label, assignments changed


def run_history(*, grades: Grades, limit: int = HISTORY) -> list[RunLine]:
    """The latest runs, newest first, with their changes by dimension (labelled)."""
    runs = GradingRun.objects.select_related("started_by").order_by("-started_at")[:limit]
    lines = []
    for run in runs:
        changes = []
        for name, count in sorted((run.changes or {}).items()):
            dimension = grades.get(name)
            changes.append((dimension.label if dimension is not None else name, int(count)))
        lines.append(RunLine(run, changes))
    return lines


@dataclass(frozen=True)
class Progress:
    """Where a run started at `since` stands: its row once it exists, and any run in its way."""

    run: GradingRun | None
    blocking: GradingRun | None
    waited: dt.timedelta

    @property
    def finished(self) -> bool:
        return self.run is not None and self.run.status != RunStatus.RUNNING


def run_progress(*, since: dt.datetime, now: dt.datetime) -> Progress:
    """The first run started at or after `since`, or else the run still running from before it."""
    run = GradingRun.objects.filter(started_at__gte=since).order_by("started_at").first()
    blocking = None
    if run is None:
        earlier = GradingRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=since)
        blocking = earlier.order_by("-started_at").first()
    return Progress(run, blocking, now - since)
