"""Condition text and whole plans against the SQL kept in golden files, for every dialect."""

from __future__ import annotations

import pytest

from stratacrm.segmentation.compiler import DIALECTS, compile_plan, render_condition
from stratacrm.segmentation.sources import OPERATIONAL_TABLES, SNAPSHOT_TABLES
from stratacrm.segmentation.text import parse

from . import dataset, seed
from .golden import FIXTURES, UPDATE, Case, check_file, params_text, read_cases, write_cases

CONDITIONS = FIXTURES / "conditions.sql"
CASES = read_cases(CONDITIONS)


def compiled(case: Case) -> dict[str, str]:
    tree = parse(case.condition, fields=seed.CATALOG.fields)
    queries = {dialect: render_condition(tree, catalog=seed.CATALOG, dialect=dialect) for dialect in DIALECTS}
    return {"params": params_text(queries["postgres"].params)} | {d: q.sql for d, q in queries.items()}


if UPDATE:
    write_cases(CONDITIONS, [Case(case.name, case.condition, compiled(case)) for case in CASES])
    CASES = read_cases(CONDITIONS)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_condition_compiles_to_the_golden_sql(case: Case) -> None:
    assert compiled(case) == case.expected


@pytest.mark.parametrize("dialect", DIALECTS)
def test_seed_plan_compiles_to_the_golden_sql(dialect: str) -> None:
    plan = compile_plan(catalog=seed.CATALOG, metrics=["purchase_amount_12m"], dimensions=seed.DIMENSIONS)
    tables = SNAPSHOT_TABLES if dialect in ("duckdb", "spark") else OPERATIONAL_TABLES
    query = plan.render(dialect=dialect, tables=tables, as_of=dataset.AS_OF, pretty=True)  # type: ignore[arg-type]
    check_file(
        FIXTURES / f"plan_seed.{dialect}.sql", f"-- params: {params_text(query.params)}\n{query.script()}\n"
    )


def test_live_plan_for_one_customer_compiles_to_the_golden_sql() -> None:
    plan = compile_plan(catalog=seed.CATALOG, metrics=["late_days_max_12m", "nps_last"])
    query = plan.render(
        dialect="postgres", tables=OPERATIONAL_TABLES, as_of=dataset.AS_OF, customer_ids=[42], pretty=True
    )
    text = f"-- params: {params_text(query.params)}\n{query.script()}\n"
    check_file(FIXTURES / "plan_live.postgres.sql", text)


def test_every_metric_compiles_to_the_golden_spark_sql() -> None:
    """Every metric emits Spark SQL (its layers run one by one, see `SEPARATE_LAYERS`)."""
    plan = compile_plan(catalog=seed.CATALOG)
    query = plan.render(dialect="spark", tables=SNAPSHOT_TABLES, as_of=dataset.AS_OF, pretty=True)
    check_file(FIXTURES / "plan_all.spark.sql", f"-- params: {params_text(query.params)}\n{query.script()}\n")
