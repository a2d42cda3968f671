"""The measured phases of `bench/grading.py`, run inside a worker whose Django points at one database."""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from bench import record_at_a_time
from stratacrm.segmentation.engines import EngineName
from stratacrm.segmentation.windows import Window

AS_OF = dt.date(2025, 12, 31)
ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "examples" / "rules" / "utility.yaml"


def _rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(figures: dict[str, Any], name: str, action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    try:
        result = action()
    except Exception as error:  # a phase that fails is reported, the others still run
        figures[f"{name}_error"] = f"{type(error).__name__}: {str(error)[:200]}"
        return None
    figures[f"{name}_s"] = time.perf_counter() - started
    figures[f"{name}_rss_mib"] = _rss()
    return result


def measure(*, args: argparse.Namespace, snapshot_engines: bool) -> dict[str, Any]:
    from django.db import connection

    from stratacrm.segmentation.definitions import definition_from_file
    from stratacrm.segmentation.runs import definition_use, grading_run
    from stratacrm.segmentation.runs.compute import compute
    from stratacrm.segmentation.snapshot import snapshot_take

    figures: dict[str, Any] = {}
    definition = definition_from_file(RULES)
    engine: EngineName = "postgres" if connection.vendor == "postgresql" else "sqlite"
    today = dt.date.today()
    with tempfile.TemporaryDirectory(prefix="strata-bench-") as directory:
        snapshot = Path(directory)
        timed(figures, "snapshot", lambda: snapshot_take(out=snapshot))
        if snapshot_engines:
            timed(figures, "floor", lambda: floor(snapshot))
            computed = timed(
                figures,
                "compute_duckdb",
                lambda: compute(
                    definition=definition, engine="duckdb", as_of=AS_OF, today=today, snapshot=snapshot
                ),
            )
            if not args.no_spark:
                from stratacrm.segmentation.engines import spark

                timed(figures, "spark_start", spark.session)
                timed(
                    figures,
                    "compute_spark",
                    lambda: compute(
                        definition=definition, engine="spark", as_of=AS_OF, today=today, snapshot=snapshot
                    ),
                )
            # Before the 1% change below: the sample's grades are compared with this compute's.
            timed(figures, "record", lambda: record(figures, definition, args.sample, computed))
        timed(
            figures,
            f"compute_{engine}",
            lambda: compute(definition=definition, engine=engine, as_of=AS_OF, today=today),
        )
        with definition_use(definition):
            first = _run(
                figures, "first", lambda p: grading_run(as_of=AS_OF, definition=definition, progress=p)
            )
            figures["first_changes"] = first.changed_total if first else None
            changed = bills_scale()
            figures["customers_changed"] = changed
            again = _run(
                figures, "rerun", lambda p: grading_run(as_of=AS_OF, definition=definition, progress=p)
            )
            figures["rerun_changes"] = again.changed_total if again else None
            figures["rerun_changes_by_dimension"] = again.changes if again else None
    return figures


def _run(figures: dict[str, Any], name: str, action: Callable[[Any], Any]) -> Any:
    """A grading run, with the seconds of each phase (from its progress callback)."""
    marks: list[tuple[str, float]] = []

    def progress(done: int, total: int | None = None, description: str | None = None) -> None:
        marks.append((description or "", time.perf_counter()))

    run = timed(figures, f"run_{name}", lambda: action(progress))
    for (phase, at), (_, after) in itertools.pairwise(marks):
        figures[f"run_{name}_{phase}_s"] = after - at
    return run


def bills_scale(factor: str = "* 3") -> int:
    """Apply `factor` to the last bill of every hundredth customer (three times it: their value and risk
    may move; `/ 3` puts it back); the bills changed."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT MAX(period) FROM activity_bill")
        (last,) = cursor.fetchone()
        cursor.execute(
            f"UPDATE activity_bill SET amount = amount {factor} WHERE customer_id %% 100 = 0 AND period = %s",
            [last],
        )
        return int(cursor.rowcount)


COMPLAINT_PREFIX = "BENCH-C-"  # the ticket numbers of `complaints_add`'s tickets


def complaints_add() -> int:
    """Open a complaint ten days before the grading date for every hundredth customer (their churn
    risk and service flags may move; nothing population-wide does); the tickets opened. In SQL, as
    `bills_scale` changes bills: the services would re-grade each customer live, and the re-run is
    what is measured."""
    from django.db import connection, transaction

    opened = dt.datetime.combine(AS_OF, dt.time(10), dt.UTC) - dt.timedelta(days=10)
    times = [connection.ops.adapt_datetimefield_value(t) for t in (opened, opened + dt.timedelta(days=1))]
    number = "%s || CAST(id AS VARCHAR(20))" if connection.vendor == "postgresql" else "%s || id"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO service_ticket (customer_id, ticket_number, kind, category, priority, status,"
            " subject, opened_at, resolved_at, sla_due_at)"
            f" SELECT id, {number}, 'complaint', 'billing', 'normal', 'open', 'bench', %s, NULL, %s"
            " FROM customers_customer WHERE id %% 100 = 50",
            [COMPLAINT_PREFIX, *times],
        )
        return int(cursor.rowcount)


def complaints_remove() -> int:
    """Delete the tickets of `complaints_add`; the tickets deleted."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM service_ticket WHERE ticket_number LIKE %s", [COMPLAINT_PREFIX + "%"])
        return int(cursor.rowcount)


