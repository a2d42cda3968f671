"""Staging and diffing a few customers in plain Python: the live re-grade's path.

DuckDB spends milliseconds on every query, whatever the size of its input; a live re-grade of one
customer spent most of its time there. For a few customers the same rows are made here instead, and
they must be the same to the byte: evidence is written as DuckDB's `json_object` writes it (doubles
in their shortest form, decimal between 1e-6 and 1e21, `e` notation outside), scores and floats are
rounded as DuckDB's `round(x, 6)` rounds (the exact binary value, ties away from zero). A property
test (`test_small_path`) holds this path and the DuckDB one equal on random results.

>>> duck_double(1e20), duck_double(1e21), duck_double(1e-6), duck_double(1e-7), duck_double(-0.0)
('100000000000000000000.0', '1e21', '0.000001', '1e-7', '-0.0')
>>> duck_round(1 / 128), duck_round(4.5245105), duck_round(-1e-9)
(0.007813, 4.52451, -0.0)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pyarrow as pa

from ..compiler import Plan
from ..engines.arrow import TIMESTAMP
from .definition import Definition
from .diff import CHANGE_SCHEMA, ROW_COLUMNS, Diff
from .staging import _PLAIN_ROLES, SCORE_ROLES, STAGED_SCHEMA, _tags, evidence_metrics

SMALL = 50  # up to this many customers take the plain-Python path
MICRO = Decimal("0.000001")
ROWS_SCHEMA = pa.schema([*STAGED_SCHEMA, pa.field("since", TIMESTAMP), pa.field("id", pa.int64())])


_ESCAPES = {
    **{code: f"\\u{code:04X}" for code in range(0x20)},
    **{ord(c): "\\" + e for c, e in zip('\b\t\n\f\r"\\', 'btnfr"\\', strict=True)},
}


class NotSmall(ValueError):
    """A value this path does not write exactly as DuckDB would (NaN, infinity): use DuckDB."""


def stage_small(*, results: pa.Table, definition: Definition, plan: Plan) -> pa.Table:
    """The assignment rows `staging.stage` makes from these results (order aside)."""
    columns = set(results.schema.names)
    floats = {f.name for f in results.schema if pa.types.is_floating(f.type)}
    staged: list[dict[str, Any]] = []
    customers = results.to_pylist()
    for dimension in definition.dimensions:
        outputs = [o for o in plan.outputs if o.dimension == dimension.name]
        extras = [o.column for o in outputs if o.role not in _PLAIN_ROLES]
        score = next((o.column for o in outputs if o.role in SCORE_ROLES), None)
        metrics = [m for m in evidence_metrics(dimension, catalog=definition.catalog) if m in columns]
        evidence = list(dict.fromkeys([*metrics, *extras]))
        group = next((o for o in outputs if o.role == "group"), None)
        rule = next((o.column for o in outputs if o.role == "rule"), None)
        refs = {n: r for (d, n), r in definition.rules.items() if d == dimension.name}
        tags = list(_tags(outputs))
        for row in customers:
            base = {
                "customer_id": row["customer_id"],
                "dimension": dimension.name,
                "score": _score(row[score]) if score else None,
                "evidence": _evidence(row, evidence, floats),
            }
            if group is not None and row[group.column] is not None:
                ref = refs.get(row[rule]) if rule is not None else None
                staged.append(
                    {
                        **base,
                        "value": row[group.column],
                        "rule_name": ref.name if ref else None,
                        "rule_version": int(ref.version) if ref else None,
                        "digest": None,  # DuckDB's hash is not this path's: the next batch rewrites
                    }
                )
            for number, tag in tags:
                if row[tag.column]:
                    ref = definition.rules.get((dimension.name, number))
                    staged.append(
                        {
                            **base,
                            "value": tag.label,
                            "rule_name": ref.name if ref else None,
                            "rule_version": ref.version if ref else None,
                            "digest": None,
                        }
                    )
    return pa.Table.from_pylist(staged, schema=STAGED_SCHEMA)


def diff_small(*, staged: pa.Table, current: pa.Table, modes: Mapping[str, str], now: dt.datetime) -> Diff:
    """What `diff.diff` gives for the same tables (both restricted to the same customers)."""
    new = staged.to_pylist()
    old = current.to_pylist()

    def key(row: Mapping[str, Any]) -> tuple[Any, ...]:
        return (row["customer_id"], row["dimension"], row["value"])

    def kept(n: Mapping[str, Any], o: Mapping[str, Any] | None) -> bool:
        return o is not None and n["digest"] is not None and n["digest"] == o["digest"]

    stored = {key(o): o for o in old}
    staged_by_key = {key(n): n for n in new}
    rows = []
    for n in new:
        o = stored.get(key(n))
        if not kept(n, o):
            rows.append({**{c: n[c] for c in ROW_COLUMNS}, "since": now, "id": o["id"] if o else None})
    rows.sort(key=key)
    stale = sorted(o["id"] for o in old if key(o) not in staged_by_key)
    changes = _moved(new, old, modes) + _tagged(new, old, modes)
    changes.sort(key=lambda c: (c["customer_id"], c["dimension"], c["from_value"], c["to_value"]))
    return Diff(
        pa.Table.from_pylist(rows, schema=ROWS_SCHEMA),
        pa.Table.from_pylist(changes, schema=CHANGE_SCHEMA),
        pa.array(stale, pa.int64()),
    )


def _moved(
    new: list[dict[str, Any]], old: list[dict[str, Any]], modes: Mapping[str, str]
) -> list[dict[str, Any]]:
    def exclusive(rows: list[dict[str, Any]], default: str | None) -> dict[tuple[Any, ...], dict[str, Any]]:
        return {
            (r["customer_id"], r["dimension"]): r
            for r in rows
            if modes.get(r["dimension"], default) == "exclusive"
        }

    before, after = exclusive(old, "tags"), exclusive(new, None)
    out = []
    for key in before.keys() | after.keys():
        o, n = before.get(key), after.get(key)
        change = _change(key, o["value"] if o else "", n["value"] if n else "", n, o)
        if change:
            out.append(change)
    return out


def _tagged(
    new: list[dict[str, Any]], old: list[dict[str, Any]], modes: Mapping[str, str]
) -> list[dict[str, Any]]:
    def tagged(rows: list[dict[str, Any]], default: str | None) -> dict[tuple[Any, ...], dict[str, Any]]:
        return {
            (r["customer_id"], r["dimension"], r["value"]): r
            for r in rows
            if modes.get(r["dimension"], default) not in ("exclusive", None)
        }

    before, after = tagged(old, "tags"), tagged(new, None)
    out = []
    for key in before.keys() | after.keys():
        o, n = before.get(key), after.get(key)
        change = _change(key[:2], key[2] if o else "", key[2] if n else "", n, o)
        if change:
            out.append(change)
    return out


def _change(
    key: tuple[Any, ...], before: str, after: str, n: dict[str, Any] | None, o: dict[str, Any] | None
) -> dict[str, Any] | None:
    if before == after:
        return None
    name = n["rule_name"] if n and n["rule_name"] is not None else (o["rule_name"] if o else None)
    version = n["rule_version"] if n and n["rule_version"] is not None else (o["rule_version"] if o else None)
    return {
        "customer_id": key[0],
        "dimension": key[1],
        "from_value": before,
        "to_value": after,
        "rule_name": name,
        "rule_version": version,
    }


def _score(value: Any) -> float | None:
    if value is None:
        return None
    return duck_round(float(value)) if isinstance(value, float) else float(value)


def _evidence(row: Mapping[str, Any], columns: list[str], floats: set[str]) -> str:
    if not columns:
        return "{}"
    parts = []
    for column in columns:
        value = row[column]
        if column in floats and value is not None:
            value = duck_round(value)
        parts.append(f"{_json_text(column)}:{_json_value(value)}")
    return "{" + ",".join(parts) + "}"


def _json_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return duck_double(value)
    if isinstance(value, dt.datetime):
        return _json_text(_duck_timestamp(value))
    if isinstance(value, dt.date):
        return _json_text(value.isoformat())
    if isinstance(value, str):
        return _json_text(value)
    raise NotSmall(f"no JSON form for {type(value).__name__}")


def _json_text(text: str) -> str:
    """A JSON string as DuckDB writes it: UTF-8 kept, control characters escaped in upper-case hex."""
    return '"' + text.translate(_ESCAPES) + '"'


def _duck_timestamp(value: dt.datetime) -> str:
    """A UTC timestamp as DuckDB's TIMESTAMPTZ text in the UTC zone."""
    value = value.astimezone(dt.UTC)
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "+00"


