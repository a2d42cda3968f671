"""Benchmark of a re-run's publish alone, step by step, after ~1% of the customers changed.

Uses the data set of `bench/api.py` (N generated customers, graded once; made on the first use).
Changes the data of every hundredth customer (--change bills: three times their last bill, as
`bench/grading.py` does; --change complaints: a complaint opened ten days before the grading date),
computes and stages once on the database's own engine, then publishes --repeat times. Each publish
runs in a transaction that is rolled back at its end, so every repeat publishes the same change; on
PostgreSQL the deferred foreign keys are checked first, as a commit would. The change is undone at
the end. Prints the seconds of each step (inclusive: `replace` holds the writes listed under it).

With --commit, one more publish is committed (its commit timed, with PostgreSQL's deferred checks),
and after the change is undone the data are graded and published back, committed: the data set ends
graded as it began. A tripled bill moves the cut-points of the value score's percentiles and with them
the score of many other customers; a complaint moves only its own customer's rows.

Usage: .venv/bin/python bench/publish.py --customers 1000000 [--database-url postgresql://…/test]
       [--repeat 3] [--commit] [--change bills|complaints] [--drop]
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import api_dataset  # noqa: E402

STEPS = (
    ("Store", "digests", "read digests"),
    ("publish", "_batch_candidates", "candidates"),
    ("Staged", "rows_of", "stage rows"),
    ("Store", "assignments", "read rows"),
    ("publish", "_diff", "diff"),
    ("Store", "replace", "replace"),
    ("Store", "update", "  update"),
    ("Store", "insert", "  insert"),
)


class Timed(Exception):
    """Raised at the end of a publish to roll it back."""


def instrument(seconds: defaultdict[str, float]) -> None:
    """Wrap the publish's steps so that each adds its seconds to `seconds` (insert: by table)."""
    from stratacrm.segmentation.runs import publish, staging, store

    owners: dict[str, Any] = {"Store": store.Store, "publish": publish, "Staged": staging.Staged}
    for owner_name, name, label in STEPS:
        owner = owners[owner_name]
        setattr(owner, name, _timing(getattr(owner, name), label, seconds))


def _timing(original: Callable[..., Any], label: str, seconds: defaultdict[str, float]) -> Callable[..., Any]:
    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            table = f" {args[1]}" if label.strip() == "insert" else ""
            seconds[label + table] += time.perf_counter() - started

    return timed


def publish_once(
    staged: Any, definition: Any, run_id: int, seconds: defaultdict[str, float], *, commit: bool = False
) -> tuple[float, int]:
    """One publish of the staged rows, rolled back (or committed); its seconds and the customers
    written. The steps' seconds (see `instrument`) are counted afresh in `seconds`."""
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from stratacrm.segmentation.runs.publish import Attribution, publish

    seconds.clear()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            outcome = publish(
                staged=staged,
                dimensions=definition.dimensions,
                attribution=Attribution(as_of=api_dataset.AS_OF, now=timezone.now(), run_id=run_id),
                fresh_since=timezone.now() - dt.timedelta(minutes=10),
            )
            if commit:
                committing = time.perf_counter()
            else:
                if connection.vendor == "postgresql":
                    check = time.perf_counter()
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    seconds["deferred checks"] += time.perf_counter() - check
                raise Timed
    except Timed:
        pass
    if commit:  # with PostgreSQL's deferred checks
        seconds["commit"] += time.perf_counter() - committing
    return time.perf_counter() - started, outcome.customers_rewritten


def staged_now(definition: Any) -> Any:
    """Compute and stage on the database's own engine, as a run does."""
    from stratacrm.segmentation.engines import engine_default
    from stratacrm.segmentation.runs.batch import today
    from stratacrm.segmentation.runs.compute import compute, plan_for
    from stratacrm.segmentation.runs.staging import stage

    computed = api_dataset.step(
        "compute",
        lambda: compute(
            definition=definition, engine=engine_default(), as_of=api_dataset.AS_OF, today=today()
        ),
    )
    staging = functools.partial(
        stage, results=computed.results, definition=definition, plan=plan_for(definition)
    )
    del computed  # staging keeps the columns it stages from, as a run does
    return api_dataset.step("stage", staging)


def report(name: str, total: float, written: int, seconds: defaultdict[str, float]) -> None:
    print(f"\n{name}: {total:.2f} s, {written:,} customers rewritten")
    for label, value in seconds.items():
        print(f"  {label:<34} {value:6.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    api_dataset.dataset_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--change", choices=("bills", "complaints"), default="bills")
    parser.add_argument("--drop", action="store_true", help="drop the benchmark database at the end")
    parser.add_argument(
        "--commit",
        action="store_true",
        help="then publish once more and commit (timing the commit), and grade the restored data back",
    )
    args = parser.parse_args(argv)
    server_url, url = api_dataset.dataset_open(args)
    from bench.phases import bills_scale, complaints_add, complaints_remove
    from stratacrm.segmentation.models import GradingRun
    from stratacrm.segmentation.runs import definition_active

    api_dataset.dataset_grade()
    definition = definition_active()
    run = GradingRun.objects.filter(dry_run=False).latest("pk")
    change, undo = {
        "bills": (lambda: bills_scale("* 3"), lambda: bills_scale("/ 3")),
        "complaints": (complaints_add, complaints_remove),
    }[args.change]
    print(f"{args.change} changed: {change():,}")
    seconds: defaultdict[str, float] = defaultdict(float)
    instrument(seconds)
    committed = False
    try:
        staged = staged_now(definition)
        for repeat in range(1, args.repeat + 1):
            report(f"publish {repeat}", *publish_once(staged, definition, run.pk, seconds), seconds)
        if args.commit:
            report(
                "publish, committed", *publish_once(staged, definition, run.pk, seconds, commit=True), seconds
            )
            committed = True
        del staged
    finally:
        print(f"\n{args.change} put back: {undo():,}")
    if committed:  # the stored grades are those of the changed data: grade the restored data back
        staged = staged_now(definition)
        report("back, committed", *publish_once(staged, definition, run.pk, seconds, commit=True), seconds)
    if args.drop:
        from django.db import connections

        connections.close_all()
        api_dataset.database_drop(server_url=server_url, url=url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
