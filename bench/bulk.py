"""Benchmark of bulk event creation: seconds for one all-or-nothing call of 10,000 events per kind.

Usage: .venv/bin/python bench/bulk.py [--customers 1000] [--items 10000] [--database-url postgres://…/test]
       [--profile bills]

Migrates a fresh database (a temporary SQLite file, or with --database-url a PostgreSQL database named
strata_bench_bulk on that server, dropped and created again), adds N customers with a meter each, grades
them once with the utility rules (so every call also re-grades the customers it touches, as in
production), then times `events_bulk_create` for 10,000 bills, 10,000 payments against those bills,
10,000 consumption rows and 10,000 interactions, and one `POST /api/events/bulk` of 10,000 interactions
(request parsing and response included). --profile KIND prints the cProfile top functions of that call.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import json
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATABASE = "strata_bench_bulk"


def fresh_postgres(url: str) -> str:
    """Drop and create the benchmark database on the server of `url`; return its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))


def _months(n: int) -> list[dt.date]:
    return [dt.date(2023 + (m // 12), m % 12 + 1, 1) for m in range(n)]


def items_for(
    kind: str, *, customers: list[int], meters: dict[int, int], bills: list[Any], n: int
) -> list[dict]:
    """`n` valid bulk items of `kind` spread over the customers (bills and consumption: one a month)."""
    months = _months(-(-n // len(customers)))
    out: list[dict[str, Any]] = []
    for i in range(n):
        customer = customers[i % len(customers)]
        month = months[i // len(customers)]
        if kind == "bills":
            fields = {
                "period": month,
                "amount": "120.50",
                "kwh": "200",
                "issued_on": month + dt.timedelta(days=3),
                "due_date": month + dt.timedelta(days=20),
            }
        elif kind == "payments":
            bill = bills[i % len(bills)]
            customer = bill.customer_id
            fields = {"bill_id": bill.pk, "paid_on": bill.issued_on, "amount": "120.50", "channel": "wechat"}
        elif kind == "consumption":
            fields = {
                "meter_id": meters[customer],
                "period": month,
                "kwh_total": "60",
                "kwh_peak": "10",
                "kwh_flat": "20",
                "kwh_offpeak": "30",
            }
        else:
            at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=i)
            fields = {"channel": "sms", "direction": "outbound", "occurred_at": at, "subject": "账单提醒"}
        out.append({"type": kind, "customer_id": customer, **fields})
    return out


def timed(label: str, call: Callable[[], Any], *, profile: bool) -> None:
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    call()
    if profiler is not None:
        profiler.disable()
    print(f"{label:<40} {time.perf_counter() - started:7.2f} s")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def run(*, database_url: str, customers: int, items: int, profile: str | None) -> None:
    """Migrate, seed, grade once, then time each bulk call and print the seconds."""
    os.environ["STRATA_DATABASE_URL"] = database_url
    from stratacrm.cli.app import setup_django

    setup_django("stratacrm.config.django.base")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from stratacrm.accounts.models import Role, User
    from stratacrm.accounts.services.tokens import api_token_create
    from stratacrm.activity.bulk import events_bulk_create
    from stratacrm.activity.models import Bill
    from stratacrm.customers.models import Customer, UtilityAccount
    from stratacrm.segmentation.definitions import definition_from_file
    from stratacrm.segmentation.runs import definition_use, grading_run

    call_command("migrate", interactive=False, verbosity=0)
    admin = User.objects.create_user(
        username="bench", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )
    now = timezone.now()
    Customer.objects.bulk_create(
        Customer(
            account_number=f"B{n:09d}",
            name=f"客户{n}",
            customer_type="residential",
            created_at=now,
            updated_at=now,
        )
        for n in range(customers)
    )
    ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    UtilityAccount.objects.bulk_create(
        UtilityAccount(
            customer_id=c,
            meter_number=f"M{c:010d}",
            tariff_category="residential",
            voltage_level="lt_1kv",
            contracted_capacity_kva=8,
            opened_on=dt.date(2020, 1, 1),
        )
        for c in ids
    )
    meters = dict(UtilityAccount.objects.values_list("customer_id", "pk"))
    definition = definition_from_file(ROOT / "examples" / "rules" / "utility.yaml")
    with definition_use(definition):
        grading_run(definition=definition)
        for kind in ("bills", "payments", "consumption", "interactions"):
            bills = list(Bill.objects.order_by("pk")[:items]) if kind == "payments" else []
            batch = items_for(kind, customers=ids, meters=meters, bills=bills, n=items)
            timed(
                f"{connection.vendor}: {items:,} {kind}",
                functools.partial(events_bulk_create, actor=admin, items=batch),
                profile=profile == kind,
            )
        secret = api_token_create(user=admin, name="bench", scopes=["read", "write"]).secret
        client = Client(headers={"Authorization": f"Bearer {secret}"}, HTTP_HOST="localhost")
        body = json.dumps(
            {"items": items_for("interactions", customers=ids, meters=meters, bills=[], n=items)}, default=str
        )

        def post() -> None:
            response = client.post("/api/events/bulk", data=body, content_type="application/json")
            assert response.status_code == 200, response.content[:300]

        timed(f"{connection.vendor}: POST /api/events/bulk {items:,}", post, profile=profile == "api")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--database-url", help="a PostgreSQL server (any database on it); SQLite if absent")
    parser.add_argument("--profile", choices=("bills", "payments", "consumption", "interactions", "api"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="strata-bulk-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        if args.database_url:
            url = fresh_postgres(args.database_url)
        run(database_url=url, customers=args.customers, items=args.items, profile=args.profile)


if __name__ == "__main__":
    main(sys.argv[1:])
