"""Grading runs started through the API: in the background (a run of every customer takes minutes),
answering with the run's row as soon as the run has made it, and the phase it is in while it runs.

The run records itself in its GradingRun row (`segmentation.runs.grading_run`); the phase (compute,
stage, publish) is known to the server process that runs it, and shows in the run's status there.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.accounts.services.audit import audit_record
from stratacrm.segmentation.engines import engine_check
from stratacrm.segmentation.models import GradingRun, RunStatus
from stratacrm.segmentation.runs import RunInProgress, grading_run
from stratacrm.segmentation.runs.batch import PHASES
from stratacrm.segmentation.runs.definition import definition_available
from stratacrm.web.background import in_background
from stratacrm.web.services.grading import grading_engine

ROW_WAIT_SECONDS = 10.0
_phases: dict[int, Phase] = {}
_lock = threading.Lock()
KEPT_PHASES = 200


class RunRefused(Exception):
    """A run cannot start now: another one is running, or there is nothing to grade with."""

    def __init__(self, message: str, *, field: str = "") -> None:
        self.field = field
        super().__init__(message)


@dataclass
class Phase:
    """Where a run of this process stands: the step it is in, of how many."""

    name: str = "starting"
    step: int = 0
    steps: int = len(PHASES) - 1
    error: str = ""

    def __call__(self, step: int, *, total: int, description: str) -> None:
        self.step, self.steps, self.name = step, total, description


def run_phase(run: GradingRun) -> Phase:
    """The phase of `run`: as its process saw it if that is this one, else as its row says."""
    with _lock:
        known = _phases.get(run.pk)
    if run.status == RunStatus.SUCCEEDED:
        return Phase("done", len(PHASES) - 1)
    if run.status == RunStatus.FAILED:
        return Phase("failed", known.step if known else 0, error=run.error)
    return known or Phase("running")


def grading_run_begin(*, user: User, engine: str | None, as_of: dt.date | None, dry_run: bool) -> GradingRun:
    """Start a grading run of every customer in the background and answer its row once it exists.
    RunRefused when it cannot start (or did not show within ROW_WAIT_SECONDS)."""
    user_require(user, "run.start")
    chosen = engine or grading_engine()
    if chosen:
        try:
            engine_check(chosen)
        except ValueError as error:
            raise RunRefused(str(error), field="engine") from None
    if definition_available() is None:
        raise RunRefused(_("No rules are defined yet: there is nothing to grade with."))
    since = timezone.now()
    phase = Phase()

    def work() -> None:
        try:
            grading_run(user=user, engine=chosen, as_of=as_of, dry_run=dry_run, progress=phase)
        except RunInProgress:
            phase.error = _("Another grading run is in progress: wait for it to finish.")
            raise

    in_background(work, name="api-grading-run")
    run = run_started_after(user=user, since=since, gave_up=lambda: bool(phase.error))
    if run is None:
        raise RunRefused(phase.error or _("The run did not start in time: see the list of runs."))
    _remember(run.pk, phase)
    audit_record(
        actor=user,
        action="run.start",
        obj=run,
        after={"engine": run.engine, "as_of": run.as_of.isoformat(), "dry_run": dry_run},
    )
    return run


def run_started_after(
    *, user: User, since: dt.datetime, gave_up: object = None, wait: float = ROW_WAIT_SECONDS
) -> GradingRun | None:
    """The first run `user` started at or after `since`, waiting for its row up to `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        run = GradingRun.objects.filter(started_by=user, started_at__gte=since).order_by("started_at").first()
        stop = callable(gave_up) and gave_up()
        if run is not None or stop or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


def _remember(run_id: int, phase: Phase) -> None:
    with _lock:
        _phases[run_id] = phase
        for old in sorted(_phases)[:-KEPT_PHASES]:
            del _phases[old]