def floor(snapshot: Path) -> int:
    """The hand-written single DuckDB query over the snapshot."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for name in (
        "customers",
        "consumption",
        "bills",
        "payments",
        "interactions",
        "tickets",
        "survey_responses",
        "transactions",
    ):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{snapshot / (name + '.parquet')}')")
    end = AS_OF + dt.timedelta(days=1)

    def start(unit: str, last: int, first: int = 1) -> dt.date:
        return Window(unit, first, last).bounds(AS_OF)[0]  # type: ignore[arg-type]

    def ts(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)

    params = {
        "as_of": AS_OF,
        "end": end,
        "end_ts": ts(end),
        "m12": start("months", 12),
        "m24": start("months", 24, 13),
        "m3": start("months", 3),
        "m15": start("months", 15, 13),
        "m12_ts": ts(start("months", 12)),
        "d30": ts(start("days", 30)),
        "d90": ts(start("days", 90)),
    }
    sql = (Path(__file__).parent / "floor.sql").read_text()
    return con.sql(sql, params=params).to_arrow_table().num_rows


def record(figures: dict[str, Any], definition: Any, sample: int, computed: Any) -> int:
    """Grade `sample` customers record by record in Python, against the population values of the
    DuckDB compute; figures say how many, how long, scaled, and whether the grades agree."""
    from django.db import connection

    metrics = record_at_a_time.wanted_metrics(definition)
    raw = connection.connection
    cursor = raw.cursor()
    cursor.execute("SELECT id FROM customers_customer")
    ids = [row[0] for row in cursor.fetchall()]
    chosen = random.Random(1).sample(ids, min(sample, len(ids)))
    population = computed.population
    graded = {}
    started = time.perf_counter()
    for customer_id in chosen:
        rows = record_at_a_time.customer_rows(cursor, customer_id)
        graded[customer_id] = record_at_a_time.grade(definition, metrics, rows, AS_OF, population)
    seconds = time.perf_counter() - started
    figures["record_sample"] = len(chosen)
    figures["record_sample_s"] = seconds
    figures["record_scaled_s"] = seconds * len(ids) / max(len(chosen), 1)
    figures["record_metrics"] = len(metrics)
    agree, compared = _agreeing(graded, computed.results, definition)
    figures["record_agree"] = f"{agree} of the {compared} the engine graded"
    started = time.perf_counter()
    for customer_id in chosen:
        rows = record_at_a_time.customer_rows_orm(customer_id)
        record_at_a_time.grade(definition, metrics, rows, AS_OF, population)
    seconds = time.perf_counter() - started
    figures["record_orm_sample_s"] = seconds
    figures["record_orm_scaled_s"] = seconds * len(ids) / max(len(chosen), 1)
    return len(chosen)


def _agreeing(graded: dict[int, dict[str, Any]], results: Any, definition: Any) -> tuple[int, int]:
    """How many of the customers graded record by record got the grades the engine gave them, of how
    many the engine graded (it leaves out customers created after as_of)."""
    from stratacrm.segmentation.runs.compute import plan_for

    outputs = plan_for(definition).outputs
    agree = compared = 0
    for row in results.to_pylist():
        mine = graded.get(row["customer_id"])
        if mine is None:
            continue
        compared += 1
        theirs = {}
        for dimension in definition.dimensions:
            columns = [o for o in outputs if o.dimension == dimension.name]
            if dimension.mode == "tags":
                theirs[dimension.name] = sorted(
                    str(o.label) for o in columns if o.role == "tag" and row[o.column]
                )
            else:
                group = next(o.column for o in columns if o.role == "group")
                theirs[dimension.name] = row[group]
        agree += theirs == mine
    return agree, compared
