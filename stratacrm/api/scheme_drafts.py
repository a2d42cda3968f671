"""Grade schemes through the API: check an edited scheme as its page checks it, preview it, keep it as a
draft, publish it.

The API edits a scheme exactly as its web page does — the same edit form (`web.scheme_forms.SchemeEdit`,
fed the fields sent on top of the version in force), the same editor (`web.selectors.scheme_editor`), the
same background preview and publish (`web.services.schemes`) — so a scheme the API accepts is one the page
accepts, and the reverse. A draft is a `web.SchemePreview`; publishing it makes the scheme's next version
current (audited as `ruleset.load` and `scheme.version`, the old version kept) and starts a grading run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.accounts.services.audit import audit_record
from stratacrm.segmentation.conditions import ConditionError
from stratacrm.segmentation.definitions import definition_build
from stratacrm.segmentation.models import GradingRun, Scheme
from stratacrm.segmentation.services import LoadReport
from stratacrm.web.engine_messages import engine_problem
from stratacrm.web.models import SchemePreview
from stratacrm.web.scheme_forms import SchemeEdit
from stratacrm.web.selectors.scheme_editor import SchemeEditor, SchemeSpec, scheme_editor
from stratacrm.web.services.grading import preview_moves
from stratacrm.web.services.schemes import (
    ruleset_with_scheme,
    scheme_preview_publish,
    scheme_preview_start,
)

from .drafts import draft_publish, preview_present

OWN_FIELDS = ("label_en", "label_zh", "bins", "normalize", "tiers_by", "stages", "default")
ROW_SETS = {"parts": "part", "tiers": "tier", "signals": "signal", "levels": "level"}


@dataclass(frozen=True)
class SchemeProblem:
    """One thing wrong with a scheme as sent: the field at fault (`tiers.1.value`: the second tier's)."""

    field: str
    message: str

    def as_error(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class SchemeInvalid(ValueError):
    """The scheme cannot be accepted; nothing was written."""

    def __init__(self, problems: list[SchemeProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


@dataclass(frozen=True)
class SchemeChecked:
    """An edited scheme checked against the definitions in force: the scheme, or what is wrong with it."""

    editor: SchemeEditor
    scheme: SchemeSpec | None
    problems: list[SchemeProblem] = field(default_factory=list)

    def accepted(self) -> SchemeSpec:
        if self.scheme is None:
            raise SchemeInvalid(self.problems)
        return self.scheme


def editor_of(kind: str) -> SchemeEditor:
    """The editor of the scheme `kind` (Scheme.DoesNotExist, a 404, when there is none in force)."""
    try:
        return scheme_editor(kind=kind)
    except LookupError:
        raise Scheme.DoesNotExist(f"no grade scheme {kind!r}") from None


def scheme_check(*, kind: str, sent: dict[str, Any]) -> SchemeChecked:
    """Check the scheme `kind` edited by the fields `sent` as its page does, then compile it."""
    editor = editor_of(kind)
    page = SchemeEdit(editor=editor)
    foreign = [name for name in sent if name not in page.form.fields and name not in page.sets]
    if foreign:
        message = _("A %(kind)s scheme has no such field.") % {"kind": kind}
        return SchemeChecked(editor, None, [SchemeProblem(name, message) for name in foreign])
    fixed = getattr(page.sets.get("parts"), "names", ())
    if fixed and "parts" in sent and len(sent["parts"]) != len(fixed):
        message = _("An RFM score has exactly these parts, in order: %(parts)s.") % {
            "parts": ", ".join(fixed)
        }
        return SchemeChecked(editor, None, [SchemeProblem("parts", message)])
    edit = SchemeEdit(_form_data(page, sent), editor=editor)
    if not edit.is_valid():
        return SchemeChecked(editor, None, _problems(edit))
    scheme = edit.scheme()
    try:
        definition_build(ruleset_with_scheme(editor.ruleset, kind, scheme.definition()))
    except (ConditionError, ValueError) as error:
        return SchemeChecked(editor, None, [SchemeProblem("", engine_problem(error))])
    return SchemeChecked(editor, scheme)


def _form_data(page: SchemeEdit, sent: dict[str, Any]) -> dict[str, Any]:
    """The edit page's form data: the version in force as the page fills it in, with `sent` on top."""
    data: dict[str, Any] = {}
    forms = [page.form]
    for rows in page.sets.values():
        management = rows.management_form
        data.update({management.add_prefix(n): management.initial[n] for n in management.fields})
        forms += [row for row in rows.forms if row.initial]
    for form in forms:
        for name, form_field in form.fields.items():
            _put(data, form.add_prefix(name), form.get_initial_for_field(form_field, name))
    for name in OWN_FIELDS:
        if name in sent:
            value = sent[name]
            data[name] = "\n".join(value) if name == "stages" and value is not None else value
    for name, prefix in ROW_SETS.items():
        if name in sent and name in page.sets:
            data = {key: value for key, value in data.items() if not key.startswith(f"{prefix}-")}
            sent_rows = sent[name] or []
            kept = len([row for row in page.sets[name].forms if row.initial])
            data[f"{prefix}-TOTAL_FORMS"] = len(sent_rows)
            data[f"{prefix}-INITIAL_FORMS"] = min(kept, len(sent_rows))
            for number, row in enumerate(sent_rows):
                for key, value in row.items():
                    _put(data, f"{prefix}-{number}-{key}", value)
    return {key: value for key, value in data.items() if value is not None}


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value is True:
        data[key] = "on"
    elif value is False or value is None:
        data.pop(key, None)
    else:
        data[key] = value


def _problems(edit: SchemeEdit) -> list[SchemeProblem]:
    """Every problem of the edit form, named by field (`""`: the whole scheme) and row (from 0)."""
    found = [SchemeProblem("", str(m)) for m in edit.form.non_field_errors()]
    for name, messages in edit.form.errors.items():
        if name != "__all__":
            found += [SchemeProblem(name, str(m)) for m in messages]
    for set_name, rows in edit.sets.items():
        found += [SchemeProblem(set_name, str(m)) for m in rows.non_form_errors()]
        for number, row in enumerate(rows.forms):
            for name, messages in row.errors.items():
                where = f"{set_name}.{number}" if name == "__all__" else f"{set_name}.{number}.{name}"
                found += [SchemeProblem(where, str(m)) for m in messages]
    return found


def scheme_preview(*, user: User, kind: str, scheme: SchemeSpec, as_of: Any = None) -> dict[str, Any]:
    """Who would move from which value to which if `scheme` were published; writes nothing. Example
    customers are only those `user` may open."""
    user_require(user, "rule.change")
    result = preview_moves(
        path=f"schemes/{kind}",
        draft=lambda ruleset: ruleset_with_scheme(ruleset, kind, scheme.definition()),
        as_of=as_of,
    )
    return preview_present(user=user, result=result)


def scheme_draft_create(*, user: User, editor: SchemeEditor, scheme: SchemeSpec) -> SchemePreview:
    """Keep `scheme` as a draft of its next version and start evaluating it in the background. Audited."""
    draft = scheme_preview_start(user=user, editor=editor, scheme=scheme)
    audit_record(
        actor=user,
        action="scheme.draft",
        obj=draft,
        before={"kind": editor.kind, "version": editor.version, "definition": editor.scheme.definition()},
        after={"kind": editor.kind, "definition": draft.definition},
    )
    return draft


def scheme_draft_publish(*, user: User, draft_id: int) -> tuple[LoadReport, GradingRun | None]:
    """Publish one's own draft as the scheme's next version; see `drafts.draft_publish`."""
    return draft_publish(scheme_preview_publish, user=user, draft_id=draft_id)
