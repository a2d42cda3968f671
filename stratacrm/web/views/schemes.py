"""Grade schemes: one scheme with its versions, its edit form with preview, and publishing it."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from stratacrm.segmentation.conditions import ConditionError
from stratacrm.segmentation.models import Scheme

from ..access import page, signed_in
from ..engine_messages import engine_problem
from ..models import SchemePreview
from ..scheme_forms import SchemeEdit
from ..selectors.grades import grades_in_force
from ..selectors.previews import preview_matrices
from ..selectors.scheme_editor import SchemeEditor, scheme_editor
from ..selectors.schemes import scheme_versions
from ..services.grading import PublishRefused
from ..services.schemes import scheme_preview_publish, scheme_preview_start


def _editor(kind: str) -> SchemeEditor:
    try:
        return scheme_editor(kind=kind)
    except LookupError:
        raise Http404("no such grade scheme") from None


@page("rule.view")
def scheme_detail(request: HttpRequest, kind: str) -> HttpResponse:
    """A grade scheme in force (tiers and cut-offs, weights, signals and points, levels, stages) and
    every earlier version, newest first, with who made it. Every role (`rule.view`); no customer data."""
    try:
        versions = scheme_versions(kind=kind)
    except Scheme.DoesNotExist:
        raise Http404("no such grade scheme") from None
    current = next((card for row, card in versions if row.is_current), None)
    context = {"section": "rules", "kind": kind, "current": current, "versions": versions}
    return render(request, "web/schemes/detail.html", context)


def _edit_page(request: HttpRequest, edit: SchemeEdit, **extra: Any) -> HttpResponse:
    editor = edit.editor
    context = {"section": "rules", "editor": editor, "edit": edit, "scheme": editor.scheme, **extra}
    template = "web/schemes/_editor.html" if getattr(request, "htmx", False) else "web/schemes/edit.html"
    return render(request, template, context)


@page("rule.change")
def scheme_edit(request: HttpRequest, kind: str) -> HttpResponse:
    """The edit form of a scheme, filled with the version in force. Administrators and marketing
    managers (`rule.change`); no customer data shows."""
    return _edit_page(request, SchemeEdit(editor=_editor(kind)))


@page("rule.change")
@require_POST
def scheme_preview_create(request: HttpRequest, kind: str) -> HttpResponse:
    """Check the edited scheme (each problem named by its field and row) and, when it is right, evaluate
    it against every customer without publishing it. Administrators and marketing managers."""
    edit = SchemeEdit(request.POST, editor=_editor(kind))
    if not edit.is_valid():
        return _edit_page(request, edit)
    try:
        preview = scheme_preview_start(user=signed_in(request), editor=edit.editor, scheme=edit.scheme())
    except (ConditionError, ValueError) as error:
        return _edit_page(request, edit, problem=engine_problem(error))
    return _edit_page(request, edit, **_preview_context(request, preview))


def _preview_context(request: HttpRequest, preview: SchemePreview) -> dict[str, Any]:
    matrices = preview_matrices(user=signed_in(request), preview=preview, grades=grades_in_force())
    return {"preview": preview, "matrices": matrices}


@page("rule.change")
def scheme_preview_show(request: HttpRequest, preview_id: int) -> HttpResponse:
    """A scheme preview as it stands (the page polls it until it is ready): migration matrices and
    example customers, within the reader's scope. Administrators and marketing managers."""
    try:
        preview = SchemePreview.objects.get(pk=preview_id, user=signed_in(request))
    except SchemePreview.DoesNotExist:
        raise Http404("no such preview") from None
    return render(request, "web/schemes/_preview.html", _preview_context(request, preview))


@page("rule.publish")
@require_POST
def scheme_publish(request: HttpRequest, preview_id: int) -> HttpResponse:
    """Publish a previewed scheme as its new version and start a grading run whose progress the page
    shows. Administrators and marketing managers (`rule.publish`)."""
    since = timezone.now()
    try:
        report = scheme_preview_publish(user=signed_in(request), preview_id=preview_id)
    except SchemePreview.DoesNotExist:
        raise Http404("no such preview") from None
    except PublishRefused as refusal:
        return render(request, "web/schemes/_published.html", {"refused": str(refusal)})
    return render(request, "web/schemes/_published.html", {"report": report, "since": since.isoformat()})
