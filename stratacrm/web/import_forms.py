"""Forms of the import pages: the upload, and the column mapping made in the browser.

The mapping form is built from the file's own header: one row per source column (which Strata field it
fills, a date format, a value map such as `Yes=true; No=false`) plus a few fixed values for fields the
file lacks. It becomes an import profile's definition (`ingest.importer.profile`), which the importer
checks as it checks a YAML profile; nothing here converts or writes data.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stratacrm.ingest.importer.profile import ENCODINGS, NAME
from stratacrm.ingest.importer.targets import TARGETS, ImportTarget

from .import_labels import field_label, target_label

FIXED_ROWS = 3
MAX_UPLOAD_BYTES = 512 << 20
UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
# The fields that name one row of a table without a key of its own, offered as its key.
SUGGESTED_KEYS = {
    "payments": ("customer", "paid_on"),
    "transactions": ("customer", "occurred_at", "product"),
    "interactions": ("customer", "occurred_at", "channel"),
    "surveys": ("customer", "survey", "responded_at"),
}
PAIR = re.compile(r"[;\n]")
JOB_PROFILE = "job-"  # the name of a mapping not saved as a profile: job-<id>


def encoding_choices() -> list[tuple[str, Any]]:
    return [("auto", _("Detect it")), *((e, e) for e in ENCODINGS if e != "auto")]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or Excel .xlsx)"))
    encoding = forms.ChoiceField(label=_("Encoding of a CSV file"), initial="auto")

    def __init__(self, data: Any = None, files: Any = None) -> None:
        super().__init__(data, files, label_suffix="")
        self.fields["encoding"].choices = encoding_choices()  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not str(upload.name).lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 512 MiB."))
        return upload


def field_choices(target: ImportTarget) -> list[tuple[str, Any]]:
    """The fields a column may fill, required ones marked."""
    return [
        (name, f"{field_label(target, name)}{' *' if name in target.required else ''}")
        for name in target.mappable
    ]


def _suggested(target: ImportTarget, column: str) -> str:
    """The field a column's name names (`account_number`, `Phone`, `电话`…), or ""."""
    wanted = column.strip().lower().replace(" ", "_")
    for name in target.mappable:
        field = target.model_fields.get(name)
        names = {name, str(field.verbose_name).lower().replace(" ", "_")} if field else {name}
        if wanted in names:
            return name
    return ""


def value_map_parse(text: str) -> dict[str, str]:
    """`Yes=true; No=false` (or one pair a line) as a mapping; ValueError naming a pair without `=`."""
    pairs: dict[str, str] = {}
    for part in PAIR.split(text):
        if not part.strip():
            continue
        source, equals, value = part.partition("=")
        if not equals or not source.strip():
            raise ValueError(part.strip())
        pairs[source.strip()] = value.strip()
    return pairs


