"""Import profiles: how a foreign file's columns become Strata's fields, read from YAML or JSON.

A profile names its source settings and one mapping per target table::

    name: telco
    source: {format: csv, encoding: auto}
    reference_date: 2024-12-01
    tables:
      - target: customers
        fields:
          account_number: {column: customerID}
          name: {template: "Telco {customerID}"}
          customer_type: {value: residential}
          created_at: {column: tenure, derive: months_before}
          status: {column: Churn, map: {"Yes": closed, "No": active}}

Each field takes exactly one of `column`, `value` or `template`, and optionally `map` (source value →
Strata value, applied to the trimmed text before conversion), `default` (for blank cells), `format`
(date formats, strptime style) and `blank: skip_row` (a blank cell skips the row for that table,
silently). Anything unknown is refused with the path to it, so a typo cannot be ignored.

A table without a key of its own (payments, transactions, interactions, surveys) may name the fields that
identify a row, `key: [customer, paid_on]`: a row with the same key updates the row imported before
(audited), where without one a changed row is a new row (rows are then known by a hash of their content).

>>> p = profile_parse({"name": "x", "tables": [{"target": "bills", "fields": {
...     "customer": {"column": "acct"}, "period": {"column": "month", "format": "%Y-%m"},
...     "amount": {"column": "amt"}, "issued_on": {"column": "month", "format": "%Y-%m"},
...     "due_date": {"column": "due"}}}]})
>>> p.columns_used()
['acct', 'amt', 'due', 'month']
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any

import yaml

from .targets import TARGETS, ImportTarget

FORMATS = ("auto", "csv", "xlsx")
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk", "gb18030", "gb2312", "big5", "latin-1")
FIELD_KEYS = {"column", "value", "template", "map", "default", "format", "derive", "blank"}
DERIVATIONS = ("months_before", "days_before")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
TEMPLATE_COLUMN = re.compile(r"\{([^{}]+)\}")


class ProfileError(ValueError):
    """The profile is not usable; the message names the place (`tables[0].fields.amount`) and why."""


@dataclass(frozen=True)
class FieldMap:
    """How one Strata field is filled."""

    field: str
    column: str | None = None
    value: Any = None
    template: str | None = None
    map: dict[str, Any] = dataclasses.field(default_factory=dict)
    default: Any = None
    formats: tuple[str, ...] = ()
    derive: str | None = None
    skip_blank: bool = False

    def columns(self) -> list[str]:
        if self.column is not None:
            return [self.column]
        if self.template is not None:
            return TEMPLATE_COLUMN.findall(self.template)
        return []


@dataclass(frozen=True)
class TableMap:
    target: ImportTarget
    fields: tuple[FieldMap, ...]
    key: tuple[str, ...] = ()  # the fields identifying a row of a table without a key of its own

    def get(self, name: str) -> FieldMap | None:
        return next((f for f in self.fields if f.field == name), None)


@dataclass(frozen=True)
class Source:
    format: str = "auto"
    encoding: str = "auto"
    delimiter: str = ","
    sheet: str | None = None


@dataclass(frozen=True)
class Profile:
    name: str
    tables: tuple[TableMap, ...]
    source: Source = Source()
    description: str = ""
    reference_date: dt.date | None = None
    definition: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    def columns_used(self) -> list[str]:
        """Every source column some field reads, sorted."""
        return sorted({c for t in self.tables for f in t.fields for c in f.columns()})


def profile_from_yaml(text: str) -> Profile:
    """Parse a profile from YAML (or JSON, which is YAML too)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"not valid YAML: {exc}") from exc
    return profile_parse(data)


def profile_parse(data: Any) -> Profile:
    """Check a profile given as plain data and return it parsed; raise ProfileError on anything wrong."""
    if not isinstance(data, dict):
        raise ProfileError("a profile is a mapping with name, source and tables")
    _only(data, {"name", "description", "source", "reference_date", "tables"}, "profile")
    name = str(data.get("name") or "")
    if not NAME.match(name):
        raise ProfileError("name: use 1–64 lower-case letters, digits, '-' or '_'")
    reference = data.get("reference_date")
    if reference is not None and not isinstance(reference, dt.date):
        try:
            reference = dt.date.fromisoformat(str(reference))
        except ValueError:
            raise ProfileError("reference_date: use YYYY-MM-DD") from None
    tables = data.get("tables")
    if not isinstance(tables, list) or not tables:
        raise ProfileError("tables: list at least one table mapping")
    parsed = tuple(_table(t, f"tables[{n}]", reference) for n, t in enumerate(tables))
    targets = [t.target.name for t in parsed]
    if len(set(targets)) != len(targets):
        raise ProfileError("tables: each target may appear once")
    return Profile(
        name=name,
        description=str(data.get("description") or "")[:300],
        source=_source(data.get("source") or {}),
        reference_date=reference,
        tables=parsed,
        definition=_plain(data),
    )


