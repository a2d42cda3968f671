"""A grade scheme as edited on its page: the form of each kind, its rows, and the scheme they make.

`SchemeEdit` holds the scheme's own fields (labels, bins, how tiers are cut, lifecycle stages) and its
row sets (`scheme_rows.py`); it starts from the scheme in force, checks every field (naming the field
and row at fault) and the rules the scheme's dimension keeps (a tier override or lifecycle rule must
still give a tier or stage that exists), and builds the typed scheme the engine compiles.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from stratacrm.segmentation.ruleset import ChurnRisk, Cuts, Lifecycle, ValueScore
from stratacrm.segmentation.ruleset.reading_rules import IDENTIFIER
from stratacrm.segmentation.ruleset.schemes import RFM_PARTS
from stratacrm.segmentation.text import to_text

from .scheme_rows import CutRow, CutRows, PartRow, PartRows, Rows, SignalRow, SignalRows, rows
from .selectors.explained import MEASURE_LABELS
from .selectors.scheme_editor import SchemeEditor, SchemeSpec

TIERS_BY = [("quantiles", _("By share of customers")), ("thresholds", _("By least score"))]
NORMALIZE = [("rank", _("Rank into bins")), ("minmax", _("Scale from lowest to highest"))]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _cut_rows(cuts: Cuts) -> list[dict[str, Any]]:
    return [{"label": label, "value": _number(v)} for label, v in zip(cuts.labels, cuts.values, strict=True)]


class SchemeForm(forms.Form):
    label_en = forms.CharField(label=_("English name"), max_length=100)
    label_zh = forms.CharField(label=_("Chinese name"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ValueScoreForm(SchemeForm):
    bins = forms.IntegerField(label=_("Bins"), min_value=2, max_value=100, required=False)
    normalize = forms.ChoiceField(label=_("Normalisation"), choices=NORMALIZE)
    tiers_by = forms.ChoiceField(label=_("Tiers"), choices=TIERS_BY)

    def __init__(self, *args: Any, method: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if method == "rfm":
            del self.fields["normalize"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("normalize") != "minmax" and data.get("bins") is None:
            self.add_error("bins", _("Give the number of bins, from 2 to 100."))
        return data


class LifecycleForm(SchemeForm):
    stages = forms.CharField(
        label=_("Stages, in order (one a line)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 8})
    )
    default = forms.CharField(label=_("Stage when no rule matches"), max_length=100)

    def clean_stages(self) -> list[str]:
        stages = [line.strip() for line in str(self.cleaned_data["stages"]).splitlines() if line.strip()]
        for number, stage in enumerate(stages, start=1):
            if not IDENTIFIER.fullmatch(stage):
                raise forms.ValidationError(
                    _("Line %(line)s: “%(stage)s” is not a lower-case identifier (letters, digits, _)."),
                    params={"line": number, "stage": stage},
                )
            if stages.index(stage) != number - 1:
                raise forms.ValidationError(
                    _("Line %(line)s: the stage “%(stage)s” is listed twice."),
                    params={"line": number, "stage": stage},
                )
        if len(stages) < 2:
            raise forms.ValidationError(_("Give at least two stages."))
        return stages

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default, stages = str(data.get("default") or "").strip(), data.get("stages")
        if stages and default and default not in stages:
            self.add_error("default", _("“%(stage)s” is not one of the stages.") % {"stage": default})
        return data


class SchemeEdit:
    """The edit form of one scheme: its own fields and its row sets, checked together."""

    def __init__(self, data: Any = None, *, editor: SchemeEditor) -> None:
        self.editor = editor
        self.sets: dict[str, Rows] = {}
        scheme = editor.scheme
        labels = {"label_en": scheme.label_en, "label_zh": scheme.label_zh}
        self.form: SchemeForm
        if isinstance(scheme, ValueScore):
            initial = {
                **labels,
                "bins": scheme.bins,
                "normalize": scheme.normalize,
                "tiers_by": scheme.tiers.by,
            }
            self.form = ValueScoreForm(data, initial=initial, method=scheme.method)
            fixed = scheme.method == "rfm"
            parts = [{**p.definition(), "weight": _number(p.weight)} for p in scheme.parts]
            self.sets["parts"] = rows(PartRow, PartRows, fixed=fixed)(data, prefix="part", initial=parts)
            part_rows: Any = self.sets["parts"]
            part_rows.catalog, part_rows.names = editor.part_catalog, RFM_PARTS if fixed else ()
            for row, name in zip(part_rows.forms, part_rows.names, strict=False):
                row.part_label = MEASURE_LABELS.get(name, name)
            self._cuts("tiers", data, scheme.tiers, by=(data or {}).get("tiers_by", scheme.tiers.by))
        elif isinstance(scheme, ChurnRisk):
            self.form = SchemeForm(data, initial=labels)
            signals = [
                {
                    "name": s.name,
                    "condition": to_text(s.condition),
                    "points": _number(s.points),
                    "label_en": s.label_en,
                    "label_zh": s.label_zh,
                }
                for s in scheme.signals
            ]
            self.sets["signals"] = rows(SignalRow, SignalRows)(data, prefix="signal", initial=signals)
            signal_rows: Any = self.sets["signals"]
            signal_rows.known = dict(editor.signal_catalog.fields)
            self._cuts("levels", data, scheme.levels, by="thresholds")
        else:
            initial = {**labels, "stages": "\n".join(scheme.stages), "default": scheme.default}
            self.form = LifecycleForm(data, initial=initial)

    def _cuts(self, name: str, data: Any, cuts: Cuts, *, by: str) -> None:
        self.sets[name] = rows(CutRow, CutRows)(data, prefix=name[:-1], initial=_cut_rows(cuts))
        cut_rows: Any = self.sets[name]
        cut_rows.by = "quantiles" if by == "quantiles" else "thresholds"

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        valid = all([row_set.is_valid() for row_set in self.sets.values()]) and valid
        if valid:
            self._check_rules()
        return valid and not self.form.errors

    def _check_rules(self) -> None:
        """Every rule of the scheme's dimension must still give a tier or stage the scheme has."""
        scheme = self.scheme()
        if isinstance(scheme, ValueScore):
            allowed = scheme.tiers.labels
        elif isinstance(scheme, Lifecycle):
            allowed = scheme.stages
        else:
            return
        for rule in self.editor.rules:
            if rule.value not in allowed:
                message = _(
                    "The rule “%(rule)s” gives “%(value)s”, which this change removes: change the rule first."
                )
                self.form.add_error(None, str(message) % {"rule": rule.name, "value": rule.value})

    def scheme(self) -> SchemeSpec:
        """The scheme as edited (after `is_valid()`)."""
        data, scheme = self.form.cleaned_data, self.editor.scheme
        labels = data["label_en"].strip(), data["label_zh"].strip()
        if isinstance(scheme, ValueScore):
            part_rows: Any = self.sets["parts"]
            tier_rows: Any = self.sets["tiers"]
            normalize = data.get("normalize", scheme.normalize)
            bins = data.get("bins") or scheme.bins
            return ValueScore(scheme.method, part_rows.parts(), tier_rows.cuts(), normalize, bins, *labels)
        if isinstance(scheme, ChurnRisk):
            signal_rows: Any = self.sets["signals"]
            level_rows: Any = self.sets["levels"]
            return ChurnRisk(signal_rows.signals(), level_rows.cuts(), *labels)
        return Lifecycle(tuple(data["stages"]), data["default"].strip(), *labels)

    def problems(self) -> list[str]:
        """Every problem found, each naming its field (and row), for the summary above the form."""
        found = [str(error) for error in self.form.non_field_errors()]
        for name, errors in self.form.errors.items():
            if name != "__all__":
                found += [f"{self.form.fields[name].label}: {error}" for error in errors]
        for row_set in self.sets.values():
            found += [str(error) for error in row_set.non_form_errors()]
            for number, row in enumerate(row_set.forms, start=1):
                where = gettext_now("row %(row)s") % {"row": number}
                for name, messages in row.errors.items():
                    label = row.fields[name].label if name in row.fields else ""
                    found += [f"{label} ({where}): {message}" for message in messages]
        return found