def duck_round(value: float) -> float:
    """DuckDB's `round(value, 6)` of a double: the exact binary value rounded, ties away from zero."""
    if not math.isfinite(value):
        raise NotSmall("not a finite number")
    scaled = value * 1e6
    if abs(scaled) >= 2.0**52:  # no fraction left to round: DuckDB scales and scales back
        rounded = scaled / 1e6
        return rounded if math.isfinite(rounded) else value
    return float(Decimal(value).quantize(MICRO, rounding=ROUND_HALF_UP))


def duck_double(value: float) -> str:
    """A finite double as DuckDB's JSON writes it."""
    if not math.isfinite(value):
        raise NotSmall("not a finite number")
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")  # repr: the shortest round-trip digits
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    head_digits = stripped.rstrip("0") or "0"
    # value = 0.<head_digits> × 10^point; scientific exponent is point - 1
    exp10 = point - 1
    if -6 <= exp10 < 21:
        if point <= 0:
            return f"{sign}0.{'0' * -point}{head_digits}"
        if point >= len(head_digits):
            return f"{sign}{head_digits}{'0' * (point - len(head_digits))}.0"
        return f"{sign}{head_digits[:point]}.{head_digits[point:]}"
    rest = head_digits[1:]
    return f"{sign}{head_digits[0]}{'.' + rest if rest else ''}e{exp10}"
