"""A batch grading run: record it, compute, stage, publish what changed — or, dry, only count it.

The run row is committed first ("running"), so a run killed at any point leaves a trace; the next run
marks it failed (interrupted). Publishing and the run's success are one transaction: a run killed
before that commits leaves every previous assignment as it was.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
from django.db import transaction
from django.utils import timezone

from stratacrm.accounts.models import User

from ..engines import EngineName, engine_check, engine_default
from ..models import GradingRun, RunStatus
from .compute import compute, plan_for
from .definition import Definition, definition_active
from .lock import grading_lock, runs_interrupted_mark
from .publish import Attribution, Outcome, publish
from .staging import stage

Progress = Callable[..., None]
# Customers re-graded live this long before a run started keep their live rows (see publish.py):
# longer than any event's transaction lasts.
LIVE_MARGIN = dt.timedelta(minutes=10)
PHASES = ("compute", "stage", "publish", "done")


def today() -> dt.date:
    """Today's date in UTC, the default as_of of runs and of live re-grades."""
    return timezone.now().astimezone(dt.UTC).date()


def grading_run(
    *,
    as_of: dt.date | None = None,
    engine: str | None = None,
    dry_run: bool = False,
    user: User | None = None,
    progress: Progress | None = None,
    snapshot: Path | None = None,
    definition: Definition | None = None,
) -> GradingRun:
    """Grade every customer as of `as_of` (today) on `engine` (the database's own) and publish.

    `dry_run`: compute and diff, record the run with the counts it would move, write no assignment.
    `snapshot`: a snapshot directory for the duckdb and spark engines (taken now when not given).
    Raises RunInProgress while another run holds the lock.
    """
    chosen: EngineName = engine_check(engine) if engine else engine_default()
    definition = definition or definition_active()
    as_of = as_of or today()
    step = _stepper(progress)
    with grading_lock():
        runs_interrupted_mark()
        started = time.perf_counter()
        run = GradingRun.objects.create(
            started_by=user,
            started_at=timezone.now(),
            as_of=as_of,
            engine=chosen,
            dry_run=dry_run,
            definitions=dict(definition.versions),
        )
        try:
            step("compute")
            computed = compute(
                definition=definition, engine=chosen, as_of=as_of, today=today(), snapshot=snapshot
            )
            run.population = computed.population
            step("stage")
            staged = stage(results=computed.results, definition=definition, plan=plan_for(definition))
            graded = computed.results.num_rows
            del computed  # staging keeps the columns it stages from; the others go back now
            pa.default_memory_pool().release_unused()
            step("publish")
            fresh_since = run.started_at - LIVE_MARGIN if as_of == today() else None
            attribution = Attribution(as_of=as_of, now=timezone.now(), run_id=run.pk)
            with transaction.atomic():
                outcome = publish(
                    staged=staged,
                    dimensions=definition.dimensions,
                    attribution=attribution,
                    fresh_since=fresh_since,
                    write=not dry_run,
                )
                _finish(run, outcome, graded=graded, started=started)
        except BaseException as error:
            _fail(run, error, started=started)
            raise
        step("done")
    run.outcome = outcome  # type: ignore[attr-defined]
    return run


def _finish(run: GradingRun, outcome: Outcome, *, graded: int, started: float) -> None:
    run.status = RunStatus.SUCCEEDED
    run.population = _json_safe(run.population)
    run.customers_graded = graded
    run.changes = outcome.counts
    run.changed_total = outcome.changed_total
    run.finished_at = timezone.now()
    run.duration_seconds = time.perf_counter() - started
    run.save(
        update_fields=[
            "status",
            "customers_graded",
            "changes",
            "changed_total",
            "finished_at",
            "duration_seconds",
            "population",
        ]
    )


def _json_safe(values: dict[str, object]) -> dict[str, object]:
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _fail(run: GradingRun, error: BaseException, *, started: float) -> None:
    detail = "".join(traceback.format_exception_only(error)).strip()
    GradingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        duration_seconds=time.perf_counter() - started,
        error=detail[:2000],
    )


def _stepper(progress: Progress | None) -> Callable[[str], None]:
    def step(phase: str) -> None:
        if progress is not None:
            progress(PHASES.index(phase), total=len(PHASES) - 1, description=phase)

    return step
