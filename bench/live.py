"""Benchmark of live re-grading: p50/p95/p99 of writing one event through the services, which grades
its customer again in the same transaction.

Usage: .venv/bin/python bench/live.py --customers 100000 [--events 500] [--database URL]

Reads the database `bench/grading.py --customers N` left (var/bench/grading-N.sqlite3 by default),
whose last run recorded the utility rules' population values; writes interactions and tickets for
random customers (inside a transaction rolled back at the end, so the database is left as it was).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--database", help="database URL (default: the grading benchmark's SQLite file)")
    args = parser.parse_args(argv)
    url = args.database or f"sqlite:///{ROOT / 'var' / 'bench' / f'grading-{args.customers}.sqlite3'}"
    os.environ["STRATA_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "stratacrm.config.django.local"
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from stratacrm.activity.services import interaction_log
    from stratacrm.customers.models import Customer
    from stratacrm.segmentation.definitions import definition_from_file
    from stratacrm.segmentation.live import _population
    from stratacrm.segmentation.models import AssignmentDigest, GradingRun
    from stratacrm.segmentation.runs import definition_use, grading_run
    from stratacrm.service.services import ticket_open

    definition = definition_from_file(ROOT / "examples" / "rules" / "utility.yaml")
    ids = list(Customer.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    timings: list[float] = []
    with definition_use(definition):
        if _population(definition) is None:  # no batch run of these rules yet: grade once, committed
            grading_run(definition=definition)
    with definition_use(definition), transaction.atomic():
        before = GradingRun.objects.count()
        for n in range(args.events):
            customer_id = rng.choice(ids)
            now = timezone.now() - dt.timedelta(minutes=n)
            started = time.perf_counter()
            with transaction.atomic():
                if n % 4 == 0:
                    ticket_open(
                        actor=None,
                        customer_id=customer_id,
                        ticket_number=f"BENCH{n:07d}",
                        kind="complaint",
                        opened_at=now,
                        sla_due_at=now + dt.timedelta(days=7),
                    )
                else:
                    interaction_log(
                        actor=None,
                        customer_id=customer_id,
                        channel="phone",
                        direction="inbound",
                        occurred_at=now,
                    )
            timings.append((time.perf_counter() - started) * 1000)
        regraded = AssignmentDigest.objects.filter(digest__isnull=True).count()  # live clears digests
        assert GradingRun.objects.count() == before
        transaction.set_rollback(True)
    if not regraded:
        sys.exit("no event re-graded its customer: the measurement would be of event writes alone")
    timings.sort()
    cuts = statistics.quantiles(timings, n=100)
    print(
        f"live re-grade: {len(timings)} events (event write + audit + re-grade) on {url.split(':')[0]}, "
        f"{len(ids):,} customers; {regraded} re-graded"
    )
    print(
        f"  p50 {cuts[49]:.1f} ms   p95 {cuts[94]:.1f} ms   p99 {cuts[98]:.1f} ms   max {timings[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
