"""`bench/publish.py` runs end to end on a small data set and leaves it as it found it."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("change", ["bills", "complaints"])
def test_the_publish_benchmark_publishes_each_change_and_undoes_it(tmp_path, change):
    database = os.environ.get("STRATA_DATABASE_URL", "")
    if urlsplit(database).scheme.startswith("postgres"):
        name = f"test_strata_bench_publish_{change}_{os.getpid()}"
        where = ["--database-url", database, "--database-name", name]
    else:
        where = ["--database-url", f"sqlite:///{tmp_path / 'bench.sqlite3'}"]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = [sys.executable, "bench/publish.py", "--customers", "300", "--repeat", "1", "--commit"]
    done = subprocess.run(
        [*command, "--change", change, "--drop", *where],
        cwd=ROOT,
        env={**env, "STRATA_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    changed = int(out.split(f"{change} changed: ", 1)[1].split()[0])
    assert changed == 3  # every hundredth of 300 customers
    assert f"{change} put back: {changed}" in out
    # The same customers are rewritten by each publish, the committed one and the one back.
    lines = [line for line in out.splitlines() if "customers rewritten" in line]
    rewritten = [int(line.split(" s, ")[1].split()[0]) for line in lines]
    assert len(rewritten) == 3 and len(set(rewritten)) == 1, out
    assert rewritten[0] >= 1
