"""`strata migrate` and `strata serve` as a user runs them: real processes on a fresh SQLite file."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

STRATA = [sys.executable, "-m", "stratacrm"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def fresh_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["STRATA_DATABASE_URL"] = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    env["STRATA_VAR_DIR"] = str(tmp_path / "var")
    return env


def test_serve_refuses_an_unmigrated_database(fresh_env):
    result = subprocess.run([*STRATA, "serve"], env=fresh_env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "strata migrate" in result.stderr


def test_migrate_then_serve_answers_on_loopback(fresh_env):
    migrated = subprocess.run(
        [*STRATA, "migrate"], env=fresh_env, capture_output=True, text=True, timeout=120
    )
    assert migrated.returncode == 0, migrated.stderr
    assert "up to date" in migrated.stdout
    port = free_port()
    server = subprocess.Popen([*STRATA, "serve", "--port", str(port)], env=fresh_env, stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/login/", timeout=5) as response:
                    body = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert "Sign in" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as response:
            assert "登录" in response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_demo_sets_up_data_and_users_and_is_safe_to_rerun(fresh_env, tmp_path):
    command = [*STRATA, "demo", "--customers", "300", "--no-serve"]
    first = subprocess.run(command, env=fresh_env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    credentials = (tmp_path / "var" / "demo-credentials.txt").read_text().splitlines()
    assert [line.split("\t")[0] for line in credentials] == [
        "admin",
        "marketing",
        "manager",
        "analyst",
        "auditor",
    ]
    second = subprocess.run(command, env=fresh_env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "Demo data already loaded (300 customers)" in second.stdout


def test_demo_end_month_never_puts_the_snapshot_in_the_future():
    import datetime as dt

    from stratacrm.cli.site import _demo_end_month

    assert _demo_end_month(dt.date(2026, 11, 28)) == dt.date(2026, 10, 1)
    assert _demo_end_month(dt.date(2026, 11, 27)) == dt.date(2026, 9, 1)
    assert _demo_end_month(dt.date(2026, 1, 5)) == dt.date(2025, 11, 1)
