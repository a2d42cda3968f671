"""The repeated rows of a scheme's edit form: tiers or levels with their cut-offs, score parts, signals.

Each row set is a Django formset: one form per row, a blank row to add one, a "remove" box on each.
Problems are attached to the row and field at fault, in the user's language; a refusal of the grading
engine (an unknown metric, a condition it cannot read) says the same as the rule builder does.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Literal

from django import forms
from django.utils.translation import gettext_lazy as _

from stratacrm.segmentation.catalog import Catalog
from stratacrm.segmentation.conditions import ConditionError
from stratacrm.segmentation.fields import Field
from stratacrm.segmentation.ruleset import Cuts, ScorePart, Signal
from stratacrm.segmentation.ruleset.custom import numeric_kind
from stratacrm.segmentation.ruleset.reading_rules import IDENTIFIER
from stratacrm.segmentation.ruleset.schemes import SCORE, SIGNAL_PREFIX
from stratacrm.segmentation.text import parse

from .engine_messages import engine_problem

MAX_METRIC_NAME = 63


class Row(forms.Form):
    """A row of a formset; each control is named for screen readers with its row number."""

    def __init__(self, *args: Any, row: int = 0, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = _("%(field)s, row %(row)s") % {
                "field": field.label,
                "row": row,
            }


class Rows(forms.BaseFormSet):
    """Rows kept (filled in and not removed), in order."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "row": (index or 0) + 1}

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            label = _("Remove row %(row)s") % {"row": (index or 0) + 1}
            form.fields["DELETE"].widget.attrs["aria-label"] = label

    def kept(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]


class CutRow(Row):
    label = forms.CharField(label=_("Label"), max_length=100)
    value = forms.FloatField(label=_("Cut-off"))


class CutRows(Rows):
    """Labels best first with their cut-off: a share of customers (quantiles) or a least value."""

    by = "thresholds"

    def clean(self) -> None:
        if any(self.errors):
            return
        rows = self.kept()
        if len(rows) < 2:
            raise forms.ValidationError(_("Give at least two labels."))
        labels = [form.cleaned_data["label"].strip() for form in rows]
        for form, label in zip(rows, labels, strict=True):
            if labels.count(label) > 1:
                form.add_error("label", _("“%(label)s” is given twice.") % {"label": label})
        values = [float(form.cleaned_data["value"]) for form in rows]
        if self.by == "quantiles":
            for form, value in zip(rows, values, strict=True):
                if value <= 0 or abs(value * 100 - round(value * 100)) > 1e-9:
                    form.add_error("value", _("A share is a positive percentage with at most two decimals."))
            if abs(sum(values) - 100) > 1e-9:
                raise forms.ValidationError(
                    _("The shares add up to %(total)s, not 100.") % {"total": f"{sum(values):g}"}
                )
            return
        for (above, value), form in zip(itertools.pairwise(values), rows[1:], strict=True):
            if value >= above:
                form.add_error("value", _("Each cut-off must be below the one of the row above."))
        if values[-1] != 0:
            rows[-1].add_error("value", _("The last cut-off is 0, so that every customer gets a label."))

    def cuts(self) -> Cuts:
        rows = self.kept()
        labels = tuple(form.cleaned_data["label"].strip() for form in rows)
        by: Literal["quantiles", "thresholds"] = "quantiles" if self.by == "quantiles" else "thresholds"
        return Cuts(by, labels, tuple(float(form.cleaned_data["value"]) for form in rows))


class PartRow(Row):
    metric = forms.CharField(label=_("Metric"), max_length=100)
    weight = forms.FloatField(label=_("Weight"))
    lower_is_better = forms.BooleanField(label=_("Lower is better"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].widget.attrs.update(
            list="score-metrics", spellcheck="false", autocomplete="off"
        )

    def clean_weight(self) -> float:
        weight = float(self.cleaned_data["weight"])
        if not (weight > 0 and math.isfinite(weight)):
            raise forms.ValidationError(_("A weight is a positive number."))
        return weight


class PartRows(Rows):
    """The value score's parts: the three of RFM (`names` given), or any metrics of a weighted score."""

    catalog: Catalog
    names: tuple[str, ...] = ()

    def clean(self) -> None:
        if any(self.errors):
            return
        rows = self.kept()
        if not rows:
            raise forms.ValidationError(_("The score needs at least one metric."))
        seen: set[str] = set()
        for form in rows:
            metric = form.cleaned_data["metric"].strip()
            try:
                numeric_kind(metric, catalog=self.catalog)
            except ConditionError as error:
                form.add_error("metric", engine_problem(error))
                continue
            name = self.catalog.resolve(metric).name
            form.cleaned_data["metric"] = name
            if not self.names and name in seen:
                form.add_error("metric", _("The metric %(name)s is listed twice.") % {"name": name})
            if len(f"{SCORE}_{name}") > MAX_METRIC_NAME:
                form.add_error("metric", _("This name is too long to name a part of the score."))
            seen.add(name)

    def parts(self) -> tuple[ScorePart, ...]:
        rows = self.kept()
        names = self.names or tuple(form.cleaned_data["metric"] for form in rows)
        return tuple(
            ScorePart(
                name,
                form.cleaned_data["metric"],
                form.cleaned_data["weight"],
                form.cleaned_data["lower_is_better"],
            )
            for name, form in zip(names, rows, strict=True)
        )


class SignalRow(Row):
    name = forms.CharField(label=_("Signal"), max_length=MAX_METRIC_NAME - len(SIGNAL_PREFIX))
    condition = forms.CharField(label=_("Condition"), max_length=10_000)
    points = forms.FloatField(label=_("Points"))
    label_en = forms.CharField(label=_("English label"), max_length=200, required=False)
    label_zh = forms.CharField(label=_("Chinese label"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["condition"].widget.attrs.update(spellcheck="false", autocomplete="off", size="40")

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not IDENTIFIER.fullmatch(name):
            raise forms.ValidationError(_("A signal's name is a lower-case identifier (letters, digits, _)."))
        return name

    def clean_points(self) -> float:
        points = float(self.cleaned_data["points"])
        if points <= 0:
            raise forms.ValidationError(_("Points are a positive number."))
        return points


class SignalRows(Rows):
    known: dict[str, Field]  # the names a signal's condition may use

    def clean(self) -> None:
        if any(self.errors):
            return
        rows = self.kept()
        if not rows:
            raise forms.ValidationError(_("Churn risk needs at least one signal."))
        names = [form.cleaned_data["name"] for form in rows]
        for form in rows:
            if names.count(form.cleaned_data["name"]) > 1:
                form.add_error("name", _("Each signal needs its own name."))
            try:
                form.cleaned_data["when"] = parse(form.cleaned_data["condition"], fields=self.known)
            except ConditionError as error:
                form.add_error("condition", engine_problem(error))

    def signals(self) -> tuple[Signal, ...]:
        return tuple(
            Signal(
                form.cleaned_data["name"],
                form.cleaned_data["when"],
                form.cleaned_data["points"],
                form.cleaned_data["label_en"].strip(),
                form.cleaned_data["label_zh"].strip(),
            )
            for form in self.kept()
        )


def rows(form: type[Row], kind: type[Rows], *, fixed: bool = False) -> Any:
    """A formset class of `form` rows: a blank row and a remove box on each, unless the rows are fixed."""
    if fixed:
        return forms.formset_factory(form, formset=kind, extra=0, can_delete=False)
    return forms.formset_factory(form, formset=kind, extra=1, can_delete=True)
