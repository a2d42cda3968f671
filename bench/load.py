"""Benchmark of `strata load`: seconds, rows per second per table and peak memory for N customers.

Generates N customers (in a child process, so its memory does not count) or takes --from DIR, then loads
them into a fresh database: a temporary SQLite file, or with --database-url a PostgreSQL database named
strata_bench on that server (dropped and created again, then migrated).

Usage: .venv/bin/python bench/load.py --customers 100000 [--database-url postgres://…/test] [--from DIR]
"""

import argparse
import datetime as dt
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE = "strata_bench"


def generated(*, customers: int, seed: int, fmt: str, out_dir: Path) -> None:
    """Write the workload into `out_dir` in a child process and print how long it took."""
    from stratacrm.ingest.generator import generate

    def run() -> None:
        generate(customers=customers, seed=seed, end_month=dt.date(2025, 12, 1), out_dir=out_dir, fmt=fmt)

    started = time.perf_counter()
    child = multiprocessing.get_context("fork").Process(target=run)
    child.start()
    child.join()
    if child.exitcode != 0:
        sys.exit(f"the generator failed (exit {child.exitcode})")
    print(f"generated {customers:,} customers as {fmt} in {time.perf_counter() - started:.1f} s")


def fresh_postgres(url: str) -> str:
    """Drop and create the benchmark database on the server of `url`; return its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))


def load(*, directory: Path, database_url: str) -> None:
    """Migrate the database, load `directory` into it and print the figures."""
    os.environ["STRATA_DATABASE_URL"] = database_url
    from stratacrm.cli.app import setup_django

    setup_django("stratacrm.config.django.base")
    from django.core.management import call_command
    from django.db import connection

    from stratacrm.ingest.loader import load_directory

    call_command("migrate", interactive=False, verbosity=0)
    report = load_directory(path=directory)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    for t in report.tables:
        print(f"{t.table:>18} {t.rows:>11,} rows {t.seconds:>7.2f} s {t.rows_per_second:>11,.0f} rows/s")
    print(f"{'checks':>18} {'':>16} {report.validation_seconds:>7.2f} s")
    print(f"{'commit':>18} {'':>16} {report.commit_seconds:>7.2f} s")
    print(
        f"{connection.vendor}: {report.total_rows:,} rows in {report.seconds:.1f} s"
        f" ({report.rows_per_second:,.0f} rows/s), peak RSS {peak_mib:,.0f} MiB"
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, prepare the data and the database, and run the benchmark."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--from", dest="source", type=Path, help="load this directory instead of generating")
    parser.add_argument("--database-url", help="a PostgreSQL server (any database on it); SQLite if absent")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="strata-load-") as tmp:
        directory = args.source
        if directory is None:
            directory = Path(tmp) / "data"
            generated(customers=args.customers, seed=args.seed, fmt=args.format, out_dir=directory)
        if args.database_url:
            database_url = fresh_postgres(args.database_url)
        else:
            database_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        load(directory=directory, database_url=database_url)


if __name__ == "__main__":
    main(sys.argv[1:])
