"""A rule as edited in the builder: read from the form, checked like a rule file's rule, and placed into
the rule set in force (every other part unchanged) for previewing and publishing.

The condition arrives as the builder's JSON tree or as text; both become the same checked, normalized
tree (`conditions.from_json` + `fields.check_condition`, or `text.parse`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stratacrm.segmentation.conditions import Condition, ConditionError, from_json, normalize
from stratacrm.segmentation.fields import Field, check_condition
from stratacrm.segmentation.ruleset import DimensionSpec, RuleSet, RuleSpec
from stratacrm.segmentation.text import parse

from .engine_messages import engine_message, engine_problem
from .labels import value_label
from .selectors.rules import Editor

MODES = [("builder", _("Visual builder")), ("text", _("Text"))]
MAX_JSON = 200_000


def condition_read(*, mode: str, text: str, tree: str, fields: Mapping[str, Field]) -> Condition:
    """The checked, normalized condition from text (`mode="text"`) or from the builder's JSON tree."""
    if mode == "text":
        return parse(text, fields=fields)
    if len(tree) > MAX_JSON:
        raise ConditionError("the condition is too large", code="too_large")
    try:
        data = json.loads(tree or "null")
    except ValueError:
        raise ConditionError("the builder sent a condition that is not JSON", code="not_json") from None
    condition = from_json(data)
    check_condition(condition, fields=fields)
    return normalize(condition)


def condition_message(error: ConditionError) -> str:
    """The error's message in the user's language."""
    return engine_message(error)


def condition_fix(source: str, error: ConditionError) -> dict[str, str] | None:
    """For an unknown name in condition text: the misspelt name and the suggestion to put instead."""
    name = str(error.params.get("name", ""))
    if error.code != "unknown_name" or not name or error.suggestion is None or error.position is None:
        return None
    if not source[error.position :].lower().startswith(name):
        return None
    return {"old": source[error.position : error.position + len(name)], "new": error.suggestion}


class RuleForm(forms.Form):
    """One rule of one dimension: name, the value it gives, priority, enabled, condition."""

    name = forms.CharField(label=_("Rule name"), max_length=100)
    value = forms.CharField(label=_("Gives"), max_length=100)
    priority = forms.IntegerField(label=_("Priority"), required=False, initial=0)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    mode = forms.ChoiceField(label=_("Edit as"), choices=MODES, initial="builder", widget=forms.RadioSelect)
    condition_text = forms.CharField(
        label=_("Condition"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    condition_json = forms.CharField(required=False, max_length=MAX_JSON, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, editor: Editor) -> None:
        rule = editor.rule
        initial: dict[str, Any] = {"mode": "builder", "enabled": True, "priority": 0}
        if rule is not None:
            initial.update(name=rule.name, value=rule.value, priority=rule.priority, enabled=rule.enabled)
        super().__init__(data, initial=initial, label_suffix="")
        self.editor = editor
        self.condition: Condition | None = None
        self.condition_error: ConditionError | None = None
        if rule is not None:
            self.fields["name"].disabled = True  # a new name is a new rule: add one instead
        if editor.values is not None:
            choices = [(v, value_label(v)) for v in editor.values]
            self.fields["value"] = forms.ChoiceField(label=_("Gives"), choices=choices)
        else:
            self.fields["value"].widget.attrs["list"] = "rule-values"
        if editor.dimension.mode == "exclusive":
            self.fields["priority"].required = True
        self.fields["condition_text"].widget.attrs.update(spellcheck="false", autocomplete="off")

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if self.editor.rule is None and any(r.name == name for r in self.editor.dimension.rules):
            raise forms.ValidationError(_("This dimension already has a rule of that name."))
        return name

    def clean_priority(self) -> int:
        priority = self.cleaned_data.get("priority") or 0
        other = self.editor.taken_priorities.get(priority)
        if other is not None:
            raise forms.ValidationError(
                _("Rule “%(rule)s” already has priority %(priority)s: each rule needs its own."),
                params={"rule": other, "priority": priority},
            )
        return priority

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            self.condition = condition_read(
                mode=data.get("mode") or "builder",
                text=data.get("condition_text") or "",
                tree=data.get("condition_json") or "",
                fields=self.editor.definition.catalog.fields,
            )
        except ConditionError as error:
            self.condition_error = error
            self.add_error(None, _("The condition has a problem (see above)."))
        return data

    @property
    def condition_problem(self) -> str:
        """What is wrong with the condition, in the user's language ('' when nothing is)."""
        return engine_problem(self.condition_error) if self.condition_error is not None else ""

    def rule(self) -> RuleSpec:
        """The rule as edited (call after `is_valid()`)."""
        assert self.condition is not None
        data = self.cleaned_data
        return RuleSpec(
            data["name"],
            self.editor.dimension.name,
            self.condition,
            self.editor.action,
            data["value"],
            data["priority"],
            data["enabled"],
        )


def ruleset_with(ruleset: RuleSet, rule: RuleSpec, *, scheme: str | None = None) -> RuleSet:
    """`ruleset` with `rule` in its dimension, replacing the rule of the same name or added to it."""
    dimension = next((d for d in ruleset.dimensions if d.name == rule.dimension), None)
    if dimension is None:
        dimension = DimensionSpec(rule.dimension, "exclusive", (), scheme=scheme)
    names = [r.name for r in dimension.rules]
    if rule.name in names:
        rules = tuple(rule if r.name == rule.name else r for r in dimension.rules)
    else:
        rules = (*dimension.rules, rule)
    changed = replace(dimension, rules=rules)
    dimensions = [changed if d.name == changed.name else d for d in ruleset.dimensions]
    if changed.name not in [d.name for d in ruleset.dimensions]:
        dimensions.append(changed)
    return replace(ruleset, dimensions=tuple(dimensions))


def rule_stored(rule: RuleSpec) -> dict[str, Any]:
    """A rule as a preview keeps it (see `rule_loaded`)."""
    return {"dimension": rule.dimension, "name": rule.name, "definition": rule.definition()}


def rule_loaded(stored: dict[str, Any]) -> RuleSpec:
    return RuleSpec.from_definition(stored["name"], stored["dimension"], stored["definition"])
