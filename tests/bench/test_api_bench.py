"""`bench/api.py` runs end to end: data set, the product's server, locust's users, the report."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]


def test_the_api_benchmark_runs_end_to_end_on_a_small_data_set(tmp_path):
    database = os.environ.get("STRATA_DATABASE_URL", "")
    if urlsplit(database).scheme.startswith("postgres"):
        where = ["--database-url", database, "--database-name", f"test_strata_bench_api_{os.getpid()}"]
    else:
        where = ["--database-url", f"sqlite:///{tmp_path / 'bench.sqlite3'}"]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = [sys.executable, "bench/api.py", "--customers", "200", "--seconds", "3", "--users", "4"]
    done = subprocess.run(
        [*command, "--no-grade", "--drop", *where],
        cwd=ROOT,
        env={**env, "STRATA_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    table = done.stdout.split("\nrequest ", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert len(table) >= 5, done.stdout  # which kinds a 3-second run reaches is chance
    assert all(row.startswith(("admin: ", "manager: ")) for row in table), table
    assert "; 0 failed" in done.stdout
    assert "target: list and search p95" in done.stdout
