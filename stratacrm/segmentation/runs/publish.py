"""Publishing staged rows: find the customers whose rows changed, diff them, write them in one go.

A batch run compares its digests with the stored ones: only customers whose digest differs (or who
appear or vanish) are candidates, so a re-run where 1% of the customers changed reads and writes about
1% of the assignments. A live re-grade makes its customers the candidates. For the candidates, the
current rows are read back and diffed (`diff.py`); the rows whose content changed are replaced, with
the history and the digests — within the caller's transaction, which makes publishing all or nothing.
The candidates' rows are staged a chunk at a time, as they are published.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..models import ChangeSource
from .diff import CHANGE_SCHEMA, Diff, diff, modes_table
from .small import SMALL, diff_small
from .staging import Staged, query
from .store import DIGESTS, Store

# Above this share of the stored customers, candidates' rows are read by customer range, not by id.
SCAN_SHARE = 0.3
# Customers diffed and written at a time.
CHUNK_CUSTOMERS = 100_000


@dataclass
class Outcome:
    """What a publish (or a dry run of one) changed."""

    counts: dict[str, int] = field(default_factory=dict)
    customers_rewritten: int = 0
    changes: pa.Table | None = None

    @property
    def changed_total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Attribution:
    """Who publishes: a run (batch) or an event (live), as of which date, when."""

    as_of: dt.date
    now: dt.datetime
    source: str = ChangeSource.BATCH
    run_id: int | None = None
    event: str = ""


def publish(
    *,
    staged: Staged,
    dimensions: Sequence[object],
    attribution: Attribution,
    customer_ids: Sequence[int] | None = None,
    fresh_since: dt.datetime | None = None,
    write: bool = True,
) -> Outcome:
    """Diff `staged` against the stored assignments and (with `write`) replace what changed.

    `customer_ids`: a live re-grade of those customers; None: a batch run over every customer, which
    leaves alone customers re-graded live since `fresh_since` (their rows are newer than the run's).
    """
    store = Store()
    if write and store.postgres and customer_ids is None:
        # Live re-grades wait for a batch publish to commit (they write digests first: no deadlock).
        store._execute(f"LOCK TABLE {DIGESTS} IN EXCLUSIVE MODE", [])
    dense = False
    if customer_ids is None:
        candidates, digests = _batch_candidates(store, staged, fresh_since, attribution)
        dense = len(candidates) > SCAN_SHARE * max(store.count(DIGESTS), 1)
    else:
        candidates = pa.array(sorted(set(customer_ids)), pa.int64())
        count = len(candidates)
        digests = pa.table(
            {
                "customer_id": candidates,
                "digest": pa.nulls(count, pa.int64()),
                "graded_at": _constant(attribution.now, count, pa.timestamp("us", tz="UTC")),
                "run_id": pa.nulls(count, pa.int64()),
            }
        )
    counts: Counter[str] = Counter()
    changes: list[pa.Table] = []
    for start in range(0, len(candidates), CHUNK_CUSTOMERS):
        # A chunk of customers at a time: a first publish of millions of rows holds one chunk's copies.
        part = candidates.slice(start, CHUNK_CUSTOMERS)
        current = store.assignments(part, dense=dense)
        result = _diff(
            staged.rows_of(part), current, part, dimensions, attribution.now, small=customer_ids is not None
        )
        counts.update(result.counts())
        changes.append(result.changes)
        if write:
            store.replace(
                ids=part,
                stale=result.stale,
                rows=_assignment_rows(result, attribution),
                changes=_change_rows(result, attribution),
                digests=_within(digests, part),
            )
    if write and dense:
        # Most rows are new: fresh statistics now, rather than whenever autovacuum (if on) comes.
        store.analyze()
    together = pa.concat_tables(changes) if changes else CHANGE_SCHEMA.empty_table()
    return Outcome(dict(sorted(counts.items())), len(candidates), together)


def _within(table: pa.Table, ids: pa.Array) -> pa.Table:
    """The rows of `table` (sorted by customer) whose customer lies in the sorted chunk `ids`."""
    if not len(ids):
        return table.slice(0, 0)
    column = table.column("customer_id")
    inside = pc.and_(pc.greater_equal(column, ids[0]), pc.less_equal(column, ids[-1]))
    return table.filter(inside)


def _diff(
    staged: pa.Table,  # the candidates' rows
    current: pa.Table,
    candidates: pa.Array,
    dimensions: Sequence[object],
    now: dt.datetime,
    *,
    small: bool,
) -> Diff:
    """The diff for the candidates: in plain Python for a few customers, in DuckDB otherwise."""
    if small and len(candidates) <= SMALL:
        modes = {d.name: d.mode for d in dimensions}  # type: ignore[attr-defined]
        return diff_small(staged=staged, current=current, modes=modes, now=now)
    ids = pa.table({"customer_id": candidates})
    current = query("SELECT c.* FROM current c SEMI JOIN ids USING (customer_id)", current=current, ids=ids)
    return diff(staged=staged, current=current, modes=modes_table(dimensions), now=now)  # type: ignore[arg-type]


def _batch_candidates(
    store: Store, staged: Staged, fresh_since: dt.datetime | None, attribution: Attribution
) -> tuple[pa.Array, pa.Table]:
    old, fresh = store.digests(fresh_since=fresh_since)
    candidates = (
        query(
            """
        SELECT customer_id FROM new FULL JOIN old USING (customer_id) ANTI JOIN fresh USING (customer_id)
        WHERE new.digest IS DISTINCT FROM old.digest
        ORDER BY customer_id
        """,
            new=staged.digests,
            old=old,
            fresh=fresh,
        )
        .column("customer_id")
        .combine_chunks()
    )
    written = query(
        "SELECT n.customer_id, n.digest FROM new n SEMI JOIN ids USING (customer_id) ORDER BY customer_id",
        new=staged.digests,
        ids=pa.table({"customer_id": candidates}),
    )
    count = written.num_rows
    digests = written.append_column(
        "graded_at", _constant(attribution.now, count, pa.timestamp("us", tz="UTC"))
    ).append_column("run_id", _constant(attribution.run_id, count, pa.int64()))
    return candidates, digests


def _constant(value: object, count: int, dtype: pa.DataType) -> pa.Array:
    """`count` copies of one value, built without a Python list of them."""
    if value is None:
        return pa.nulls(count, dtype)
    return pa.array([value], dtype).take(pa.array(np.zeros(count, dtype=np.int32)))


def _assignment_rows(result: Diff, attribution: Attribution) -> pa.Table:
    rows = result.rows
    count = rows.num_rows
    names = rows.column("rule_name").fill_null("")
    return pa.table(
        {
            "customer_id": rows.column("customer_id"),
            "dimension": rows.column("dimension"),
            "value": rows.column("value"),
            "rule_name": names,
            "rule_version": rows.column("rule_version"),
            "score": rows.column("score"),
            "evidence": rows.column("evidence"),
            "run_id": _constant(attribution.run_id, count, pa.int64()),
            "since": rows.column("since"),
            "digest": rows.column("digest"),
            "id": rows.column("id"),  # of the stored row updated; null: a new row
        }
    )


def _change_rows(result: Diff, attribution: Attribution) -> pa.Table:
    changes = result.changes
    count = changes.num_rows
    return pa.table(
        {
            "customer_id": changes.column("customer_id"),
            "dimension": changes.column("dimension"),
            "from_value": changes.column("from_value"),
            "to_value": changes.column("to_value"),
            "changed_at": _constant(attribution.now, count, pa.timestamp("us", tz="UTC")),
            "as_of": _constant(attribution.as_of, count, pa.date32()),
            "source": _constant(str(attribution.source), count, pa.string()),
            "run_id": _constant(attribution.run_id, count, pa.int64()),
            "event": _constant(attribution.event, count, pa.string()),
            "rule_name": changes.column("rule_name").fill_null(""),
            "rule_version": changes.column("rule_version"),
        }
    )
