"""Rules through the API: check one as the rule builder checks it, preview it, keep it as a draft, publish.

The API edits rules exactly as the web's rule builder does — the same form (`web.drafts.RuleForm`), the
same editor (`web.selectors.rules.rule_editor`), the same background preview and publish
(`web.services.grading`) — so a rule the API accepts is one the builder accepts, and the reverse.
A draft is a `web.RulePreview`: the rule as sent, evaluated against every customer in the background;
publishing it makes the rule's next version current (`segmentation.services.rule_set_load`, audited).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.accounts.services.audit import audit_record
from stratacrm.segmentation.conditions import ConditionError
from stratacrm.segmentation.definitions import definition_build
from stratacrm.segmentation.models import GradingRun
from stratacrm.segmentation.ruleset import RuleSpec
from stratacrm.segmentation.services import LoadReport
from stratacrm.web.drafts import RuleForm, condition_message, rule_loaded, ruleset_with
from stratacrm.web.models import RulePreview
from stratacrm.web.selectors.rules import Editor, rule_editor
from stratacrm.web.services.grading import preview_moves, rule_preview_publish, rule_preview_start

from .drafts import draft_publish, preview_present

FORM_FIELDS = {"condition_text": "condition", "condition_json": "condition_tree", "__all__": ""}


@dataclass(frozen=True)
class RuleProblem:
    """One thing wrong with a rule as sent: the field at fault and, in condition text, where (from 1)."""

    field: str
    message: str
    position: int | None = None
    suggestion: str | None = None

    def as_error(self) -> dict[str, str]:
        if self.position is None:
            return {"field": self.field, "message": self.message}
        where = _("at character %(position)s") % {"position": self.position}
        return {"field": self.field, "message": f"{self.message} ({where})"}


class RuleInvalid(ValueError):
    """The rule cannot be accepted; nothing was written."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


@dataclass(frozen=True)
class RuleChecked:
    """A rule checked against the rules in force: the rule, its editor, or what is wrong with it."""

    rule: RuleSpec | None
    editor: Editor | None
    existing: bool
    problems: list[RuleProblem] = field(default_factory=list)

    def accepted(self) -> tuple[RuleSpec, Editor]:
        if self.rule is None or self.editor is None:
            raise RuleInvalid(self.problems)
        return self.rule, self.editor


def _editor(dimension: str, name: str) -> tuple[Editor, bool]:
    try:
        return rule_editor(dimension=dimension, name=name), True
    except LookupError:
        return rule_editor(dimension=dimension, name=None), False


def rule_check(
    *,
    dimension: str,
    name: str,
    value: str,
    priority: int,
    enabled: bool,
    condition: str | None,
    condition_tree: Any | None,
) -> RuleChecked:
    """Check a rule as the builder does; an existing (dimension, name) is an edit, otherwise a new rule."""
    try:
        editor, existing = _editor(dimension, name)
    except LookupError as error:
        return RuleChecked(None, None, False, [RuleProblem("dimension", str(error))])
    if (condition is None) == (condition_tree is None):
        message = _("Send the condition as text (condition) or as a tree (condition_tree), not both.")
        return RuleChecked(None, editor, existing, [RuleProblem("condition", message)])
    text_mode = condition is not None
    data = {
        "name": name,
        "value": value,
        "priority": priority,
        "enabled": enabled,
        "mode": "text" if text_mode else "builder",
        "condition_text": condition or "",
        "condition_json": "" if text_mode else json.dumps(condition_tree),
    }
    form = RuleForm(data, editor=editor)
    problems = _form_problems(form, text_mode=text_mode)
    if problems:
        return RuleChecked(None, editor, existing, problems)
    rule = form.rule()
    try:
        definition_build(ruleset_with(editor.ruleset, rule, scheme=editor.dimension.scheme))
    except (ConditionError, ValueError) as error:
        return RuleChecked(None, editor, existing, [RuleProblem("condition", str(error))])
    return RuleChecked(rule, editor, existing)


def _form_problems(form: RuleForm, *, text_mode: bool) -> list[RuleProblem]:
    problems = []
    valid = form.is_valid()
    error = form.condition_error
    if error is not None:
        where = "condition" if text_mode else "condition_tree"
        if not text_mode and error.path:
            where += "".join(f".children.{i}" for i in error.path)
        position = error.position + 1 if text_mode and error.position is not None else None
        problems.append(RuleProblem(where, condition_message(error), position, error.suggestion))
    if valid:
        return problems
    for name, messages in form.errors.items():
        if name == "__all__" and error is not None:
            continue  # "the condition has a problem" — said above, with the problem itself
        problems.extend(RuleProblem(FORM_FIELDS.get(name, name), str(m)) for m in messages)
    return problems


def rule_preview(*, user: User, rule: RuleSpec, editor: Editor, as_of: Any = None) -> dict[str, Any]:
    """Who would move from which value to which if `rule` were published; writes nothing. Example
    customers are only those `user` may open."""
    user_require(user, "rule.change")
    result = preview_moves(
        path=f"{rule.dimension}/{rule.name}",
        draft=lambda ruleset: ruleset_with(ruleset, rule, scheme=editor.dimension.scheme),
        as_of=as_of,
    )
    return preview_present(user=user, result=result)


def rule_draft_create(*, user: User, rule: RuleSpec, editor: Editor) -> RulePreview:
    """Keep `rule` as a draft of its next version and start evaluating it in the background. Audited."""
    draft = rule_preview_start(user=user, editor=editor, rule=rule)
    current = editor.rule
    audit_record(
        actor=user,
        action="rule.draft",
        obj=draft,
        before=None if current is None else {"definition": current.definition()},
        after={"dimension": rule.dimension, "name": rule.name, "definition": rule.definition()},
    )
    return draft


def rule_draft_publish(*, user: User, draft_id: int) -> tuple[LoadReport, GradingRun | None]:
    """Publish one's own draft as the rule's next version; see `drafts.draft_publish`."""
    return draft_publish(rule_preview_publish, user=user, draft_id=draft_id)


def draft_rule(draft: RulePreview) -> RuleSpec:
    """The rule a draft holds."""
    return rule_loaded(draft.rule)
