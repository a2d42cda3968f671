"""Grading customer by customer in Python, as record-at-a-time workflow engines do: for each customer,
read its rows of every source (one query per source), compute the metrics its rules read in Python,
then test each rule. Rows are read two ways: with raw SQL on the driver's cursor (the fastest a
record-at-a-time engine can be) and through the Django models (as engines built on an ORM read them).
Used by `bench/grading.py` for the comparison; not part of the product."""

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
    """The metrics the dimensions read, inputs first. Schemes graded against the population (bins,
    quantile tiers) read the population values of a batch run, as a rule engine reads thresholds."""
    names = {k for d in definition.dimensions for b in d.branches for k in keys(b.condition)}
    names |= {m.metric for d in definition.dimensions for m in d.measures}
    metrics: list[Metric] = definition.catalog.ordered(sorted(names))
    return metrics


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
    return _with_days_late(rows)


def customer_rows_orm(customer_id: int) -> dict[str, list[dict[str, Any]]]:
    """The same rows read through the Django models, as a workflow engine built on the ORM reads them:
    the customer's object, then each source's related objects, their fields read by attribute."""
    from django.apps import apps

    models = {m._meta.db_table: m for m in apps.get_models()}
    rows: dict[str, list[dict[str, Any]]] = {}
    for source in ("customers", *SOURCES):
        model = models[OPERATIONAL_TABLES[source]]
        found = model._default_manager.filter(
            **({"pk": customer_id} if source == "customers" else {"customer_id": customer_id})
        )
        names = [f.attname for f in model._meta.concrete_fields]
        rows[source] = [{name: getattr(obj, name) for name in names} for obj in found]
    return _with_days_late(rows)


def _with_days_late(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Payments' computed `days_late`: days from the paid bill's due date, 0 when on time."""
    due = {b["id"]: _day(b["due_date"]) for b in rows["bills"]}
    for payment in rows["payments"]:
        bill_due = due.get(payment["bill_id"])
        paid = _day(payment["paid_on"])
        late = None if bill_due is None or paid is None else max((paid - bill_due).days, 0)
        payment["days_late"] = late
    return rows


def _day(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value)[:10])


def grade(
    definition: Any,
    metrics: list[Metric],
    rows: Mapping[str, list[dict[str, Any]]],
    as_of: dt.date,
    population: Mapping[str, Any],
) -> dict[str, Any]:
    """Each dimension's value(s) for one customer."""
    values: dict[str, Any] = {}
    customer = rows["customers"][0] if rows["customers"] else {}
    catalog = definition.catalog
    for metric in metrics:
        if metric.scoring is not None:
            values[metric.name] = _score(metric, values, population, catalog)
        else:
            values[metric.name] = _metric(metric, customer, rows, values, as_of, catalog)
    readable = _readable(values, catalog)
    grades: dict[str, Any] = {}
    for dimension in definition.dimensions:
        matched = [b.label for b in dimension.branches if holds(b.condition, readable)]
        grades[dimension.name] = (
            sorted(matched) if dimension.mode == "tags" else (matched[0] if matched else dimension.default)
        )
    return grades


def _readable(values: Mapping[str, Any], catalog: Catalog) -> dict[str, Any]:
    """The values under every name a condition may use (aliases too)."""
    out = {}
    for name in catalog.fields:
        real = catalog.resolve(name).name
        if real in values:
            out[name] = values[real]
    return out


def _score(metric: Metric, values: Mapping[str, Any], population: Mapping[str, Any], catalog: Catalog) -> Any:
    """A scheme metric (see stratacrm/segmentation/scoring.py), against given population values."""
    scoring: Any = metric.scoring
    inputs = [values.get(catalog.resolve(n).name) for n in metric.inputs]
    cuts = [population.get(name) for name in scoring.cut_names(metric.name)]
    cast = int if metric.kind == "integer" else float
    if metric.aggregate == "points":
        assert metric.filter is not None
        return cast(scoring.points if holds(metric.filter, _readable(values, catalog)) else 0)
    if metric.aggregate == "weighted":
        return cast(sum(w * float(v or 0) for w, v in zip(scoring.weights, inputs, strict=True)))
    value = inputs[0]
    if metric.aggregate == "quantile":
        for label, cut in zip(scoring.labels, cuts, strict=False):
            if value is not None and cut is not None and value >= cut:
                return label
        return scoring.labels[-1]
    if metric.aggregate == "bin":
        better = (lambda c: value <= c) if scoring.lower_is_better else (lambda c: value >= c)
        total = 1 + sum(1 for c in cuts if value is not None and c is not None and better(c))
        return (total - 1) / (scoring.bins - 1) if scoring.unit else total
    low, high = cuts  # scaled
    if value is None or low is None or high is None or not high > low:
        return 0.0
    if (value <= low) if scoring.lower_is_better else (value >= high):
        return 1.0
    if (value >= high) if scoring.lower_is_better else (value <= low):
        return 0.0
    return ((high - value) if scoring.lower_is_better else (value - low)) / (high - low)


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
    if metric.source == "customers":  # e.g. tenure: months since the customer's own created_at
        column = metric.time_column or metric.column or "created_at"
    else:
        column = metric.time_column or SOURCES[metric.source].time_column
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
