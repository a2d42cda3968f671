"""Running a benchmark script as its user would, on a small data set of the test database's kind."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]


def bench_run(
    script: str, *options: str, tmp_path: Path, database_name: str
) -> subprocess.CompletedProcess[str]:
    """`bench/<script>` with `options`, on a PostgreSQL database `database_name` when the tests run on
    PostgreSQL (on the same server), else on a SQLite file under `tmp_path`."""
    database = os.environ.get("STRATA_DATABASE_URL", "")
    if urlsplit(database).scheme.startswith("postgres"):
        where = ["--database-url", database, "--database-name", f"{database_name}_{os.getpid()}"]
    else:
        where = ["--database-url", f"sqlite:///{tmp_path / 'bench.sqlite3'}"]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, f"bench/{script}", *options, *where],
        cwd=ROOT,
        env={**env, "STRATA_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
