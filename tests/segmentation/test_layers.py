"""A batch builds its plan's layers once, as temporary tables, and reads both its population values and
its results from them: the same values as the population's own query, the same results as the plan
run in one statement against those values, and no layer left behind, even when a read fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from stratacrm.ingest.loader import load_directory
from stratacrm.segmentation.definitions import definition_from_file
from stratacrm.segmentation.engines import (
    EngineName,
    engine_default,
    engine_tables,
    execute,
    execute_reads,
    result_types,
)
from stratacrm.segmentation.runs import today
from stratacrm.segmentation.runs.compute import compute, plan_for
from stratacrm.segmentation.snapshot import snapshot_take

from . import grading

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "examples" / "rules" / "utility.yaml"


def _temporary_tables() -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_temp_master WHERE type = 'table'")
        else:
            cursor.execute("SELECT relname FROM pg_class WHERE relpersistence = 't' AND relkind = 'r'")
        return sorted(row[0] for row in cursor.fetchall())


@pytest.fixture(scope="module")
def utility_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return grading.utility(tmp_path_factory.mktemp("utility-layers"), customers=400)


@pytest.mark.django_db
def test_one_pass_gives_the_population_query_values_and_the_bound_plan_results(
    utility_dir: Path, tmp_path: Path
) -> None:
    load_directory(path=utility_dir)
    definition = definition_from_file(RULES)
    plan = plan_for(definition)
    engine = engine_default()
    tables = engine_tables(engine)
    snapshot = tmp_path / "snapshot"
    snapshot_take(out=snapshot)
    runs: tuple[tuple[EngineName, Path | None], ...] = ((engine, None), ("duckdb", snapshot))
    for name, snapshot_dir in runs:
        computed = compute(
            definition=definition, engine=name, as_of=grading.AS_OF, today=today(), snapshot=snapshot_dir
        )
        assert computed.results.num_rows > 350
        alone = execute(
            engine=name,
            query=plan.render_population(dialect=name, tables=engine_tables(name), as_of=grading.AS_OF),
            types=dict.fromkeys(plan.population_names),
            snapshot=snapshot_dir,
        ).to_pylist()[0]
        assert computed.population == pytest.approx(alone), name
        bound = execute(
            engine=name,
            query=plan.render(
                dialect=name, tables=engine_tables(name), as_of=grading.AS_OF, population=alone
            ),
            types=result_types(plan=plan, catalog=definition.catalog),
            snapshot=snapshot_dir,
        )
        assert computed.results.equals(bound), name
    assert _temporary_tables() == []
    layered = plan.render(dialect=engine, tables=tables, as_of=grading.AS_OF, layered=True)
    assert [name for name, _ in layered.layers][:2] == ["base", "population_1"]
    with pytest.raises(Exception, match="no_such_column"), transaction.atomic():
        execute_reads(engine=engine, query=layered, reads=[("SELECT no_such_column FROM derived_1", {})])
    assert _temporary_tables() == []


def test_a_layer_is_dropped_once_nothing_after_it_reads_it() -> None:
    from stratacrm.segmentation.compiler import Query
    from stratacrm.segmentation.engines.layers import steps

    query = Query(
        'SELECT * FROM "d2"',
        {},
        "sqlite",
        layers=(("base", "SELECT 1"), ("d1", 'SELECT * FROM "base"'), ("d2", 'SELECT * FROM "d1"')),
        population_sql="",
    )
    assert [dead for _, _, dead in steps(query, reads=[query.sql, 'SELECT * FROM "base"'])] == [
        (),
        (),
        ("d1",),
    ]


@given(st.lists(st.integers(1, 10**12), unique=True, max_size=60), st.integers(1, 4))
def test_a_layered_batch_results_come_back_in_customer_order(ids: list[int], chunks: int) -> None:
    """The layered read is unsorted; `sorted_by_customer` orders it (in whatever chunks Arrow holds it),
    keeping each customer's row whole, and leaves a table already in order as it is."""
    import pyarrow as pa

    from stratacrm.segmentation.runs.compute import sorted_by_customer

    size = -(-len(ids) // chunks) or 1
    parts = [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]
    table = pa.table(
        {
            "customer_id": pa.chunked_array(parts, pa.int64()),
            "label": pa.chunked_array([[f"c{i}" for i in part] for part in parts], pa.string()),
        }
    )
    result = sorted_by_customer(table)
    assert result.column("customer_id").to_pylist() == sorted(ids)
    assert result.column("label").to_pylist() == [f"c{i}" for i in sorted(ids)]
    assert sorted_by_customer(result) is result


@pytest.mark.django_db
def test_postgres_builds_the_first_layer_without_hashing_and_the_later_ones_as_configured() -> None:
    """The first layer's planner switches hold for it alone: the later layers, and whatever the
    enclosing transaction does after the batch, plan with the server's settings (here: on)."""
    if connection.vendor != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    from stratacrm.segmentation.compiler import Query
    from stratacrm.segmentation.compiler.params import DERIVED_SETUP, LAYERED_SETUP

    settings = "SELECT current_setting('enable_hashjoin') AS j, current_setting('enable_hashagg') AS a"
    query = Query(
        'SELECT * FROM "base" UNION ALL SELECT * FROM "later"',
        {},
        "postgres",
        setup=LAYERED_SETUP["postgres"],
        layers=(("base", settings), ("later", settings)),
        derived_setup=DERIVED_SETUP["postgres"],
    )
    (table,) = execute_reads(engine="postgres", query=query, reads=[(query.sql, {"j": None, "a": None})])
    with connection.cursor() as cursor:
        cursor.execute(settings)
        after = cursor.fetchone()
    assert table.to_pylist() == [{"j": "off", "a": "off"}, {"j": "on", "a": "on"}]
    assert after == ("on", "on")