class MappingForm(forms.Form):
    """Target table, source settings, one row per column, fixed values, key, and the profile's name."""

    target = forms.ChoiceField(label=_("Import into"))
    encoding = forms.ChoiceField(label=_("Encoding of a CSV file"))
    delimiter = forms.CharField(label=_("Delimiter"), max_length=1, initial=",", strip=False)
    key = forms.MultipleChoiceField(label=_("Rows are the same row when these fields match"), required=False)
    profile_name = forms.CharField(label=_("Save as a profile named"), max_length=64, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(
        self, data: Any = None, *, header: tuple[str, ...], target: str, initial: Any = None
    ) -> None:
        super().__init__(data, initial=initial, label_suffix="")
        self.header = header
        self.table = TARGETS.get(target) or TARGETS["customers"]
        self.fields["target"].choices = [(t, target_label(t)) for t in TARGETS]  # type: ignore[attr-defined]
        self.fields["encoding"].choices = encoding_choices()  # type: ignore[attr-defined]
        self.fields["key"].choices = [c for c in field_choices(self.table) if not self.table.key]  # type: ignore[attr-defined]
        choices = [("", _("— not imported —")), *field_choices(self.table)]
        for i, column in enumerate(header):
            self.fields[f"field_{i}"] = forms.ChoiceField(
                label=column, choices=choices, required=False, initial=_suggested(self.table, column)
            )
            self.fields[f"format_{i}"] = forms.CharField(
                label=_("Date format"), max_length=40, required=False
            )
            self.fields[f"map_{i}"] = forms.CharField(label=_("Value map"), max_length=2000, required=False)
        for j in range(FIXED_ROWS):
            self.fields[f"fixed_field_{j}"] = forms.ChoiceField(
                label=_("Field"), choices=choices, required=False
            )
            self.fields[f"fixed_value_{j}"] = forms.CharField(
                label=_("Value"), max_length=200, required=False
            )
        if not self.table.key and "key" not in self.initial:
            self.initial["key"] = list(SUGGESTED_KEYS.get(self.table.name, ()))

    def rows(self) -> list[dict[str, Any]]:
        """One entry per source column, with its bound fields, for the template."""
        return [
            {"column": c, "field": self[f"field_{i}"], "format": self[f"format_{i}"], "map": self[f"map_{i}"]}
            for i, c in enumerate(self.header)
        ]

    def fixed(self) -> list[dict[str, Any]]:
        return [
            {"field": self[f"fixed_field_{j}"], "value": self[f"fixed_value_{j}"]} for j in range(FIXED_ROWS)
        ]

    def clean_profile_name(self) -> str:
        name = str(self.cleaned_data.get("profile_name") or "").strip()
        if name and not NAME.match(name):
            raise forms.ValidationError(_("Use 1–64 lower-case letters, digits, '-' or '_'."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled: dict[str, str] = {}
        for i, column in enumerate(self.header):
            name = data.get(f"field_{i}")
            if not name:
                continue
            if name in filled:
                self.add_error(
                    f"field_{i}",
                    _("%(field)s is already filled from column %(column)s.")
                    % {"field": field_label(self.table, name), "column": filled[name]},
                )
            filled[name] = column
            try:
                value_map_parse(data.get(f"map_{i}") or "")
            except ValueError as bad:
                self.add_error(f"map_{i}", _("Write each pair as source=value: %(pair)s") % {"pair": bad})
        for j in range(FIXED_ROWS):
            name = data.get(f"fixed_field_{j}")
            if name and name in filled:
                self.add_error(f"fixed_field_{j}", _("A column fills this field already."))
            elif name:
                filled[name] = "(constant)"
        missing = [field_label(self.table, n) for n in self.table.required if n not in filled]
        if missing:
            raise forms.ValidationError(
                _("%(table)s need these fields: %(fields)s.")
                % {"table": target_label(self.table.name), "fields": ", ".join(missing)}
            )
        for name in data.get("key") or ():
            if name not in filled:
                self.add_error(
                    "key", _("%(field)s is not mapped.") % {"field": field_label(self.table, name)}
                )
        return data

    def definition(self, *, default_name: str) -> dict[str, Any]:
        """The profile this form describes (call after is_valid())."""
        data = self.cleaned_data
        fields: dict[str, Any] = {}
        for i, column in enumerate(self.header):
            name = data.get(f"field_{i}")
            if not name:
                continue
            spec: dict[str, Any] = {"column": column}
            if data.get(f"format_{i}"):
                spec["format"] = data[f"format_{i}"]
            if data.get(f"map_{i}"):
                spec["map"] = value_map_parse(data[f"map_{i}"])
            fields[name] = spec
        for j in range(FIXED_ROWS):
            if data.get(f"fixed_field_{j}"):
                fields[data[f"fixed_field_{j}"]] = {"value": data.get(f"fixed_value_{j}", "")}
        table: dict[str, Any] = {"target": self.table.name, "fields": fields}
        if data.get("key") and not self.table.key:
            table["key"] = list(data["key"])
        source = {"format": "auto", "encoding": data["encoding"], "delimiter": data.get("delimiter") or ","}
        return {
            "name": data.get("profile_name") or default_name,
            "description": data.get("description", ""),
            "source": source,
            "tables": [table],
        }


def mapping_initial(definition: dict[str, Any] | None, header: tuple[str, ...]) -> dict[str, Any]:
    """The form's initial values from a mapping made before (one table), so a fix starts from it."""
    definition = definition or {}
    tables = definition.get("tables") or []
    if len(tables) != 1:
        return {}
    table, source, name = tables[0], definition.get("source") or {}, str(definition.get("name", ""))
    initial: dict[str, Any] = {
        "target": table.get("target"),
        "encoding": source.get("encoding", "auto"),
        "delimiter": source.get("delimiter", ","),
        "key": table.get("key") or [],
        "profile_name": "" if name.startswith(JOB_PROFILE) else name,
        "description": definition.get("description", ""),
    }
    fixed = 0
    for field, spec in (table.get("fields") or {}).items():
        spec = {"column": spec} if isinstance(spec, str) else spec
        if spec.get("column") in header:
            i = header.index(spec["column"])
            formats = spec.get("format") or ""
            initial[f"field_{i}"] = field
            initial[f"format_{i}"] = formats if isinstance(formats, str) else ", ".join(formats)
            initial[f"map_{i}"] = "; ".join(f"{k}={_text(v)}" for k, v in (spec.get("map") or {}).items())
        elif "value" in spec and fixed < FIXED_ROWS:
            initial[f"fixed_field_{fixed}"], initial[f"fixed_value_{fixed}"] = field, _text(spec["value"])
            fixed += 1
    return initial


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
