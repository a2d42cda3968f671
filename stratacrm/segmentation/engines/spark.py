"""Running a plan with Spark SQL (PySpark, local mode) over the same Parquet snapshot as DuckDB.

One session per process, started on first use: `local[2]` (this machine's cores), few shuffle
partitions (a local job over one snapshot gains nothing from 200), no UI, UTC session time, and a log
configuration that keeps Spark's startup chatter off the terminal. A plan's layers run one by one,
each checkpointed into a temporary view (`Query.layers`). Results come back with
`DataFrame.toArrow()`: no pandas on the way.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from stratacrm.ingest.tables import TABLES_BY_NAME

from ..compiler import Query
from ..sources import CUSTOMERS, SNAPSHOT_TABLES
from .arrow import ColumnTypes, conform
from .layers import steps

MASTER = "local[2]"
SHUFFLE_PARTITIONS = 4
DRIVER_MEMORY = "2g"
_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
"""
_lock = threading.Lock()
_session: Any = None


def session() -> Any:
    """The process's Spark session, started once."""
    global _session
    with _lock:
        if _session is None:
            from pyspark.sql import SparkSession

            # The driver JVM starts with these options: a quiet log configuration and enough heap
            # for the results of a million customers.
            log_config = Path(tempfile.gettempdir()) / "strata-spark-log4j2.properties"
            log_config.write_text(_LOG4J)
            os.environ.setdefault(
                "PYSPARK_SUBMIT_ARGS",
                f"--driver-memory {DRIVER_MEMORY} "
                f'--driver-java-options "-Dlog4j2.configurationFile=file:{log_config}" pyspark-shell',
            )
            _session = (
                SparkSession.builder.master(MASTER)
                .appName("strata-grading")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .getOrCreate()
            )
            _session.sparkContext.setLogLevel("ERROR")
        return _session


def register(*, snapshot: Path, customers_patch: pa.Table | None = None) -> None:
    """Make each snapshot table a temporary view of the session (empty when its file is missing)."""
    spark = session()
    for source, name in SNAPSHOT_TABLES.items():
        path = snapshot / f"{name}.parquet"
        if path.exists():
            frame = spark.read.parquet(str(path))
        else:
            frame = spark.createDataFrame(TABLES_BY_NAME[name].schema.empty_table())
        if source == CUSTOMERS and customers_patch is not None and customers_patch.num_rows:
            patched = spark.createDataFrame(customers_patch.select(frame.columns))
            ids = [int(i) for i in customers_patch.column("id").to_pylist()]
            frame = frame.where(~frame["id"].isin(ids)).unionByName(patched)
        frame.createOrReplaceTempView(name)


def execute(
    *,
    query: Query,
    reads: Sequence[tuple[str, ColumnTypes]],
    snapshot: Path,
    customers_patch: pa.Table | None = None,
) -> list[pa.Table]:
    """Each read's rows over the snapshot in `snapshot`, computed by Spark after the query's layers."""
    spark = session()
    register(snapshot=snapshot, customers_patch=customers_patch)
    for statement in query.setup:
        spark.sql(statement)
    for name, sql, dead in steps(query, reads=[sql for sql, _ in reads]):
        # Computed now and cut from its lineage, so the next layer's plan stays small.
        spark.sql(sql, args=query.params).localCheckpoint(eager=True).createOrReplaceTempView(name)
        for gone in dead:
            spark.catalog.dropTempView(gone)
    return [conform(spark.sql(sql, args=query.params).toArrow(), t) for sql, t in reads]


def stop() -> None:
    """Stop the process's session (the next use starts a new one)."""
    global _session
    with _lock:
        if _session is not None:
            _session.stop()
            _session = None
