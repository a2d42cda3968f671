"""The dashboard (the site's home page) and its lazily loaded panels."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from ..access import page, signed_in
from ..panels import PANELS, dashboard_context, panel_context
from ..selectors.grades import grades_in_force


@page("overview.view")
def home(request: HttpRequest) -> HttpResponse:
    """Customers by type, class, value tier, lifecycle stage and churn risk, within the reader's row
    scope. Every role (`overview.view`); only counts show, so nothing is masked."""
    user = signed_in(request)
    context = dashboard_context(user=user, grades=grades_in_force())
    return render(request, "web/dashboard/page.html", {"section": "home", **context})


@page("overview.view")
def dashboard_panel(request: HttpRequest, panel: str) -> HttpResponse:
    """One chart of the dashboard (grade migration, risk trend, consumption, service), counted within
    the reader's row scope. Every role (`overview.view`); only aggregates show, nothing is masked."""
    if panel not in PANELS:
        raise Http404("no such panel")
    context = panel_context(
        user=signed_in(request),
        grades=grades_in_force(),
        panel=panel,
        dimension=request.GET.get("dimension", "")[:64],
    )
    return render(request, f"web/dashboard/{panel}.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    """The icon, for pages outside the base template (the admin). Public: it is a static picture."""
    return redirect(static("web/favicon.svg"), permanent=True)
