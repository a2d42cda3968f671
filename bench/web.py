"""Benchmark of the web pages: server time of the customer list and the 360 view at N customers.

Builds a fresh SQLite database of N generated customers (or reuses --keep DIR from an earlier run),
publishes the utility rules and grades every customer, then times requests through Django's test client
(the whole server side: middleware, session, views, templates; no network, no browser).

Usage: .venv/bin/python bench/web.py [--customers 100000] [--keep DIR] [--repeat 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 300
OVERVIEW = ("", *(f"dashboard/{p}/" for p in ("migration", "trend", "consumption", "service")))
HTMX: dict[str, str] = {"HX-Request": "true", "HX-Target": "customer-results"}


def build(directory: Path, *, customers: int, seed: int) -> None:
    """Generate, load, publish the utility rules and grade, unless `directory` holds a built database."""
    from django.core.management import call_command

    from stratacrm.customers.models import Customer
    from stratacrm.ingest.generator import generate
    from stratacrm.ingest.loader import load_directory
    from stratacrm.segmentation.ruleset import ruleset_read_file
    from stratacrm.segmentation.runs import grading_run
    from stratacrm.segmentation.services import rule_set_load

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `strata serve` does
    if Customer.objects.exists():
        print(f"reusing {Customer.objects.count():,} customers in {directory}")
        return
    data = directory / "data"
    rules = ROOT / "examples" / "rules" / "utility.yaml"
    step("generate", lambda: generate(customers=customers, seed=seed, end_month=_last_month(), out_dir=data))
    step("load", lambda: load_directory(path=data))
    step("rules", lambda: rule_set_load(document=ruleset_read_file(rules), user=None))
    step("grade (duckdb)", lambda: grading_run(engine="duckdb"))


def _last_month() -> dt.date:
    return (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def step(name: str, work: Callable[[], object]) -> None:
    started = time.perf_counter()
    work()
    print(f"{name:>16}: {time.perf_counter() - started:7.1f} s")


def timed(client: Client, url: str, repeat: int, headers: dict[str, str] | None = None) -> list[float]:
    """Server milliseconds of `repeat` requests of `url`, after one warm-up."""
    assert client.get(url, headers=headers).status_code == 200, url
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return times


def report(name: str, times: list[float]) -> bool:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    ok = p95 <= TARGET_MS
    print(
        f"{name:<62} median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  {'ok' if ok else 'SLOW'}"
    )
    return ok


def pages(repeat: int) -> bool:
    """Time the list and the 360 view as a marketing manager (all rows) and an account manager."""
    from django.db.models import Count
    from django.test import Client

    from stratacrm.accounts.models import Role, User
    from stratacrm.customers.models import Customer
    from stratacrm.paging import cursor_encode

    marketing, _ = User.objects.get_or_create(
        username="bench-marketing", defaults={"role": Role.MARKETING_MANAGER}
    )
    manager = User.objects.annotate(n=Count("owned_customers")).order_by("-n").first()
    assert manager is not None
    total = Customer.objects.count()
    middle = Customer.objects.order_by("account_number").values_list("account_number", flat=True)[total // 2]
    busy = Customer.objects.annotate(n=Count("interaction")).order_by("-n").first()
    assert busy is not None
    owned = Customer.objects.filter(owner=manager).first()
    assert owned is not None
    owns = Customer.objects.filter(owner=manager).count()
    print(f"{total:,} customers; account manager {manager.username} owns {owns:,}")
    ok = True
    for who, user in (("marketing manager", marketing), ("account manager", manager)):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        cases = {
            "list, first page": "/en/customers/",
            "list, page in the middle": f"/en/customers/?cursor={cursor_encode([middle])}",
            "list, churn risk high": "/en/customers/?risk=high",
            "list, tier S, recently changed": "/en/customers/?tier=S&sort=-updated_at",
            "list, search by name": "/en/customers/?q=%E5%BC%A0",
            "list, table only (htmx)": "/en/customers/?stage=at_risk",
        }
        for name, url in cases.items():
            headers = HTMX if "htmx" in name else None
            ok &= report(f"{who}: {name}", timed(client, url, repeat, headers))
        customer = busy if user is marketing else owned
        ok &= report(f"{who}: 360 view", timed(client, f"/en/customers/{customer.account_number}/", repeat))
        for panel in (
            "",
            "dashboard/migration/",
            "dashboard/trend/",
            "dashboard/consumption/",
            "dashboard/service/",
        ):
            report(f"{who}: overview {panel or 'page'} (no target)", timed(client, f"/en/{panel}", repeat))
    return ok


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="build into (or reuse) this directory")
    args = parser.parse_args(argv)
    directory = args.keep or Path(tempfile.mkdtemp(prefix="strata-bench-web-"))
    directory.mkdir(parents=True, exist_ok=True)
    os.environ["STRATA_DATABASE_URL"] = f"sqlite:///{directory / 'db.sqlite3'}"
    os.environ["STRATA_VAR_DIR"] = str(directory)
    sys.path.insert(0, str(ROOT))
    from stratacrm.cli.app import setup_django

    setup_django("stratacrm.config.django.base")
    build(directory, customers=args.customers, seed=args.seed)
    ok = pages(args.repeat)
    print(f"target: p95 <= {TARGET_MS} ms: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
