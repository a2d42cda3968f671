"""Grading customer by customer in Python, as record-at-a-time workflow engines do: for each customer,
read its rows of every source (one query per source), compute the metrics its rules read in Python,
then test each rule. Used by `bench/grading.py` for the comparison; not part of the product."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from stratacrm.segmentation.catalog import Catalog, Metric
from stratacrm.segmentation.checks import holds
from stratacrm.segmentation.conditions import keys
from stratacrm.segmentation.sources import OPERATIONAL_TABLES, SOURCES

SOURCE_COLUMNS = {name: ["customer_id", *source.fields] for name, source in SOURCES.items()}


def wanted_metrics(definition: Any) -> list[Metric]:
    """The metrics the rule dimensions read (schemes graded against the population are left out)."""
    names = {k for d in definition.dimensions for b in d.branches for k in keys(b.condition)}
    metrics = definition.catalog.ordered(sorted(names))
    if any(m.aggregate not in _SUPPORTED for m in metrics):
        return []
    return metrics


_SUPPORTED = {
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "count_distinct",
    "last",
    "days_since",
    "months_since",
    "value",
    "ratio",
    "change",
    "drop",
    "difference",
    "band",
}


def customer_rows(cursor: Any, customer_id: int) -> dict[str, list[dict[str, Any]]]:
    """One customer's rows of every source and its own row, one query each."""
    rows: dict[str, list[dict[str, Any]]] = {}
    cursor.execute(f"SELECT * FROM {OPERATIONAL_TABLES['customers']} WHERE id = ?", (customer_id,))
    names = [d[0] for d in cursor.description]
    rows["customers"] = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    for source in SOURCES:
        cursor.execute(f"SELECT * FROM {OPERATIONAL_TABLES[source]} WHERE customer_id = ?", (customer_id,))
        names = [d[0] for d in cursor.description]
        rows[source] = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    return rows


def grade(
    definition: Any, metrics: list[Metric], rows: Mapping[str, list[dict[str, Any]]], as_of: dt.date
) -> dict[str, Any]:
    """Metric values and each dimension's value(s) for one customer."""
    values: dict[str, Any] = {}
    customer = rows["customers"][0] if rows["customers"] else {}
    for metric in metrics:
        values[metric.name] = _metric(metric, customer, rows, values, as_of, definition.catalog)
    readable = {
        name: values.get(definition.catalog.resolve(name).name)
        for name in definition.catalog.fields
        if definition.catalog.resolve(name).name in values
    }
    grades: dict[str, Any] = {}
    for dimension in definition.dimensions:
        matched = [b.label for b in dimension.branches if holds(b.condition, readable)]
        grades[dimension.name] = (
            matched if dimension.mode == "tags" else (matched[0] if matched else dimension.default)
        )
    return grades


def _time(value: Any) -> str:
    return str(value)[:19]


def _metric(
    metric: Metric,
    customer: Mapping[str, Any],
    rows: Mapping[str, list[dict[str, Any]]],
    values: Mapping[str, Any],
    as_of: dt.date,
    catalog: Catalog,
) -> Any:
    if metric.aggregate == "value":
        value = customer.get(metric.column or "")
        return None if value == "" else value
    if metric.derived:
        inputs = [values.get(catalog.resolve(n).name) for n in metric.inputs]
        return _derived(metric, inputs, customer)
    source = SOURCES[metric.source]
    column = metric.time_column or source.time_column
    selected = rows[metric.source]
    if metric.window is not None:
        start, stop = metric.window.bounds(as_of)
        selected = [r for r in selected if start.isoformat() <= _time(r[column]) < stop.isoformat()]
    else:
        selected = [r for r in selected if _time(r[column]) < (as_of + dt.timedelta(days=1)).isoformat()]
    if metric.filter is not None:
        selected = [r for r in selected if holds(metric.filter, r)]
    data = [r[metric.column] for r in selected if metric.column and r.get(metric.column) is not None]
    aggregate = metric.aggregate
    if aggregate == "count":
        return len(selected) if metric.column is None else len(data)
    if aggregate == "count_distinct":
        return len(set(data))
    if aggregate == "sum":
        return sum(float(v) for v in data)
    if not data and aggregate not in ("days_since", "months_since"):
        return None
    if aggregate == "avg":
        return sum(float(v) for v in data) / len(data)
    if aggregate in ("min", "max", "last"):
        return (min if aggregate == "min" else max)(data)
    times = [_time(r[column]) for r in selected]
    if not times:
        return None
    last = dt.date.fromisoformat(max(times)[:10])
    if aggregate == "days_since":
        return (as_of - last).days
    return (as_of.year - last.year) * 12 + as_of.month - last.month - (1 if last.day > as_of.day else 0)


def _derived(metric: Metric, inputs: list[Any], customer: Mapping[str, Any]) -> Any:
    a = inputs[0]
    b = inputs[1] if len(inputs) > 1 else None
    if metric.aggregate == "difference":
        return None if a is None or b is None else a - b
    if metric.aggregate == "band":
        if a is None or metric.bands is None:
            return None
        cuts = dict(metric.bands.by_type).get(customer.get("customer_type", ""), metric.bands.default)
        for label, cut in zip(metric.bands.labels, cuts, strict=False):
            if a < cut:
                return label
        return metric.bands.labels[-1]
    if a is None or not b:
        return None
    ratio = a / b
    return {"ratio": ratio, "change": ratio - 1, "drop": 1 - ratio}[metric.aggregate]
