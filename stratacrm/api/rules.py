"""Rule endpoints: versions to read; a rule to check, preview, keep as a draft, publish (schemes: `schemes`).

Rules hold no customer data; only a preview's example customers do, limited to the reader's
row scope. Writes go through `rule_drafts` (the rule builder's own checks and services).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Status

from stratacrm.segmentation.models import Rule
from stratacrm.segmentation.text import to_text
from stratacrm.web.models import PreviewStatus, RulePreview

from . import grading_schemas as s
from .auth import PolicyRouter, allow, caller
from .customers import ERRORS
from .drafts import preview_present
from .rule_drafts import (
    RuleChecked,
    draft_rule,
    rule_check,
    rule_draft_create,
    rule_draft_publish,
    rule_preview,
)
from .runs import run_present
from .types import MAX_ID, NO_NUL

router = PolicyRouter(tags=["rules"])


def _user(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "username": user.get_username()}


@router.get("/rules", response={200: s.RuleList, **ERRORS}, auth=allow("rule.view"))
def rules_list(
    request: HttpRequest, dimension: str = Query("", max_length=64, pattern=NO_NUL), retired: bool = False
) -> Any:
    """Rules by dimension, highest priority first, each with its version numbers; `retired=true`
    adds rules no longer in force (their last version). Every role (`rule.view`)."""
    rules = Rule.objects.select_related("dimension").order_by(
        "dimension__position", "dimension__name", "-priority", "name", "-version"
    )
    if dimension:
        rules = rules.filter(dimension__name=dimension)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for rule in rules:
        key = (rule.dimension.name, rule.name)
        entry = found.get(key)
        if entry is None:
            entry = found[key] = {
                "dimension": key[0],
                "name": key[1],
                "current_version": None,
                "value": rule.value,
                "priority": rule.priority,
                "enabled": rule.enabled,
                "condition": rule.condition_text,
                "versions": [],
            }
        entry["versions"].append(rule.version)
        if rule.is_current:
            entry.update(
                current_version=rule.version,
                value=rule.value,
                priority=rule.priority,
                enabled=rule.enabled,
                condition=rule.condition_text,
            )
    items = [e for e in found.values() if retired or e["current_version"] is not None]
    return {"items": items}


@router.get("/rules/{dimension}/{name}", response={200: s.RuleDetail, **ERRORS}, auth=allow("rule.view"))
def rules_detail(
    request: HttpRequest,
    dimension: str = Path(..., max_length=64, pattern=NO_NUL),
    name: str = Path(..., max_length=100, pattern=NO_NUL),
) -> Any:
    """Every version of one rule, newest first, with who made it and its condition as text and as a
    tree. Every role (`rule.view`)."""
    versions = list(
        Rule.objects.filter(dimension__name=dimension, name=name)
        .select_related("dimension", "created_by")
        .order_by("-version")
    )
    if not versions:
        raise Rule.DoesNotExist(f"no rule {name!r} in {dimension!r}")
    return {
        "dimension": dimension,
        "name": name,
        "mode": versions[0].dimension.mode,
        "versions": [
            {
                "version": r.version,
                "is_current": r.is_current,
                "value": r.value,
                "priority": r.priority,
                "enabled": r.enabled,
                "condition": r.condition_text,
                "condition_tree": r.definition["when"],
                "created_at": r.created_at,
                "created_by": _user(r.created_by),
            }
            for r in versions
        ],
    }


def _checked(payload: s.RuleIn) -> RuleChecked:
    return rule_check(**payload.dict(include=set(s.RuleIn.model_fields)))


@router.post("/rules/validate", response={200: s.RuleCheckOut, **ERRORS}, auth=allow("rule.change"))
def rules_validate(request: HttpRequest, payload: s.RuleIn) -> Any:
    """Check a rule as the rule builder does, writing nothing: every field at fault, and for condition
    text the character where it goes wrong and the nearest known name. Administrators and marketing
    managers (`rule.change`)."""
    caller(request)
    checked = _checked(payload)
    rule = checked.rule
    return {
        "valid": rule is not None,
        "new_rule": not checked.existing,
        "condition": None if rule is None else to_text(rule.condition),
        "condition_tree": None if rule is None else rule.condition.to_json(),
        "errors": [vars(p) for p in checked.problems],
    }


@router.post("/rules/preview", response={200: s.PreviewOut, **ERRORS}, auth=allow("rule.change"))
def rules_preview(request: HttpRequest, payload: s.PreviewIn) -> Any:
    """Evaluate the rule against every customer as if published and answer the migration matrix — per
    dimension, how many customers would move from which value to which, with up to 5 examples each —
    writing nothing. Takes as long as grading everyone. Administrators and marketing managers."""
    rule, editor = _checked(payload).accepted()
    return rule_preview(user=caller(request), rule=rule, editor=editor, as_of=payload.as_of)


def _draft(draft: RulePreview, user: Any) -> dict[str, Any]:
    rule = draft_rule(draft)
    ready = draft.status == PreviewStatus.READY
    return {
        "id": draft.pk,
        "dimension": draft.dimension,
        "name": draft.rule_name,
        "status": draft.status,
        "value": rule.value,
        "priority": rule.priority,
        "enabled": rule.enabled,
        "condition": to_text(rule.condition),
        "created_at": draft.created_at,
        "preview": preview_present(user=user, result=draft.result) if ready else None,
        "error": draft.error,
        "published_at": draft.published_at,
    }


@router.post("/rules", response={201: s.DraftOut, **ERRORS}, auth=allow("rule.change"))
def rules_create(request: HttpRequest, payload: s.RuleIn) -> Any:
    """Write a new rule, or the next version of an existing one, as a draft: checked like `validate`
    (422 naming each field at fault), then previewed in the background — follow it at
    `/api/rule-drafts/{id}` and publish it there. Old versions stay. Audited (`rule.draft`).
    Administrators and marketing managers (`rule.change`)."""
    user = caller(request)
    rule, editor = _checked(payload).accepted()
    return Status(201, _draft(rule_draft_create(user=user, rule=rule, editor=editor), user))


@router.get("/rule-drafts/{draft_id}", response={200: s.DraftOut, **ERRORS}, auth=allow("rule.change"))
def rule_drafts_detail(request: HttpRequest, draft_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """One of your drafts: its rule, and its preview once ready. Administrators and marketing managers."""
    user = caller(request)
    return _draft(RulePreview.objects.get(pk=draft_id, user=user), user)


@router.post(
    "/rule-drafts/{draft_id}/publish", response={200: s.PublishOut, **ERRORS}, auth=allow("rule.publish")
)
def rule_drafts_publish(request: HttpRequest, draft_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Publish one of your drafts once its preview is ready: the rule's next version becomes current
    (older versions stay) and a grading run starts; follow it at `/api/runs/{id}`. 409 when the
    draft is not ready, was published, or the rules in force changed since it was made. Audited
    (`ruleset.load`, `rule.version`). Administrators and marketing managers (`rule.publish`)."""
    report, run = rule_draft_publish(user=caller(request), draft_id=draft_id)
    return {"changes": [str(c) for c in report.changes], "run": None if run is None else run_present(run)}
