"""From the file's text columns to typed Arrow columns of one target table, as its profile says.

Per field, in order: the raw text (a column, a constant, or a template over columns); text cleaning
(NFKC, whitespace); the profile's value map; blanks (the field's default, the profile's default, or the
row skipped); then conversion to the field's type, vectorised. Values that do not convert become
problems with their row, column and reason; cleaning of phones, e-mails and regions follows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import models

from . import cleaning
from .problems import Problems
from .profile import FieldMap, Profile, TableMap
from .reading import ROW, SourceTable
from .targets import TS

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)
AWARE_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z")
NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
INTEGER = r"^[+-]?[0-9]+(\.0*)?$"
MONEY_NOISE = r"[,\s¥￥$元]"
TRUE = ("true", "t", "yes", "y", "1", "是", "对", "√")
FALSE = ("false", "f", "no", "n", "0", "否", "不", "×")
FORMULA = r"^([=@\t\r]|[+-][^0-9.\s])"


@dataclass
class Converted:
    """One table's typed columns (by field name) for the rows kept, with their row numbers."""

    table: str
    columns: dict[str, pa.Array]
    rows: pa.Array
    sources: dict[str, str]  # field -> the source column named in problems
    failed: dict[str, pa.Array]  # field -> rows whose text did not convert (already reported)


def convert_table(
    *,
    source: SourceTable,
    table_map: TableMap,
    profile: Profile,
    problems: Problems,
    report: cleaning.CleaningReport,
) -> Converted:
    """Typed columns for every mapped field; rows a `blank: skip_row` field skips are left out."""
    data = source.table
    target = table_map.target
    keep = pa.array(np.ones(data.num_rows, dtype=bool))
    texts: dict[str, pa.Array] = {}
    for fmap in table_map.fields:
        text = _raw(fmap, data)
        if fmap.column is not None or fmap.template is not None:
            text = cleaning.text_clean(text, field_name=fmap.field, report=report)
        if fmap.map:
            text = _value_map(text, fmap.map)
        if fmap.skip_blank:
            keep = pc.and_(keep, pc.not_equal(text, ""))
        texts[fmap.field] = text
    rows = pc.filter(data.column(ROW).combine_chunks(), keep)
    texts = {name: pc.filter(values, keep) for name, values in texts.items()}
    sources = {f.field: f.column or f.template or "(constant)" for f in table_map.fields}
    columns: dict[str, pa.Array] = {}
    failed: dict[str, pa.Array] = {}
    for fmap in table_map.fields:
        where = {"rows": rows, "column": sources[fmap.field], "table": target.name}
        text = texts[fmap.field]
        if fmap.default is not None:
            text = pc.if_else(pc.equal(text, ""), str(fmap.default), text)
        kind = target.arrow_type(fmap.field)
        field = target.model_fields.get(fmap.field)
        columns[fmap.field] = _typed(text, kind, fmap, field, profile, problems, where)
        failed[fmap.field] = pc.and_(pc.is_null(columns[fmap.field]), pc.not_equal(text, ""))
    columns = _clean_special(columns, problems, report, rows=rows, sources=sources, table=target.name)
    return Converted(table=target.name, columns=columns, rows=rows, sources=sources, failed=failed)


def _raw(fmap: FieldMap, data: pa.Table) -> pa.Array:
    n = data.num_rows
    if fmap.column is not None:
        return data.column(fmap.column).combine_chunks()
    if fmap.template is not None:
        parts: list[Any] = []
        rest = fmap.template
        while "{" in rest:
            before, _, after = rest.partition("{")
            name, _, rest = after.partition("}")
            if before:
                parts.append(before)
            parts.append(data.column(name).combine_chunks())
        if rest:
            parts.append(rest)
        return pc.binary_join_element_wise(*parts, "")
    value = "" if fmap.value is None else fmap.value
    if isinstance(value, bool):
        value = "true" if value else "false"
    return pa.array([str(value)] * n, pa.string()) if n else pa.array([], pa.string())


