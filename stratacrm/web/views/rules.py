"""Rules and schemes: the list with versions, the rule builder with live checks, preview, publish."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from stratacrm.segmentation.conditions import ConditionError
from stratacrm.segmentation.models import Rule
from stratacrm.segmentation.text import to_text

from ..access import page, signed_in
from ..drafts import RuleForm, condition_fix, condition_message, condition_read
from ..engine_messages import engine_problem
from ..labels import dimension_label
from ..models import RulePreview
from ..selectors.grades import grades_in_force
from ..selectors.previews import preview_matrices, preview_rule_text
from ..selectors.rules import Editor, builder_words, field_catalog, rule_editor, rule_groups, rule_versions
from ..selectors.schemes import scheme_cards
from ..services.grading import PublishRefused, rule_preview_publish, rule_preview_start


def _editor(dimension: str, name: str | None) -> Editor:
    try:
        return rule_editor(dimension=dimension, name=name)
    except LookupError:
        raise Http404("no such rule or dimension") from None


@page("rule.view")
def rule_list(request: HttpRequest) -> HttpResponse:
    """The rules in force by dimension, with priority, what each gives, its condition and version.
    Every role (`rule.view`); rules hold no customer data, so nothing is masked."""
    context = {"section": "rules", "groups": rule_groups(grades=grades_in_force()), "schemes": scheme_cards()}
    return render(request, "web/rules/list.html", context)


@page("rule.view")
def rule_history(request: HttpRequest, dimension: str, name: str) -> HttpResponse:
    """Every version of one rule, newest first, with who made it. Every role (`rule.view`)."""
    try:
        versions = rule_versions(dimension=dimension, name=name)
    except Rule.DoesNotExist:
        raise Http404("no such rule") from None
    context = {"section": "rules", "dimension": dimension, "name": name, "versions": versions}
    return render(request, "web/rules/history.html", context)


def _builder(request: HttpRequest, editor: Editor, form: RuleForm) -> HttpResponse:
    context = {
        "section": "rules",
        "editor": editor,
        "form": form,
        "catalog": field_catalog(definition=editor.definition),
        "words": builder_words(),
        "dimension_label": dimension_label(
            editor.dimension.name, label_en=editor.dimension.label_en, label_zh=editor.dimension.label_zh
        ),
        "tree": editor.rule.condition.to_json() if editor.rule else None,
        "text": to_text(editor.rule.condition) if editor.rule else "",
    }
    return render(request, "web/rules/edit.html", context)


@page("rule.change")
def rule_edit(request: HttpRequest, dimension: str, name: str) -> HttpResponse:
    """The rule builder for one rule: AND/OR groups of field–operator–value rows or text, checked as
    you type. Administrators and marketing managers (`rule.change`); no customer data shows."""
    editor = _editor(dimension, name)
    return _builder(request, editor, RuleForm(editor=editor))


@page("rule.change")
def rule_new(request: HttpRequest, dimension: str) -> HttpResponse:
    """The rule builder for a new rule of a dimension. Administrators and marketing managers."""
    editor = _editor(dimension, None)
    return _builder(request, editor, RuleForm(editor=editor))


@page("rule.change")
@require_POST
def rule_check(request: HttpRequest) -> HttpResponse:
    """Check a condition as the builder sends it (tree or text): the error with its position and the
    nearest known name, or the condition in both forms. Administrators and marketing managers."""
    editor = _editor(request.POST.get("dimension", "")[:64], None)
    context: dict[str, Any] = {}
    try:
        condition = condition_read(
            mode=request.POST.get("mode", "builder"),
            text=request.POST.get("condition_text", ""),
            tree=request.POST.get("condition_json", ""),
            fields=editor.definition.catalog.fields,
        )
        context["result"] = {
            "text": to_text(condition),
            "tree": condition.to_json(),
            "source": request.POST.get("condition_text", ""),
        }
        context["result_json"] = json.dumps(context["result"], ensure_ascii=False)
    except ConditionError as error:
        context["error"] = error
        context["message"] = condition_message(error)
        if request.POST.get("mode") == "text":
            context["fix"] = condition_fix(request.POST.get("condition_text", ""), error)
    return render(request, "web/rules/_check.html", context)


@page("rule.change")
@require_POST
def rule_preview_create(request: HttpRequest, dimension: str) -> HttpResponse:
    """Evaluate the edited rule against every customer without publishing it; the page then follows
    the preview. Administrators and marketing managers (`rule.change`)."""
    original = request.POST.get("original", "") or None
    editor = _editor(dimension, original)
    form = RuleForm(request.POST, editor=editor)
    if not form.is_valid():
        return render(request, "web/rules/_form_errors.html", {"form": form}, status=200)
    try:
        preview = rule_preview_start(user=signed_in(request), editor=editor, rule=form.rule())
    except (ConditionError, ValueError) as error:
        return render(
            request, "web/rules/_form_errors.html", {"form": form, "problem": engine_problem(error)}
        )
    return render(request, "web/rules/_preview.html", _preview_context(request, preview))


def _preview_context(request: HttpRequest, preview: RulePreview) -> dict[str, Any]:
    matrices = preview_matrices(user=signed_in(request), preview=preview, grades=grades_in_force())
    return {"preview": preview, "matrices": matrices, "rule_text": preview_rule_text(preview)}


@page("rule.change")
def rule_preview_show(request: HttpRequest, preview_id: int) -> HttpResponse:
    """A preview as it stands (the page polls it until it is ready): the migration matrix and example
    customers, within the reader's scope. Administrators and marketing managers (`rule.change`)."""
    try:
        preview = RulePreview.objects.get(pk=preview_id, user=signed_in(request))
    except RulePreview.DoesNotExist:
        raise Http404("no such preview") from None
    return render(request, "web/rules/_preview.html", _preview_context(request, preview))


@page("rule.publish")
@require_POST
def rule_publish(request: HttpRequest, preview_id: int) -> HttpResponse:
    """Publish a previewed rule as its new version and start a grading run whose progress the page
    shows. Administrators and marketing managers (`rule.publish`)."""
    since = timezone.now()
    try:
        report = rule_preview_publish(user=signed_in(request), preview_id=preview_id)
    except RulePreview.DoesNotExist:
        raise Http404("no such preview") from None
    except PublishRefused as refusal:
        return render(request, "web/rules/_published.html", {"refused": str(refusal)})
    return render(request, "web/rules/_published.html", {"report": report, "since": since.isoformat()})
