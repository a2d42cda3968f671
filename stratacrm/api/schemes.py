"""Grade-scheme endpoints: versions to read; an edited scheme to check, preview, keep as a draft, publish.

Schemes hold no customer data; only a preview's example customers do, limited to the reader's row scope.
Writes go through `scheme_drafts` (the scheme page's own form and services), as rules go through
`rule_drafts`, with the same actions (`rule.change`, `rule.publish`).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Path, Status

from stratacrm.segmentation.models import Scheme
from stratacrm.segmentation.ruleset.schemes import SCHEME_CLASSES
from stratacrm.web.models import PreviewStatus, SchemePreview

from . import grading_schemas as s
from . import scheme_schemas as ss
from .auth import PolicyRouter, allow, caller
from .customers import ERRORS
from .drafts import preview_present
from .runs import run_present
from .scheme_drafts import (
    SchemeChecked,
    scheme_check,
    scheme_draft_create,
    scheme_draft_publish,
    scheme_preview,
)
from .types import MAX_ID, NO_NUL

router = PolicyRouter(tags=["schemes"])


def _user(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "username": user.get_username()}


def _schemes(kind: str | None = None) -> list[Scheme]:
    rows = Scheme.objects.select_related("created_by").order_by("kind", "-version")
    return list(rows.filter(kind=kind) if kind else rows)


@router.get("/schemes", response={200: s.SchemeList, **ERRORS}, auth=allow("rule.view"))
def schemes_list(request: HttpRequest) -> Any:
    """The grade schemes (value_score, lifecycle, churn_risk) with their version numbers. Every role."""
    found: dict[str, dict[str, Any]] = {}
    for scheme in _schemes():
        entry = found.setdefault(scheme.kind, {"kind": scheme.kind, "current_version": None, "versions": []})
        entry["versions"].append(scheme.version)
        if scheme.is_current:
            entry["current_version"] = scheme.version
    return {"items": list(found.values())}


@router.get("/schemes/{kind}", response={200: s.SchemeDetail, **ERRORS}, auth=allow("rule.view"))
def schemes_detail(request: HttpRequest, kind: str = Path(..., max_length=64, pattern=NO_NUL)) -> Any:
    """Every version of one grade scheme, newest first, with its definition (tiers and cut-offs,
    score parts and weights, stages, churn signals and levels). Every role (`rule.view`)."""
    versions = _schemes(kind) if kind in SCHEME_CLASSES else []
    if not versions:
        raise Scheme.DoesNotExist(f"no scheme {kind!r}")
    return {
        "kind": kind,
        "versions": [
            {
                "version": v.version,
                "is_current": v.is_current,
                "definition": v.definition,
                "created_at": v.created_at,
                "created_by": _user(v.created_by),
            }
            for v in versions
        ],
    }


def _checked(kind: str, payload: ss.SchemeIn) -> SchemeChecked:
    sent = payload.dict(include=set(ss.SchemeIn.model_fields), exclude_unset=True)
    return scheme_check(kind=kind, sent=sent)


@router.post(
    "/schemes/{kind}/validate", response={200: ss.SchemeCheckOut, **ERRORS}, auth=allow("rule.change")
)
def schemes_validate(
    request: HttpRequest, payload: ss.SchemeIn, kind: str = Path(..., max_length=64, pattern=NO_NUL)
) -> Any:
    """Check an edited scheme as its page does, writing nothing: every field at fault, rows named by
    their place from 0 (`tiers.1.value`). Fields left out keep the version in force; a row set sent
    replaces that set whole. Administrators and marketing managers (`rule.change`)."""
    caller(request)
    checked = _checked(kind, payload)
    scheme = checked.scheme
    return {
        "valid": scheme is not None,
        "definition": None if scheme is None else scheme.definition(),
        "errors": [p.as_error() for p in checked.problems],
    }


@router.post("/schemes/{kind}/preview", response={200: s.PreviewOut, **ERRORS}, auth=allow("rule.change"))
def schemes_preview(
    request: HttpRequest, payload: ss.SchemePreviewIn, kind: str = Path(..., max_length=64, pattern=NO_NUL)
) -> Any:
    """Grade every customer with the edited scheme in place of the one in force and answer the migration
    matrix — per dimension, how many customers would move from which value to which, with up to 5
    examples each — writing nothing. 422 naming each field at fault. Administrators and marketing
    managers (`rule.change`)."""
    user = caller(request)
    scheme = _checked(kind, payload).accepted()
    return scheme_preview(user=user, kind=kind, scheme=scheme, as_of=payload.as_of)


def _draft(draft: SchemePreview, user: Any) -> dict[str, Any]:
    ready = draft.status == PreviewStatus.READY
    return {
        "id": draft.pk,
        "kind": draft.kind,
        "status": draft.status,
        "definition": draft.definition,
        "created_at": draft.created_at,
        "preview": preview_present(user=user, result=draft.result) if ready else None,
        "error": draft.error,
        "published_at": draft.published_at,
    }


@router.post("/schemes/{kind}", response={201: ss.SchemeDraftOut, **ERRORS}, auth=allow("rule.change"))
def schemes_create(
    request: HttpRequest, payload: ss.SchemeIn, kind: str = Path(..., max_length=64, pattern=NO_NUL)
) -> Any:
    """Write the scheme's next version as a draft: checked like `validate` (422 naming each field at
    fault), then previewed in the background — follow it at `/api/scheme-drafts/{id}` and publish it
    there. Old versions stay. Audited (`scheme.draft`). Administrators and marketing managers."""
    user = caller(request)
    checked = _checked(kind, payload)
    scheme = checked.accepted()
    return Status(201, _draft(scheme_draft_create(user=user, editor=checked.editor, scheme=scheme), user))


@router.get(
    "/scheme-drafts/{draft_id}", response={200: ss.SchemeDraftOut, **ERRORS}, auth=allow("rule.change")
)
def scheme_drafts_detail(request: HttpRequest, draft_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """One of your scheme drafts: its definition, and its preview once ready. Administrators and
    marketing managers (`rule.change`)."""
    user = caller(request)
    return _draft(SchemePreview.objects.get(pk=draft_id, user=user), user)


@router.post(
    "/scheme-drafts/{draft_id}/publish", response={200: s.PublishOut, **ERRORS}, auth=allow("rule.publish")
)
def scheme_drafts_publish(request: HttpRequest, draft_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Publish one of your drafts once its preview is ready: the scheme's next version becomes current
    (older versions stay) and a grading run starts; follow it at `/api/runs/{id}`. 409 when the draft
    is not ready, was published, or the definitions in force changed since it was made. Audited
    (`ruleset.load`, `scheme.version`). Administrators and marketing managers (`rule.publish`)."""
    report, run = scheme_draft_publish(user=caller(request), draft_id=draft_id)
    return {"changes": [str(c) for c in report.changes], "run": None if run is None else run_present(run)}