def _value_map(text: pa.Array, mapping: dict[str, Any]) -> pa.Array:
    """Replace mapped values (compared case-insensitively); others pass unchanged."""
    keys = pa.array([k.lower() for k in mapping], pa.string())
    targets = pa.array(["" if v is None else _text_of(v) for v in mapping.values()], pa.string())
    index = pc.index_in(pc.utf8_lower(text), value_set=keys)
    return pc.if_else(pc.is_valid(index), pc.take(targets, index), text)


def _text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _typed(
    text: pa.Array,
    kind: pa.DataType,
    fmap: FieldMap,
    field: models.Field | None,
    profile: Profile,
    problems: Problems,
    where: dict[str, Any],
) -> pa.Array:
    blank = pc.equal(text, "")
    if pa.types.is_string(kind):
        if field is not None and field.choices:
            text = _choice(text, field)
        if not (field is not None and field.name in ("phone", "email")):
            problems.flag(
                bad=pc.match_substring_regex(text, pattern=FORMULA),
                values=text,
                reason=(
                    "starts like a spreadsheet formula (=, +, -, @); refused to keep formulas out of exports"
                ),
                **where,
            )
        return text
    if fmap.derive is not None:
        return _derived(text, kind, fmap, profile, problems, where)
    if pa.types.is_boolean(kind):
        lower = pc.utf8_lower(text)
        value = pc.if_else(
            pc.is_in(lower, pa.array(TRUE)), True, pc.if_else(pc.is_in(lower, pa.array(FALSE)), False, None)
        )
        problems.flag(
            bad=pc.and_(pc.is_null(value), pc.invert(blank)),
            values=text,
            reason="is not yes/no (true/false, 是/否)",
            **where,
        )
        return value
    if pa.types.is_floating(kind) or pa.types.is_integer(kind):
        bare = pc.replace_substring_regex(text, pattern=MONEY_NOISE, replacement="")
        pattern = INTEGER if pa.types.is_integer(kind) else NUMBER
        ok = pc.match_substring_regex(bare, pattern=pattern)
        what = "a whole number" if pa.types.is_integer(kind) else "a number"
        problems.flag(
            bad=pc.and_(pc.invert(ok), pc.invert(blank)), values=text, reason=f"is not {what}", **where
        )
        numbers = pc.cast(pc.if_else(ok, bare, None), pa.float64())
        if pa.types.is_integer(kind):
            big = pc.greater(pc.abs(numbers), 2**53)
            problems.flag(bad=big, values=text, reason="is too large", **where)
            return pc.cast(pc.if_else(big, None, numbers), pa.int64())
        return numbers
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        moments = _moments(text, fmap.formats, timestamp=pa.types.is_timestamp(kind))
        bad = pc.and_(pc.is_null(moments), pc.invert(blank))
        shown = ", ".join(fmap.formats) if fmap.formats else "YYYY-MM-DD"
        problems.flag(bad=bad, values=text, reason=f"is not a date in the expected form ({shown})", **where)
        _range(moments, problems, text, where)
        return moments.cast(pa.date32()) if pa.types.is_date(kind) else moments
    raise AssertionError(f"no conversion to {kind}")


def _choice(text: pa.Array, field: models.Field) -> pa.Array:
    """Choice values accepted case-insensitively and by their English or Chinese labels."""
    from django.utils import translation

    names: dict[str, str] = {}
    for value, label in field.choices or ():
        names[str(value).lower()] = str(value)
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.setdefault(str(label).lower(), str(value))
    keys = pa.array(list(names), pa.string())
    index = pc.index_in(pc.utf8_lower(text), value_set=keys)
    return pc.if_else(pc.is_valid(index), pc.take(pa.array(list(names.values()), pa.string()), index), text)


