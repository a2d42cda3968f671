"""Grading runs: the history, starting a run, and the progress of a run just started."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..access import page, signed_in
from ..selectors.grades import grades_in_force
from ..selectors.runs import run_history, run_progress
from ..services.grading import grading_run_start


@page("grade.view")
def run_list(request: HttpRequest) -> HttpResponse:
    """Every recent grading run: when, who, engine, status, customers graded, changes by dimension,
    duration. Every role (`grade.view`); runs hold counts only, so nothing is masked."""
    context = {"section": "runs", "lines": run_history(grades=grades_in_force())}
    return render(request, "web/runs/list.html", context)


@page("run.start")
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    """Start a grading run in the background and show its progress. Administrators and marketing
    managers (`run.start`)."""
    since = timezone.now()
    grading_run_start(user=signed_in(request))
    if not getattr(request, "htmx", False):
        return redirect("web:run_list")
    return render(request, "web/runs/_progress.html", {"progress": None, "since": since.isoformat()})


@page("grade.view")
def run_progress_show(request: HttpRequest) -> HttpResponse:
    """How the run started at `since` is going (the page polls this until it ends). Every role
    (`grade.view`); counts only."""
    try:
        since = dt.datetime.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        since = timezone.now()
    if timezone.is_naive(since):
        since = timezone.make_aware(since)
    progress = run_progress(since=since, now=timezone.now())
    response = render(request, "web/runs/_progress.html", {"progress": progress, "since": since.isoformat()})
    if progress.finished:
        response["HX-Trigger"] = "run-finished"
    return response
