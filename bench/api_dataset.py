"""The database of `bench/api.py`: N generated customers, loaded once and reused, and what to ask for.

The data set is stamped in a table of its own (customers, seed); a database holding another stamp, or
none, is made again from scratch. Generated customers carry no staff tags, so the bench tags every
hundredth, tenth and fourth customer: the tag filter then has rare, common and broad tags to find.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

STAMP_TABLE = "bench_api_dataset"
END_MONTH, AS_OF = dt.date(2025, 12, 1), dt.date(2025, 12, 31)  # the last month generated; graded then
ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "examples" / "rules" / "utility.yaml"
TAGS = {"key account": 100, "green tariff": 10, "e-billing": 4}  # tag -> every how many customers


def dataset_arguments(parser: argparse.ArgumentParser) -> None:
    """The options naming the data set and where it lives."""
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="a PostgreSQL server (any database on it), or sqlite:///FILE")
    parser.add_argument("--database-name", default="strata_bench_api", help="the database made on PostgreSQL")


def dataset_open(args: argparse.Namespace) -> tuple[str, str]:
    """Make the data set of `args` ready (made on its first use) and set Django up on it; returns the
    server's URL and the data set's."""
    server_url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench-api' / 'db.sqlite3'}"
    url = bench_database_url(server_url, args.database_name)
    must_load = database_prepare(server_url=server_url, url=url, customers=args.customers, seed=args.seed)
    os.environ["STRATA_DATABASE_URL"] = url
    from stratacrm.cli.app import setup_django

    setup_django("stratacrm.config.django.base")
    from django.core.management import call_command

    step("migrate", lambda: call_command("migrate", interactive=False, verbosity=0))
    if must_load:
        dataset_load(customers=args.customers, seed=args.seed)
    return server_url, url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:")


def bench_database_url(url: str, name: str) -> str:
    """The benchmark database's URL: a SQLite URL as given, else database `name` on the URL's server."""
    if is_sqlite(url):
        return url
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _stamp_read(url: str) -> tuple[int, int] | None:
    query = f"SELECT customers, seed FROM {STAMP_TABLE}"
    try:
        if is_sqlite(url):
            path = Path(urlsplit(url).path)
            if not path.exists():
                return None
            with sqlite3.connect(path) as con:
                row = con.execute(query).fetchone()
        else:
            import psycopg

            with psycopg.connect(url) as con:
                row = con.execute(query).fetchone()
    except (sqlite3.Error, ImportError, OSError) as error:
        print(f"no data set found ({error})")
        return None
    except Exception as error:  # psycopg's errors: no such database or table
        print(f"no data set found ({type(error).__name__})")
        return None
    return (int(row[0]), int(row[1])) if row else None


def database_prepare(*, server_url: str, url: str, customers: int, seed: int) -> bool:
    """Make sure `url` exists, empty unless it holds this data set; True when it must be loaded."""
    if _stamp_read(url) == (customers, seed):
        print(f"reusing the data set of {customers:,} customers (seed {seed})")
        return False
    if is_sqlite(url):
        path = Path(urlsplit(url).path)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return True
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return True


def database_drop(*, server_url: str, url: str) -> None:
    """Remove the benchmark database (a SQLite file, or the PostgreSQL database)."""
    if is_sqlite(url):
        path = Path(urlsplit(url).path)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        return
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"dropped database {name}")


def step(name: str, work: Any) -> Any:
    started = time.perf_counter()
    result = work()
    print(f"{name:>10}: {time.perf_counter() - started:7.1f} s")
    return result


def dataset_load(*, customers: int, seed: int) -> None:
    """Generate and load the customers into Django's database, tag some of them, stamp the data set."""
    from django.db import connection, transaction

    from stratacrm.customers.models import Customer, Tag
    from stratacrm.ingest.generator import generate
    from stratacrm.ingest.loader import load_directory

    with tempfile.TemporaryDirectory(prefix="strata-bench-api-") as tmp:
        data = Path(tmp) / "data"
        step("generate", lambda: generate(customers=customers, seed=seed, end_month=END_MONTH, out_dir=data))
        step("load", lambda: load_directory(path=data))
    through = Customer.tags.through._meta.db_table
    customer_table = Customer._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for name, every in TAGS.items():
            tag, _ = Tag.objects.get_or_create(name=name)
            cursor.execute(
                f"INSERT INTO {through} (customer_id, tag_id) SELECT id, %s FROM {customer_table}"
                f" WHERE id %% %s = 0",
                [tag.pk, every],
            )
        cursor.execute(f"CREATE TABLE {STAMP_TABLE} (customers integer, seed integer, graded integer)")
        cursor.execute(f"INSERT INTO {STAMP_TABLE} VALUES (%s, %s, 0)", [customers, seed])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {through}")