def _plain(data: Any) -> Any:
    """The definition with dates as text, as JSON stores it."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


def _only(data: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            near = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; known: {', '.join(sorted(allowed))}"
            raise ProfileError(f"{where}: unknown key {key!r}{hint}")


def _source(data: Any) -> Source:
    if not isinstance(data, dict):
        raise ProfileError("source: a mapping of format, encoding, delimiter, sheet")
    _only(data, {"format", "encoding", "delimiter", "sheet"}, "source")
    source = Source(
        format=str(data.get("format", "auto")).lower(),
        encoding=str(data.get("encoding", "auto")).lower(),
        delimiter=str(data.get("delimiter", ",")),
        sheet=None if data.get("sheet") is None else str(data["sheet"]),
    )
    if source.format not in FORMATS:
        raise ProfileError(f"source.format: one of {', '.join(FORMATS)}")
    if source.encoding not in ENCODINGS:
        raise ProfileError(f"source.encoding: one of {', '.join(ENCODINGS)}")
    if len(source.delimiter) != 1:
        raise ProfileError("source.delimiter: one character")
    return source


def _table(data: Any, where: str, reference: dt.date | None) -> TableMap:
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: a mapping with target and fields")
    _only(data, {"target", "fields", "key"}, where)
    name = str(data.get("target") or "")
    target = TARGETS.get(name)
    if target is None:
        near = difflib.get_close_matches(name, list(TARGETS), n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ProfileError(f"{where}.target: {name!r} is not one of {', '.join(TARGETS)}{hint}")
    fields = data.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise ProfileError(f"{where}.fields: map Strata fields to columns")
    parsed = []
    for field_name, spec in fields.items():
        place = f"{where}.fields.{field_name}"
        if field_name not in target.mappable:
            near = difflib.get_close_matches(str(field_name), list(target.mappable), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise ProfileError(f"{place}: {target.name} has no field {field_name!r}{hint}")
        parsed.append(_field(str(field_name), spec, place, reference))
    missing = [f for f in target.required if f not in fields]
    if missing:
        raise ProfileError(f"{where}.fields: {target.name} needs {', '.join(missing)}")
    return TableMap(target=target, fields=tuple(parsed), key=_row_key(data.get("key"), target, fields, where))


def _row_key(data: Any, target: ImportTarget, fields: dict[str, Any], where: str) -> tuple[str, ...]:
    if data is None or data == []:
        return ()
    if target.key:
        raise ProfileError(f"{where}.key: {target.name} rows are matched by {' + '.join(target.key)} already")
    names = [data] if isinstance(data, str) else data
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ProfileError(f"{where}.key: a list of the table's field names")
    for name in names:
        if name not in fields:
            raise ProfileError(f"{where}.key: {name!r} is not a field this table maps")
    if len(set(names)) != len(names):
        raise ProfileError(f"{where}.key: each field may appear once")
    return tuple(names)


def _field(name: str, spec: Any, where: str, reference: dt.date | None) -> FieldMap:
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict):
        raise ProfileError(f"{where}: a column name or a mapping with column, value or template")
    _only(spec, FIELD_KEYS, where)
    sources = [k for k in ("column", "value", "template") if k in spec]
    if len(sources) != 1:
        raise ProfileError(f"{where}: give exactly one of column, value or template")
    mapping = spec.get("map") or {}
    if not isinstance(mapping, dict):
        raise ProfileError(f"{where}.map: a mapping of source value to Strata value")
    formats = spec.get("format") or ()
    formats = (formats,) if isinstance(formats, str) else tuple(str(f) for f in formats)
    derive = spec.get("derive")
    if derive is not None and (derive not in DERIVATIONS or reference is None):
        raise ProfileError(f"{where}.derive: one of {', '.join(DERIVATIONS)}, with a reference_date")
    blank = spec.get("blank")
    if blank not in (None, "skip_row", "error"):
        raise ProfileError(f"{where}.blank: skip_row or error")
    template = spec.get("template")
    if template is not None and not TEMPLATE_COLUMN.search(str(template)):
        raise ProfileError(f"{where}.template: name at least one {{column}}")
    return FieldMap(
        field=name,
        column=None if spec.get("column") is None else str(spec["column"]),
        value=_plain(spec.get("value")),
        template=None if template is None else str(template),
        map={_key(k): _plain(v) for k, v in mapping.items()},
        default=_plain(spec.get("default")),
        formats=formats,
        derive=derive,
        skip_blank=blank == "skip_row",
    )


def _key(value: Any) -> str:
    # YAML reads Yes/No unquoted as booleans; the file holds text.
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
