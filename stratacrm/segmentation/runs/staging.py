"""Staging: a plan's result rows (one per customer) turned into assignment rows, in DuckDB over Arrow.

One row per customer and exclusive dimension that has a value, and per tag a customer carries:
`customer_id, dimension, value, rule_name, rule_version, score, evidence`. The evidence is a JSON
object of the metric values the dimension's rules read (and the metrics those are made from), plus
the measures the plan publishes with the dimension (a score, its components, each signal's points;
the score or points total is also the assignment's `score`); numbers are rounded to 6
decimals so that engines which add floats in another order stage the same text.

Each row gets a digest of its content, and each customer the digest of its rows: a run compares
customers' digests with the last run's to find the few customers whose rows changed, without reading
every assignment back, then rows' digests to rewrite only the rows that changed.

A batch stages a chunk of customers at a time: once for the digests, and again, while publishing, for
the chunks of customers whose digest changed. The rows of a million customers (their evidence text
is most of a run's memory) are never all held at once.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..catalog import Catalog
from ..compiler import Dimension, Plan
from ..conditions import keys
from .definition import Definition

STAGED_SCHEMA = pa.schema(
    [
        ("customer_id", pa.int64()),
        ("dimension", pa.string()),
        ("value", pa.string()),
        ("rule_name", pa.string()),
        ("rule_version", pa.int64()),
        ("score", pa.float64()),
        ("evidence", pa.string()),
        ("digest", pa.int64()),  # of the row's content; null where unknown (the row is then rewritten)
    ]
)
DIGEST_SCHEMA = pa.schema([("customer_id", pa.int64()), ("digest", pa.int64())])
_SAFE = re.compile(r"[a-z][a-z0-9_]*")
_PLAIN_ROLES = ("group", "rule", "tag")
SCORE_ROLES = ("score", "points")  # the measure stored as an assignment's score
_local = threading.local()
MEMORY_LIMIT = "1GB"  # DuckDB's share of a run's memory while staging and diffing
STAGE_CUSTOMERS = 100_000  # customers staged at a time
# A row's digest: hash of its content, shifted to fit a signed BIGINT. The XOR of a customer's row
# digests is the customer's digest (a shift distributes over XOR).
_ROW_DIGEST = "(hash(dimension, value, rule_name, rule_version, score, evidence) >> 1)::BIGINT"


@dataclass(frozen=True)
class Rows:
    """How a batch's results become assignment rows: staged again for any set of customers."""

    results: pa.Table
    sql: str
    params: dict[str, Any]

    def of(self, results: pa.Table) -> pa.Table:
        rows = query(self.sql, self.params, results=results)
        return rows.cast(STAGED_SCHEMA)


@dataclass(frozen=True)
class Staged:
    """One digest per graded customer (0 for a customer with no rows) and the customers' rows: held
    (a live re-grade's few) or staged from the results when asked for (a batch's)."""

    digests: pa.Table
    held: pa.Table | None = None
    source: Rows | None = None

    def rows_of(self, ids: pa.Array) -> pa.Table:
        """The rows of the customers `ids`."""
        if self.held is not None:
            return self.held.filter(pc.is_in(self.held.column("customer_id"), value_set=ids))
        if self.source is None:
            return STAGED_SCHEMA.empty_table()
        results = self.source.results
        return self.source.of(results.filter(pc.is_in(results.column("customer_id"), value_set=ids)))

    @property
    def rows(self) -> pa.Table:
        """Every customer's rows at once (a few customers' worth: tests, previews of small data)."""
        if self.held is not None:
            return self.held
        return self.source.of(self.source.results) if self.source else STAGED_SCHEMA.empty_table()


def duck() -> duckdb.DuckDBPyConnection:
    """This thread's in-memory DuckDB (staging and diffs run many small queries: connect once)."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect(":memory:")
        con.execute("SET TimeZone = 'UTC'")  # evidence writes times in UTC, as the small path does
        # Staging a million customers: past the limit, DuckDB spills to the process's own directory.
        _local.spill = tempfile.TemporaryDirectory(prefix="strata-staging-")
        con.execute(f"SET temp_directory = '{_local.spill.name}'")
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return con


def query(sql: str, params: dict[str, Any] | None = None, **tables: pa.Table) -> pa.Table:
    """Run one DuckDB query over Arrow tables given by name; the result as Arrow."""
    con = duck()
    for name, table in tables.items():
        con.register(name, table)
    try:
        return con.sql(sql, params=params or {}).to_arrow_table()
    finally:
        for name in tables:
            con.unregister(name)


def stage(*, results: pa.Table, definition: Definition, plan: Plan) -> Staged:
    """Digests from a plan's results (staged a chunk of customers at a time), and how to stage rows."""
    selects, params = _selects(definition=definition, plan=plan, schema=results.schema)
    if not selects:
        return Staged(_digests(results, STAGED_SCHEMA.empty_table()))
    union = " UNION ALL ".join(selects)
    # Kept through the publish: only the columns the rows are made of (the selects quote each one).
    used = [c for c in results.column_names if c == "customer_id" or f'"{c}"' in union]
    source = Rows(results.select(used), f"SELECT *, {_ROW_DIGEST} AS digest FROM ({union})", params)  # noqa: S608
    parts = []
    for start in range(0, results.num_rows, STAGE_CUSTOMERS):
        chunk = results.slice(start, STAGE_CUSTOMERS)
        parts.append(_digests(chunk, source.of(chunk)))
    digests = pa.concat_tables(parts) if parts else DIGEST_SCHEMA.empty_table()
    return Staged(digests, source=source)


