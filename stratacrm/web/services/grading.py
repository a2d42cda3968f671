"""Grading from the web: start a run, preview an edited rule, publish it — never blocking a request.

Runs and previews compute in the background (`background.in_background`) and record their progress in
the database: the run in its GradingRun row (the engine writes it), the preview in a RulePreview row.
Publishing goes through the engine's `rule_set_load` with the rule set in force plus the previewed rule,
so only that rule gets a new version, and is refused when the rules in force changed since the preview.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_may, user_require
from stratacrm.segmentation.definitions import definition_build
from stratacrm.segmentation.engines import engine_default
from stratacrm.segmentation.live import definition_live
from stratacrm.segmentation.preview import Preview, rules_preview
from stratacrm.segmentation.ruleset import RuleSet, RuleSpec
from stratacrm.segmentation.runs import grading_run
from stratacrm.segmentation.runs.definition import definition_key
from stratacrm.segmentation.selectors import ruleset_current
from stratacrm.segmentation.services import LoadReport, rule_set_load

from ..background import in_background
from ..drafts import rule_loaded, rule_stored, ruleset_with
from ..models import PreviewStatus, RulePreview
from ..selectors.rules import Editor

logger = logging.getLogger(__name__)
PREVIEW_SAMPLES = 5


class PublishRefused(Exception):
    """The preview cannot be published (not ready, already published, or the rules moved on)."""


def grading_engine() -> str | None:
    """The engine web runs and previews use (None: the database's own); see STRATA_WEB_GRADING_ENGINE."""
    chosen = settings.STRATA_WEB_GRADING_ENGINE
    if chosen == "auto":
        return "duckdb" if engine_default() == "sqlite" else None
    return chosen or None


def grading_run_start(*, user: User) -> None:
    """Start a grading run of every customer in the background; the runs page follows its progress."""
    user_require(user, "run.start")
    engine = grading_engine()
    in_background(lambda: grading_run(user=user, engine=engine), name="grading-run")


def rule_preview_start(*, user: User, editor: Editor, rule: RuleSpec) -> RulePreview:
    """Record the edited rule and evaluate it against every customer in the background.

    The rule set with the rule in it is compiled first: a rule that cannot compile raises here.
    """
    user_require(user, "rule.change")
    definition_build(ruleset_with(editor.ruleset, rule, scheme=editor.dimension.scheme))
    preview = RulePreview.objects.create(
        user=user,
        dimension=rule.dimension,
        rule_name=rule.name,
        rule={**rule_stored(rule), "scheme": editor.dimension.scheme},
        base_key=definition_key(editor.definition),
    )
    preview_in_background(
        preview,
        path=f"{preview.dimension}/{preview.rule_name}",
        draft=_rule_draft,
        starting=_("The rules in force changed while the preview was starting."),
    )
    return preview


def _rule_draft(ruleset: RuleSet, preview: RulePreview) -> RuleSet:
    """The rule set in force with the previewed rule in it."""
    return ruleset_with(ruleset, rule_loaded(preview.rule), scheme=preview.rule.get("scheme"))


def preview_in_background(
    preview: Any, *, path: str, draft: Callable[[RuleSet, Any], RuleSet], starting: str
) -> None:
    """Evaluate `preview` (a rule's or a scheme's, just recorded) in the background; `preview_compute`
    says how."""
    model = type(preview)
    in_background(
        lambda: preview_compute(model, preview.pk, path=path, draft=draft, starting=starting),
        name=f"{model._meta.model_name}-{preview.pk}",
    )


def preview_compute(
    model: Any, preview_id: int, *, path: str, draft: Callable[[RuleSet, Any], RuleSet], starting: str
) -> None:
    """Evaluate the preview `preview_id` of `model` (a rule's or a scheme's) against every customer:
    `draft(rule set in force, preview)` is the rule set previewed. The preview's row gets the moves, or
    the error (`starting`: the definitions in force moved on since the preview was asked for)."""
    preview = model.objects.get(pk=preview_id)
    try:
        current = definition_live()
        if current is None or definition_key(current) != preview.base_key:
            raise PublishRefused(starting)
        result = preview_moves(path=path, draft=lambda ruleset: draft(ruleset, preview))
    except Exception as error:
        logger.exception("%s %s failed", model.__name__, preview_id)
        model.objects.filter(pk=preview_id).update(
            status=PreviewStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        return
    model.objects.filter(pk=preview_id).update(
        status=PreviewStatus.READY, result=result, finished_at=timezone.now()
    )


def preview_moves(
    *, path: str, draft: Callable[[RuleSet], RuleSet], as_of: dt.date | None = None
) -> dict[str, Any]:
    """Who would move from which value to which if the rule set in force, edited by `draft`, were
    published (`path` names the edit in errors); writes nothing. As a preview's row keeps it."""
    ruleset, versions = ruleset_current()
    found = rules_preview(
        path=Path(path),
        definition=definition_build(draft(ruleset), versions=versions),
        engine=grading_engine(),
        samples=PREVIEW_SAMPLES,
        as_of=as_of,
    )
    return preview_result(found)


def preview_result(found: Preview) -> dict[str, Any]:
    """A preview's moves as a preview row keeps them (the shape `selectors.previews` reads)."""
    moves = [
        [dimension, before, after, count, found.samples.get((dimension, before, after), [])]
        for (dimension, before, after), count in found.moves.items()
    ]
    result = {"customers": found.customers, "as_of": found.as_of.isoformat(), "engine": found.engine}
    return {**result, "moves": moves}


def rule_preview_publish(*, user: User, preview_id: int) -> LoadReport:
    """Publish the previewed rule as a new version and start a grading run (when the user may)."""
    return preview_publish(
        RulePreview,
        user=user,
        preview_id=preview_id,
        stale=_("The rules in force changed since this preview: preview again."),
        document=_rule_draft,
    )


def preview_publish(
    model: Any, *, user: User, preview_id: int, stale: str, document: Callable[[Any, Any], Any]
) -> LoadReport:
    """Publish a finished preview of `model` (a rule's or a scheme's): `document(ruleset in force,
    preview)` is the rule set to load; then start a grading run (when the user may)."""
    user_require(user, "rule.publish")
    with transaction.atomic():
        preview = model.objects.select_for_update().get(pk=preview_id, user=user)
        if preview.status != PreviewStatus.READY:
            raise PublishRefused(_("Only a finished preview can be published."))
        if preview.published_at is not None:
            raise PublishRefused(_("This preview was already published."))
        current = definition_live()
        if current is None or definition_key(current) != preview.base_key:
            raise PublishRefused(stale)
        ruleset, _versions = ruleset_current()
        report = rule_set_load(document=document(ruleset, preview), user=user)
        preview.published_at = timezone.now()
        preview.save(update_fields=["published_at"])
    if user_may(user, "run.start"):
        grading_run_start(user=user)
    return report
