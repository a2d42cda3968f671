"""Computing a definition's results on an engine: render the plan, run it, get Arrow back."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..compiler import Plan
from ..engines import OPERATIONAL_ENGINES, EngineName, engine_tables, execute_reads, result_types
from ..snapshot import snapshot_take
from . import asof
from .definition import Definition, definition_key

_PLANS: OrderedDict[tuple[int, str], tuple[Definition, Plan]] = OrderedDict()
_PLANS_KEPT = 8


def plan_for(definition: Definition) -> Plan:
    """The definition's compiled plan, compiled once per definition."""
    key = (id(definition), definition_key(definition))
    cached = _PLANS.get(key)
    if cached is None or cached[0] is not definition:
        cached = _PLANS[key] = (definition, definition.plan())
        while len(_PLANS) > _PLANS_KEPT:
            _PLANS.popitem(last=False)
    return cached[1]


@dataclass(frozen=True)
class Computed:
    """A plan's results, and the population values they were graded against (empty if none)."""

    results: pa.Table
    population: dict[str, Any]


def compute(
    *,
    definition: Definition,
    engine: EngineName,
    as_of: dt.date,
    today: dt.date,
    snapshot: Path | None = None,
) -> Computed:
    """Every graded customer's metrics and outputs as of `as_of` (attributes as they were then).

    The plan's layers are built once; the population values (cut-points of bins and quantile tiers)
    are read from them as well as the results, so the run can record them for live re-grades.
    Snapshot engines read `snapshot`, or a snapshot taken now into a temporary directory.
    """
    edits = asof.edits_after(as_of=as_of, catalog=definition.catalog, today=today)
    if engine in OPERATIONAL_ENGINES:
        tables = asof.operational_tables(edits)
        try:
            return _run(definition, engine=engine, tables=tables, as_of=as_of)
        finally:
            if edits:
                asof.operational_drop()
    if snapshot is not None:
        patch = asof.snapshot_patch(snapshot=snapshot, edits=edits)
        return _run(definition, engine=engine, as_of=as_of, snapshot=snapshot, patch=patch)
    with tempfile.TemporaryDirectory(prefix="strata-snapshot-") as directory:
        taken = Path(directory)
        snapshot_take(out=taken)
        patch = asof.snapshot_patch(snapshot=taken, edits=edits)
        return _run(definition, engine=engine, as_of=as_of, snapshot=taken, patch=patch)


def _run(
    definition: Definition,
    *,
    engine: EngineName,
    as_of: dt.date,
    tables: Mapping[str, str] | None = None,
    snapshot: Path | None = None,
    patch: pa.Table | None = None,
) -> Computed:
    plan = plan_for(definition)
    tables = tables or engine_tables(engine)
    query = plan.render(dialect=engine, tables=tables, as_of=as_of, layered=True)
    reads = [(query.sql, result_types(plan=plan, catalog=definition.catalog))]
    if query.population_sql:
        reads.insert(0, (query.population_sql, dict.fromkeys(plan.population_names)))
    *row, results = execute_reads(
        engine=engine, query=query, reads=reads, snapshot=snapshot, customers_patch=patch
    )
    population: dict[str, Any] = row[0].to_pylist()[0] if row and row[0].num_rows else {}
    return Computed(sorted_by_customer(results), population)


def sorted_by_customer(results: pa.Table) -> pa.Table:
    """The results in customer order (as a layered plan's read leaves them: mostly so already)."""
    ids = results.column("customer_id").combine_chunks()
    if len(ids) < 2 or pc.all(pc.less(ids[:-1], ids[1:])).as_py():
        return results
    return results.take(pc.sort_indices(ids))