def _digests(results: pa.Table, rows: pa.Table) -> pa.Table:
    """Each customer's digest: a customer's rows are unique by (dimension, value), so the XOR of
    their digests is a digest of the set."""
    return query(
        """
        SELECT r.customer_id, COALESCE(d.digest, 0) AS digest FROM results r LEFT JOIN (
          SELECT customer_id, bit_xor(digest) AS digest FROM staged GROUP BY customer_id
        ) d USING (customer_id)
        """,
        results=results.select(["customer_id"]),
        staged=rows.select(["customer_id", "digest"]),
    ).cast(DIGEST_SCHEMA)


def evidence_metrics(dimension: Dimension, *, catalog: Catalog) -> list[str]:
    """The metrics a dimension's rules read, and those they are made from (inputs before users)."""
    wanted: dict[str, None] = {}

    def visit(name: str) -> None:
        metric = catalog.resolve(name)
        for needed in metric.inputs:
            visit(needed)
        wanted[metric.name] = None

    for branch in dimension.branches:
        for key in sorted(keys(branch.condition)):
            visit(key)
    return list(wanted)


def _selects(*, definition: Definition, plan: Plan, schema: pa.Schema) -> tuple[list[str], dict[str, Any]]:
    columns = set(schema.names)
    params: dict[str, Any] = {}
    names = _Params(params)
    selects = []
    for dimension in definition.dimensions:
        outputs = [o for o in plan.outputs if o.dimension == dimension.name]
        extras = [o.column for o in outputs if o.role not in _PLAIN_ROLES]
        score = next((o.column for o in outputs if o.role in SCORE_ROLES), None)
        metrics = [m for m in evidence_metrics(dimension, catalog=definition.catalog) if m in columns]
        evidence = _json(list(dict.fromkeys([*metrics, *extras])), schema)
        dim = names.add(dimension.name)
        score_sql = f'CAST(round("{_safe(score)}", 6) AS DOUBLE)' if score else "CAST(NULL AS DOUBLE)"
        group = next((o for o in outputs if o.role == "group"), None)
        if group is not None:
            rule = next((o.column for o in outputs if o.role == "rule"), None)
            name_sql, version_sql = _rule_case(definition, dimension.name, rule, names)
            # Identifiers are checked by _safe; every text value is a bound parameter.
            selects.append(
                f'SELECT customer_id, {dim} AS dimension, "{_safe(group.column)}" AS value, {name_sql} AS '  # noqa: S608
                f"rule_name, {version_sql} AS rule_version, {score_sql} AS score, {evidence} AS evidence "
                f'FROM results WHERE "{_safe(group.column)}" IS NOT NULL'
            )
        for number, tag in _tags(outputs):
            ref = definition.rules.get((dimension.name, number))
            selects.append(
                f"SELECT customer_id, {dim} AS dimension, {names.add(tag.label)} AS value, "  # noqa: S608
                f"CAST({names.add(ref.name if ref else None)} AS VARCHAR) AS rule_name, "
                f"CAST({names.add(ref.version if ref else None)} AS BIGINT) AS rule_version, "
                f'{score_sql} AS score, {evidence} AS evidence FROM results WHERE "{_safe(tag.column)}"'
            )
    return selects, params


def _tags(outputs: list[Any]) -> Iterator[tuple[int, Any]]:
    tags = [o for o in outputs if o.role == "tag"]
    for tag in tags:
        yield int(tag.column.rsplit("__", 1)[1]), tag


def _rule_case(definition: Definition, dimension: str, column: str | None, names: _Params) -> tuple[str, str]:
    refs = sorted((n, r) for (d, n), r in definition.rules.items() if d == dimension)
    if column is None or not refs:
        return "CAST(NULL AS VARCHAR)", "CAST(NULL AS BIGINT)"
    rule = f'"{_safe(column)}"'
    name_sql = " ".join(f"WHEN {n} THEN {names.add(r.name)}" for n, r in refs)
    version_sql = " ".join(f"WHEN {n} THEN {int(r.version)}" for n, r in refs)
    return f"CASE {rule} {name_sql} END", f"CAST(CASE {rule} {version_sql} END AS BIGINT)"


def _json(columns: list[str], schema: pa.Schema) -> str:
    if not columns:
        return "'{}'"
    parts = ", ".join(f"'{_safe(c)}', {_value(c, schema)}" for c in columns)
    return f"CAST(json_object({parts}) AS VARCHAR)"


def _value(column: str, schema: pa.Schema) -> str:
    quoted = f'"{_safe(column)}"'
    return f"round({quoted}, 6)" if pa.types.is_floating(schema.field(column).type) else quoted


def _safe(name: str | None) -> str:
    if name is None or not _SAFE.fullmatch(name):
        raise ValueError(f"{name!r} is not a column name the plan could have made")
    return name


class _Params:
    """Named DuckDB parameters for the text values (dimension names, labels, rule names)."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params

    def add(self, value: Any) -> str:
        name = f"p{len(self.params) + 1}"
        self.params[name] = value
        return f"${name}"
