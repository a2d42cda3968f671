"""Benchmark of grading on the generated utility: the floor, each engine, publishing, record-at-a-time.

Usage: .venv/bin/python bench/grading.py --customers 100000 [--postgres postgresql://root@127.0.0.1:5432/postgres]

Generates the utility once (Parquet, var/bench/utility-N), loads it into a fresh SQLite file and, with
--postgres, a fresh PostgreSQL database (strata_bench), and grades it with the utility rules
(examples/rules/utility.yaml). Each database is measured in a process of its own, so peak memory
(ru_maxrss) is per database. Phases: (e) the Parquet snapshot; (a) the floor, one hand-written DuckDB
query of the same metrics; (b) each engine's compute; (c) publishing, first and after ~1% of customers
changed; (d) record-at-a-time in Python on a sample, scaled linearly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: `bench` and `stratacrm` import from the checkout
AS_OF = dt.date(2025, 12, 31)
RULES = ROOT / "examples" / "rules" / "utility.yaml"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args: argparse.Namespace) -> dict[str, Any]:
    """Measure one database (its URL is in STRATA_DATABASE_URL)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "stratacrm.config.django.local"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import phases

    figures: dict[str, Any] = {"vendor": connection.vendor}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    from stratacrm.ingest.loader import load_directory

    load_directory(path=args.data)
    figures["load_s"] = time.perf_counter() - started
    figures.update(phases.measure(args=args, snapshot_engines=connection.vendor == "sqlite"))
    figures["peak_rss_mib"] = peak_mib()
    return figures


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--postgres", help="URL of a PostgreSQL server's maintenance database")
    parser.add_argument("--sample", type=int, default=10_000, help="customers graded record by record")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print("FIGURES " + json.dumps(worker(args), default=str), flush=True)
        return
    bench_dir = ROOT / "var" / "bench"
    data = bench_dir / f"utility-{args.customers}"
    if not (data / "customers.parquet").exists():
        from stratacrm.ingest.generator import generate

        started = time.perf_counter()
        generate(customers=args.customers, seed=1, months=24, end_month=dt.date(2025, 12, 1), out_dir=data)
        print(f"generated {args.customers:,} customers in {time.perf_counter() - started:.1f} s")
    targets = [("sqlite", f"sqlite:///{bench_dir / f'grading-{args.customers}.sqlite3'}")]
    (bench_dir / f"grading-{args.customers}.sqlite3").unlink(missing_ok=True)
    if args.postgres:
        targets.append(("postgres", _fresh_postgres(args.postgres)))
    results = {}
    for name, url in targets:
        command = [sys.executable, str(Path(__file__)), "--worker", "--data", str(data)]
        command += ["--customers", str(args.customers), "--sample", str(args.sample)]
        command += ["--no-spark"] if args.no_spark else []
        env = {**os.environ, "STRATA_DATABASE_URL": url, "PYTHONPATH": str(ROOT), "STRATA_DEBUG": "0"}
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        lines = [line for line in done.stdout.splitlines() if line.startswith("FIGURES ")]
        if done.returncode or not lines:
            print(done.stdout[-3000:], done.stderr[-3000:])
            raise SystemExit(f"{name} worker failed")
        results[name] = json.loads(lines[-1][len("FIGURES ") :])
    from bench.report import print_report

    print_report(results, customers=args.customers, sample=args.sample)


def _fresh_postgres(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS strata_bench WITH (FORCE)")
        admin.execute("CREATE DATABASE strata_bench")
    return url.rsplit("/", 1)[0] + "/strata_bench"


if __name__ == "__main__":
    main(sys.argv[1:])
