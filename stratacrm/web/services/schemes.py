"""Grade schemes from the web: preview an edited scheme, publish it as a new version, never blocking.

As with a rule: the preview evaluates every customer with the rule set in force, the edited scheme in
place of the current one, in the background (`background.in_background`), writing nothing, and records
its moves in a SchemePreview row. Publishing goes through the engine's `rule_set_load` with that rule
set, so only the scheme gets a new version (audited as `scheme.version`, the old version kept), then a
grading run starts; it is refused when the definitions in force changed since the preview.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.segmentation.definitions import definition_build
from stratacrm.segmentation.ruleset import Lifecycle, RuleSet, ValueScore
from stratacrm.segmentation.ruleset.schemes import SCHEME_CLASSES
from stratacrm.segmentation.runs.definition import definition_key
from stratacrm.segmentation.services import LoadReport

from ..models import SchemePreview
from ..selectors.scheme_editor import SchemeEditor, SchemeSpec
from .grading import preview_in_background, preview_publish


def ruleset_with_scheme(ruleset: RuleSet, kind: str, definition: dict[str, Any]) -> RuleSet:
    """`ruleset` with the scheme `kind` replaced by the one `definition` describes."""
    scheme = SCHEME_CLASSES[kind].from_definition(definition)
    if isinstance(scheme, ValueScore):
        return replace(ruleset, value_score=scheme)
    if isinstance(scheme, Lifecycle):
        return replace(ruleset, lifecycle=scheme)
    return replace(ruleset, churn_risk=scheme)


def scheme_preview_start(*, user: User, editor: SchemeEditor, scheme: SchemeSpec) -> SchemePreview:
    """Record the edited scheme and evaluate it against every customer in the background.

    The rule set with the edited scheme is compiled first: a scheme that cannot compile raises here.
    """
    user_require(user, "rule.change")
    definition = scheme.definition()
    definition_build(ruleset_with_scheme(editor.ruleset, editor.kind, definition))
    preview = SchemePreview.objects.create(
        user=user, kind=editor.kind, definition=definition, base_key=definition_key(editor.definition)
    )
    preview_in_background(
        preview,
        path=f"schemes/{preview.kind}",
        draft=_scheme_draft,
        starting=_("The definitions in force changed while the preview was starting."),
    )
    return preview


def _scheme_draft(ruleset: RuleSet, preview: SchemePreview) -> RuleSet:
    """The rule set in force with the previewed scheme in place of its own."""
    return ruleset_with_scheme(ruleset, preview.kind, preview.definition)


def scheme_preview_publish(*, user: User, preview_id: int) -> LoadReport:
    """Publish the previewed scheme as its new version and start a grading run (when the user may)."""
    return preview_publish(
        SchemePreview,
        user=user,
        preview_id=preview_id,
        stale=_("The definitions in force changed since this preview: preview again."),
        document=_scheme_draft,
    )