def _moments(text: pa.Array, formats: tuple[str, ...], *, timestamp: bool) -> pa.Array:
    """Text to UTC timestamps: each format tried in turn; times without an offset are local time."""
    zone = settings.TIME_ZONE
    tried = formats or ((*AWARE_FORMATS, *TIME_FORMATS, *DATE_FORMATS) if timestamp else DATE_FORMATS)
    result = pa.nulls(len(text), TS)
    for fmt in tried:
        parsed = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
        if "%z" in fmt:
            parsed = parsed.cast(TS)
        elif timestamp:
            parsed = pc.assume_timezone(
                parsed, timezone=zone, ambiguous="earliest", nonexistent="latest"
            ).cast(TS)
        else:
            parsed = parsed.cast(pa.timestamp("us")).cast(TS)
        result = pc.coalesce(result, parsed)
    return result


def _range(moments: pa.Array, problems: Problems, text: pa.Array, where: dict[str, Any]) -> None:
    low = pa.scalar(dt.datetime(1900, 1, 1, tzinfo=dt.UTC), TS)
    high = pa.scalar(dt.datetime(2199, 12, 31, tzinfo=dt.UTC), TS)
    bad = pc.or_(pc.less(moments, low), pc.greater(moments, high))
    problems.flag(bad=bad, values=text, reason="is not between 1900 and 2199", **where)


def _derived(
    text: pa.Array,
    kind: pa.DataType,
    fmap: FieldMap,
    profile: Profile,
    problems: Problems,
    where: dict[str, Any],
) -> pa.Array:
    """A date a number of months or days before the profile's reference date (e.g. tenure → joined)."""
    assert profile.reference_date is not None
    ok = pc.match_substring_regex(text, pattern=INTEGER)
    problems.flag(bad=pc.invert(ok), values=text, reason="is not a whole number", **where)
    counts = pc.cast(pc.if_else(ok, text, None), pa.float64()).to_numpy(zero_copy_only=False)
    negative = pa.array(np.nan_to_num(counts, nan=0) < 0)
    problems.flag(bad=negative, values=text, reason="must not be negative", **where)
    valid = ~np.isnan(counts) & (np.nan_to_num(counts, nan=0) >= 0) & (np.nan_to_num(counts, nan=0) < 12_000)
    reference = np.datetime64(profile.reference_date, "D")
    safe = np.where(valid, counts, 0).astype(np.int64)
    if fmap.derive == "months_before":
        month = reference.astype("datetime64[M]") - safe.astype("timedelta64[M]")
        days = month.astype("datetime64[D]") + (
            reference - reference.astype("datetime64[M]").astype("datetime64[D]")
        )
    else:
        days = reference - safe.astype("timedelta64[D]")
    dates = pa.array(days.astype("datetime64[D]"), pa.date32(), mask=~valid)
    if pa.types.is_date(kind):
        return dates
    local = pc.assume_timezone(dates.cast(pa.timestamp("us")), timezone=settings.TIME_ZONE)
    return local.cast(TS)


def _clean_special(
    columns: dict[str, pa.Array],
    problems: Problems,
    report: cleaning.CleaningReport,
    *,
    rows: pa.Array,
    sources: dict[str, str],
    table: str,
) -> dict[str, pa.Array]:
    if "phone" in columns:
        columns["phone"], invalid = cleaning.phone_clean(columns["phone"], report=report)
        problems.flag(
            bad=invalid,
            rows=rows,
            values=columns["phone"],
            column=sources["phone"],
            table=table,
            reason="is not a phone number",
        )
    if "email" in columns:
        columns["email"], invalid = cleaning.email_clean(columns["email"], report=report)
        problems.flag(
            bad=invalid,
            rows=rows,
            values=columns["email"],
            column=sources["email"],
            table=table,
            reason="is not an e-mail address",
        )
    regions = {k: columns[k] for k in ("province", "city", "district") if k in columns}
    if regions:
        columns.update(cleaning.regions_clean(regions, report=report))
    return columns
