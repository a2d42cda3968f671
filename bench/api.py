"""Benchmark of the REST API under concurrent load: list, filters, search and the 360 view at N customers.

Prepares a database of N generated customers (PostgreSQL database `strata_bench_api` on the server of
--database-url, made once and reused while it holds the same data set; a SQLite file without it), starts
the product's own server (`strata serve`, production settings) on loopback in a child process, issues
API tokens to an administrator and to the account manager owning the most customers, and drives them
with locust (headless) for --seconds. Prints each request kind's count, failures, p50/p95/p99 and its
p95 against the baseline (one row, `limit=1`) measured in the same run.

Usage: .venv/bin/python bench/api.py --customers 100000 [--database-url postgresql://…/test]
       [--users 10] [--seconds 60] [--drop]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import api_dataset  # noqa: E402

TARGET_MS = 100
TARGETED = ("list", "search")  # the request kinds the p95 target is about
BASELINE = "baseline"
GRADE_FILTERS = ("group", "tier", "lifecycle", "churn_risk")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def grade_filters(*, grade: bool) -> dict[str, list[str]]:
    """The list's grade filters (group, tier, …) that the API has, with values customers hold.

    With `grade`, the customers are graded first (once per data set) when the API has such filters.
    """
    from stratacrm.api.api import API_PREFIX, api

    operation = api.get_openapi_schema(path_prefix=API_PREFIX)["paths"][f"{API_PREFIX}/customers"]["get"]
    present = {p["name"] for p in operation.get("parameters", [])} & set(GRADE_FILTERS)
    if present and grade:
        api_dataset.dataset_grade()
    values = api_dataset.grade_values() if present else {}
    found = {name: values[name] for name in sorted(present) if values.get(name)}
    missing = [name for name in GRADE_FILTERS if name not in found]
    if missing:
        print(f"not measured (no such filter, or no customer holds a value): {', '.join(missing)}")
    return found


def server_start(*, database_url: str, port: int, threads: int, var_dir: Path) -> subprocess.Popen[bytes]:
    """`strata serve` with production settings on loopback; returns once it answers."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stratacrm.config.django.production",
        "STRATA_DATABASE_URL": database_url,
        "STRATA_SECRET_KEY": secrets.token_urlsafe(50),
        "STRATA_SSL_REDIRECT": "0",
        "STRATA_VAR_DIR": str(var_dir),
    }
    strata = Path(sys.executable).with_name("strata")
    command = [str(strata), "serve", "--port", str(port), "--threads", str(threads)]
    log = var_dir / "server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            print(log.read_text(encoding="utf-8", errors="replace")[-3000:])
            raise SystemExit(f"the server stopped (exit {server.returncode})")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/openapi.json", timeout=5).close()
            return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    server.terminate()
    print(log.read_text(encoding="utf-8", errors="replace")[-3000:])
    raise SystemExit("the server did not answer within 300 s")


def locust_run(*, host: str, plan: Path, users: int, seconds: int, out: Path) -> list[dict[str, str]]:
    """Run the locust users headless; return the rows of its statistics."""
    command = [
        *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "api_locust.py")),
        *("--headless", "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s"),
        *("--host", host, "--csv", str(out / "locust"), "--only-summary", "--loglevel", "WARNING"),
        *("--stop-timeout", "10", "--exit-code-on-error", "0"),
    ]
    env = {**os.environ, "STRATA_BENCH_API_PLAN": str(plan)}
    with open(out / "locust.log", "wb") as log:
        done = subprocess.run(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        print((out / "locust.log").read_text(encoding="utf-8", errors="replace")[-3000:])
        raise SystemExit(f"locust failed (exit {done.returncode})")
    with open(out / "locust_stats.csv", newline="", encoding="utf-8") as stats:
        return [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]


def report(rows: list[dict[str, str]], *, seconds: int) -> tuple[bool, int]:
    """Print the table; return whether the targeted kinds met the p95 target and the failure count."""
    baselines = {r["Name"].split(":")[0]: float(r["95%"]) for r in rows if BASELINE in r["Name"]}
    print(f"\n{'request':<52} {'count':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'p95/base':>8}")
    met, failures = True, 0
    for row in sorted(rows, key=lambda r: r["Name"]):
        name, role = row["Name"], row["Name"].split(":")[0]
        p50, p95, p99 = (float(row[k]) for k in ("50%", "95%", "99%"))
        base = baselines.get(role) or 0
        ratio = f"{p95 / base:7.1f}x" if base else "       —"
        targeted = BASELINE not in name and any(k in name.split(": ", 1)[1] for k in TARGETED)
        slow = targeted and p95 > TARGET_MS
        met &= not slow
        failures += int(row["Failure Count"])
        print(
            f"{name:<52} {int(row['Request Count']):>7} {int(row['Failure Count']):>5}"
            f" {p50:>6.0f} {p95:>6.0f} {p99:>6.0f} {ratio}{'  SLOW' if slow else ''}"
        )
    total = sum(int(r["Request Count"]) for r in rows)
    print(f"\n{total:,} requests in {seconds} s ({total / seconds:,.1f}/s); milliseconds; {failures} failed")
    print(f"target: list and search p95 <= {TARGET_MS} ms: {'met' if met else 'NOT met'}")
    return met, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    api_dataset.dataset_arguments(parser)
    parser.add_argument("--users", type=int, default=10, help="concurrent API clients (half of each role)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--threads", type=int, default=8, help="the server's worker threads")
    parser.add_argument("--no-grade", action="store_true", help="skip grading: no grade filters measured")
    parser.add_argument("--drop", action="store_true", help="drop the benchmark database at the end")
    args = parser.parse_args(argv)
    server_url, url = api_dataset.dataset_open(args)
    from django.db import connections

    with tempfile.TemporaryDirectory(prefix="strata-bench-api-") as tmp:
        work = Path(tmp)
        plan = api_dataset.plan_build(seed=args.seed)
        plan["admin"]["grade_filters"] = plan["manager"]["grade_filters"] = grade_filters(
            grade=not args.no_grade
        )
        (work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
        for role, values in plan.items():
            print(f"{role}: {values['username']} reaches {values['customers']:,} customers")
        connections.close_all()
        port = free_port()
        server = server_start(database_url=url, port=port, threads=args.threads, var_dir=work)
        try:
            print(f"{args.users} users for {args.seconds} s against http://127.0.0.1:{port}/api/ …")
            rows = locust_run(
                host=f"http://127.0.0.1:{port}",
                plan=work / "plan.json",
                users=args.users,
                seconds=args.seconds,
                out=work,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    _, failures = report(rows, seconds=args.seconds)
    if args.drop:
        connections.close_all()
        api_dataset.database_drop(server_url=server_url, url=url)
    return 1 if failures or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
