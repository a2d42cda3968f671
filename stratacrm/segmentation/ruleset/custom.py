"""Custom metrics from a rule file: an aggregate of an event source (`define_metric`), or a formula over
two metrics (`ratio`, `change`, `drop`, `difference`, as the built-ins use them).

>>> from ..library import BUILTIN_CATALOG
>>> spec = MetricSpec("kwh_rise", formula="difference", inputs=("kwh_3m", "kwh_3m_year_ago"))
>>> metric = custom_metric(spec, catalog=BUILTIN_CATALOG)
>>> metric.source, metric.aggregate, metric.kind
('derived', 'difference', 'number')
"""

from __future__ import annotations

from collections.abc import Sequence

from ..catalog import DERIVED, Aggregate, Catalog, Metric, define_metric
from ..conditions import ConditionError
from ..fields import NUMERIC_KINDS, Kind
from .specs import MetricSpec

FORMULAS: tuple[Aggregate, ...] = ("ratio", "change", "drop", "difference")


def custom_metric(spec: MetricSpec, *, catalog: Catalog) -> Metric:
    """A custom metric checked against the catalog: an event aggregate or a formula over two metrics."""
    if spec.formula is None:
        return define_metric(
            catalog=catalog,
            name=spec.name,
            source=spec.source or "",
            aggregate=spec.aggregate or "",
            column=spec.column,
            filter=spec.filter,
            window=spec.window,
            time_column=spec.time_column,
            description_en=spec.description_en,
            description_zh=spec.description_zh,
        )
    formula = next((f for f in FORMULAS if f == spec.formula), None)
    if formula is None:
        raise ConditionError(f"unknown formula {spec.formula!r} (one of {', '.join(FORMULAS)})")
    if len(spec.inputs) != 2:
        raise ConditionError(f"{spec.formula} takes two metrics")
    kinds = [numeric_kind(name, catalog=catalog) for name in spec.inputs]
    define_metric(catalog=catalog, name=spec.name, source="bills", aggregate="count")  # checks the name
    kind: Kind = "integer" if spec.formula == "difference" and kinds == ["integer"] * 2 else "number"
    inputs = tuple(catalog.resolve(name).name for name in spec.inputs)
    return Metric(
        spec.name,
        DERIVED,
        formula,
        inputs=inputs,
        kind=kind,
        description_en=spec.description_en,
        description_zh=spec.description_zh,
    )


def custom_catalog(specs: Sequence[MetricSpec], *, catalog: Catalog) -> Catalog:
    """The catalog with the custom metrics added, each after the metrics its formula reads."""
    pending = list(specs)
    while pending:
        ready = [spec for spec in pending if all(name in catalog for name in spec.inputs)]
        for spec in ready or pending[:1]:  # nothing ready: the first one raises, naming what it lacks
            catalog = catalog.extend(custom_metric(spec, catalog=catalog))
            pending.remove(spec)
    return catalog


def numeric_kind(name: str, *, catalog: Catalog) -> Kind:
    """The kind of a metric that must be a number; the error names it and what it is instead."""
    metric = catalog.resolve(name)
    if metric.kind not in NUMERIC_KINDS:
        raise ConditionError.of("not_a_number", "{name} is {kind}, not a number", name=name, kind=metric.kind)
    return metric.kind
