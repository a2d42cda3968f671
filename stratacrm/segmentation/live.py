"""Live re-grading: when a customer's data changes, grade that customer again at once.

`customers_changed` (customers/services.py) calls `customers_regrade` inside the transaction that
wrote the event or the edit, so the new grades commit with it or not at all. It runs the batch's own
compiled plan filtered to those customers (`customer_ids=`) on the operational database, as of today,
with the population values (cut-points of quantile tiers) of the last batch run of the same
definition, then stages and publishes exactly as a batch run does: changed assignments plus history,
source "live", the event named. Rendered SQL is cached per (dialect, definition version, as_of, number
of customers); the definition itself is rebuilt only when the stored definitions change.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
from django.db import connection
from django.utils import timezone

from .compiler import Plan, Query
from .engines import EngineName, engine_default, result_types
from .engines.operational import execute
from .models import ChangeSource, Dimension, GradingRun, Metric, Rule, RunStatus, Scheme
from .runs.batch import today
from .runs.compute import plan_for
from .runs.definition import Definition, _in_force, definition_available, definition_key
from .runs.publish import Attribution, publish
from .runs.small import SMALL, NotSmall, stage_small
from .runs.staging import DIGEST_SCHEMA, Staged, stage
from .sources import OPERATIONAL_TABLES

CHUNK = 200  # customers per query (each id is one bound value)
_QUERIES: OrderedDict[tuple[Any, ...], Query] = OrderedDict()
_QUERIES_KEPT = 32
_definition: tuple[tuple[Any, ...], Definition | None] | None = None
NO_DIGESTS = DIGEST_SCHEMA.empty_table()
_POPULATIONS: OrderedDict[tuple[Any, ...], tuple[Any, dict[str, Any]] | None] = OrderedDict()


def customers_regrade(*, customer_ids: Iterable[int], reason: str) -> int:
    """Re-grade these customers now (inside the caller's transaction); how many were graded.

    Does nothing while no definition has dimensions, or while the definition grades against population
    values that no batch run of it has recorded yet.
    """
    definition = definition_live()
    ids = sorted(set(customer_ids))
    if definition is None or not definition.dimensions or not ids:
        return 0
    found = _population(definition)
    if found is None:
        return 0
    token, population = found
    engine = engine_default()
    as_of = today()
    plan = plan_for(definition)
    types = result_types(plan=plan, catalog=definition.catalog)
    attribution = Attribution(as_of=as_of, now=timezone.now(), source=ChangeSource.LIVE, event=reason[:100])
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        template = _query(
            definition, engine=engine, as_of=as_of, count=len(chunk), population=(token, population)
        )
        params = dict(template.params)
        params.update({f"customer_id_{n}": i for n, i in enumerate(chunk, start=1)})
        results = execute(query=Query(template.sql, params, template.dialect, template.setup), types=types)
        staged = _stage(results, definition=definition, plan=plan)
        publish(staged=staged, dimensions=definition.dimensions, attribution=attribution, customer_ids=chunk)
    return len(ids)


def _stage(results: pa.Table, *, definition: Definition, plan: Plan) -> Staged:
    """Staged rows without digests (a live re-grade clears its customers' digests): in plain Python
    for a few customers, through DuckDB otherwise or when a value needs DuckDB's own writing."""
    if results.num_rows <= SMALL:
        try:
            return Staged(NO_DIGESTS, held=stage_small(results=results, definition=definition, plan=plan))
        except NotSmall:
            pass
    return stage(results=results, definition=definition, plan=plan)


def definition_live() -> Definition | None:
    """The definition in force, rebuilt only when the stored definitions changed since last time."""
    global _definition
    if _in_force.get() is not None:
        return definition_available()
    stamp = _stamp()
    if _definition is None or _definition[0] != stamp:
        _definition = (stamp, definition_available())
    return _definition[1]


def _stamp() -> tuple[Any, ...]:
    """Changes whenever a definition version is added or a dimension switched on or off."""
    parts = []
    for model in (Rule, Metric, Scheme, Dimension):
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"SELECT COUNT(*), COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
    active = connection.ops.quote_name(Dimension._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(parts) + f" UNION ALL SELECT COUNT(*), 0 FROM {active} WHERE is_active"  # noqa: S608
        )
        return tuple(cursor.fetchall())


def _population(definition: Definition) -> tuple[Any, dict[str, Any]] | None:
    """The population values the live path grades against, with a token naming them: {} when the
    plan needs none, those of the last successful batch run of this definition otherwise (None when
    there is no such run). Read once per (definition, latest run)."""
    if not plan_for(definition).population_names:
        return None, {}
    runs = GradingRun.objects.filter(status=RunStatus.SUCCEEDED, dry_run=False).order_by("-started_at")
    latest = runs.values_list("pk", "started_at").first()
    if latest is None:
        return None
    key = (definition_key(definition), *latest)
    if key not in _POPULATIONS:
        wanted = json.loads(key[0])
        found = None
        for pk, values, population in runs.values_list("pk", "definitions", "population")[:20]:
            if values == wanted:
                found = ((pk, *latest), dict(population))
                break
        _POPULATIONS[key] = found
        while len(_POPULATIONS) > _QUERIES_KEPT:
            _POPULATIONS.popitem(last=False)
    return _POPULATIONS[key]


def _query(
    definition: Definition,
    *,
    engine: EngineName,
    as_of: Any,
    count: int,
    population: tuple[Any, dict[str, Any]],
) -> Query:
    token, values = population
    key = (engine, definition_key(definition), as_of, count, token)
    query = _QUERIES.get(key)
    if query is None:
        plan = plan_for(definition)
        query = plan.render(
            dialect=engine,
            tables=OPERATIONAL_TABLES,
            as_of=as_of,
            customer_ids=[0] * count,
            population=values or None,
        )
        _QUERIES[key] = query
        while len(_QUERIES) > _QUERIES_KEPT:
            _QUERIES.popitem(last=False)
    return query
