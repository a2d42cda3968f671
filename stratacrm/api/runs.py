"""Grading run endpoints: start one, follow its status, list them. Runs hold counts only, no customers."""

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Status

from stratacrm.paging import keyset_page
from stratacrm.segmentation.models import GradingRun

from . import grading_schemas as s
from .auth import PolicyRouter, allow, caller
from .customers import ERRORS
from .run_jobs import grading_run_begin, run_phase
from .types import MAX_ID

router = PolicyRouter(tags=["runs"])


def run_present(run: GradingRun) -> dict[str, Any]:
    """A run as the API shows it: status, phase, who, when, how long, what moved."""
    phase = run_phase(run)
    who = run.started_by
    return {
        "id": run.pk,
        "status": run.status,
        "progress": {"phase": phase.name, "step": phase.step, "steps": phase.steps},
        "started_by": None if who is None else {"id": who.pk, "username": who.get_username()},
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "duration_seconds": run.duration_seconds,
        "as_of": run.as_of,
        "engine": run.engine,
        "dry_run": run.dry_run,
        "customers_graded": run.customers_graded,
        "changed_total": run.changed_total,
        "changes": {str(k): int(v) for k, v in (run.changes or {}).items()},
        "definitions": run.definitions or {},
        "error": run.error,
    }


@router.post("/runs", response={202: s.RunOut, **ERRORS}, auth=allow("run.start"))
def runs_start(request: HttpRequest, payload: s.RunIn) -> Any:
    """Start grading every customer in the background (`dry_run`: count what would move, change
    nothing) and answer the run as it starts; follow it at `/api/runs/{id}`. 409 while another run is
    in progress or when no rules are defined. Audited (`run.start`). Administrators and marketing
    managers (`run.start`)."""
    user = caller(request)
    run = grading_run_begin(user=user, engine=payload.engine, as_of=payload.as_of, dry_run=payload.dry_run)
    return Status(202, run_present(run))


@router.get("/runs", response={200: s.RunPage, **ERRORS}, auth=allow("grade.view"))
def runs_list(
    request: HttpRequest,
    cursor: str | None = Query(None, max_length=200, pattern=r"^[A-Za-z0-9_-]*$"),
    limit: int = Query(50, ge=1, le=500),
) -> Any:
    """Grading runs, newest first: status, who, engine, customers graded, changes by dimension,
    duration. Every role (`grade.view`); runs hold counts only."""
    runs = GradingRun.objects.select_related("started_by")
    page = keyset_page(runs, keys=("id",), descending=True, cursor=cursor, limit=limit)
    return {"items": [run_present(r) for r in page.items], "next_cursor": page.next_cursor}


@router.get("/runs/{run_id}", response={200: s.RunOut, **ERRORS}, auth=allow("grade.view"))
def runs_detail(request: HttpRequest, run_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """One run's status: its phase while running, then counts moved, duration, who started it and any
    error. Every role (`grade.view`)."""
    return run_present(GradingRun.objects.select_related("started_by").get(pk=run_id))
