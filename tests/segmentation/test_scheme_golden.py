"""The grade schemes of `scheme_data.py` against the SQL kept in golden files: the batch plan in every
dialect, the one-row population query, and the plan that grades one customer with given population values.
Rewrite them with STRATA_UPDATE_GOLDENS=1."""

from __future__ import annotations

import pytest

from stratacrm.segmentation.compiler import DIALECTS, Plan, compile_plan
from stratacrm.segmentation.definitions import definition_build
from stratacrm.segmentation.ruleset import ruleset_read
from stratacrm.segmentation.sources import OPERATIONAL_TABLES, SNAPSHOT_TABLES

from . import scheme_data
from .golden import FIXTURES, check_file, params_text


def scheme_plan() -> Plan:
    """Only what the schemes need (a definition's own plan also computes every other metric)."""
    definition = definition_build(ruleset_read(scheme_data.RULES))
    return compile_plan(catalog=definition.catalog, metrics=[], dimensions=definition.dimensions)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_scheme_plan_compiles_to_the_golden_sql(dialect: str) -> None:
    tables = SNAPSHOT_TABLES if dialect in ("duckdb", "spark") else OPERATIONAL_TABLES
    query = scheme_plan().render(dialect=dialect, tables=tables, as_of=scheme_data.AS_OF, pretty=True)  # type: ignore[arg-type]
    text = f"-- params: {params_text(query.params)}\n{query.script()}\n"
    check_file(FIXTURES / f"plan_schemes.{dialect}.sql", text)


def test_population_query_compiles_to_the_golden_sql() -> None:
    query = scheme_plan().render_population(
        dialect="postgres", tables=OPERATIONAL_TABLES, as_of=scheme_data.AS_OF, pretty=True
    )
    path = FIXTURES / "plan_schemes_population.postgres.sql"
    check_file(path, f"-- params: {params_text(query.params)}\n{query.script()}\n")


def test_one_customer_with_given_population_values_compiles_to_the_golden_sql() -> None:
    plan = scheme_plan()
    values = {name: float(i) for i, name in enumerate(plan.population_names)}
    query = plan.render(
        dialect="postgres",
        tables=OPERATIONAL_TABLES,
        as_of=scheme_data.AS_OF,
        customer_ids=[42],
        population=values,
        pretty=True,
    )
    path = FIXTURES / "plan_schemes_live.postgres.sql"
    check_file(path, f"-- params: {params_text(query.params)}\n{query.script()}\n")
    assert "OVER" not in query.sql  # no window functions: the population comes bound