def dataset_grade() -> None:
    """Publish the utility rules and grade every customer once (DuckDB), so grade filters find rows."""
    from django.db import connection

    from stratacrm.segmentation.ruleset import ruleset_read_file
    from stratacrm.segmentation.runs import grading_run
    from stratacrm.segmentation.selectors import ruleset_is_empty
    from stratacrm.segmentation.services import rule_set_load

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT graded FROM {STAMP_TABLE}")
        if cursor.fetchone()[0]:
            return
    if ruleset_is_empty():
        rule_set_load(document=ruleset_read_file(RULES), user=None)
    step("grade", lambda: grading_run(engine="duckdb", as_of=AS_OF))
    if connection.vendor == "postgresql":  # what autovacuum does soon after; off on some test servers
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {STAMP_TABLE} SET graded = 1")


def grade_values() -> dict[str, list[str]]:
    """Values of the list's grade filters that customers hold: parameter -> up to 10 values."""
    from stratacrm.segmentation.models import Assignment
    from stratacrm.segmentation.ruleset.schemes import CHURN_RISK, LIFECYCLE, SCHEME_DIMENSIONS, VALUE_TIER

    held = Assignment.objects.order_by().values_list("value", flat=True).distinct()
    dimensions = {"tier": VALUE_TIER, "lifecycle": LIFECYCLE, "churn_risk": CHURN_RISK}
    found = {parameter: sorted(held.filter(dimension=d))[:10] for parameter, d in dimensions.items()}
    found["group"] = sorted(held.exclude(dimension__in=SCHEME_DIMENSIONS.values()))[:10]
    return found


def plan_build(*, seed: int) -> dict[str, Any]:
    """Tokens for an administrator and the busiest account manager, and the values each one asks for."""
    from django.db.models import Count

    from stratacrm.accounts.models import Role, User
    from stratacrm.accounts.services.tokens import api_token_create
    from stratacrm.customers.models import Tag
    from stratacrm.customers.selectors import customer_scope
    from stratacrm.paging import cursor_encode

    admin, _ = User.objects.get_or_create(
        username="bench-api-admin",
        defaults={"role": Role.ADMINISTRATOR, "is_staff": True, "is_superuser": True},
    )
    manager = (
        User.objects.filter(role=Role.ACCOUNT_MANAGER)
        .annotate(n=Count("owned_customers"))
        .order_by("-n", "pk")
        .first()
    )
    if manager is None:
        raise SystemExit("the data set has no account manager")
    rng = random.Random(seed)
    plan: dict[str, Any] = {}
    for role, user in (("admin", admin), ("manager", manager)):
        scope = customer_scope(user=user)
        total = scope.count()
        middle = scope.order_by("account_number").values_list("account_number", flat=True)[total // 2]
        sample = _sample(scope, rng)
        people = [c for c in sample if c.customer_type == "residential"] or sample
        token = api_token_create(user=user, name="api benchmark", scopes=["read"], expires_in_days=1)
        plan[role] = {
            "token": token.secret,
            "username": user.get_username(),
            "customers": total,
            "ids": [c.pk for c in sample],
            "middle_cursor": cursor_encode([middle]),
            "regions": sorted({c.province for c in sample if c.province}),
            "types": sorted({c.customer_type for c in sample}),
            "tags": list(Tag.objects.filter(name__in=TAGS).values_list("name", flat=True)),
            "names": [c.name for c in people[:50]],
            "name_starts": [c.name[:2] for c in people[:50]],
            "accounts": [c.account_number for c in sample[:50]],
            "account_prefixes": [c.account_number[:7] for c in sample[:50]],
            "phone_prefixes": [c.phone[:7] for c in sample[:50] if len(c.phone) >= 7],
        }
    return plan


def _sample(scope: Any, rng: random.Random, size: int = 200) -> list[Any]:
    """Up to `size` customers of `scope` picked at random by id (no ORDER BY random() over 1M rows)."""
    ids = scope.order_by("pk").values_list("pk", flat=True)
    first, last = ids.first(), scope.order_by("-pk").values_list("pk", flat=True).first()
    if first is None or last is None:
        raise SystemExit("no customers in scope")
    if scope.count() <= size * 5:
        picked = list(ids)
        rng.shuffle(picked)
        return list(scope.filter(pk__in=picked[:size]))
    wanted = {rng.randint(first, last) for _ in range(size * 2)}
    return list(scope.filter(pk__in=wanted)[:size])
