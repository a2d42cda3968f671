"""A grading run killed (SIGKILL) while it computes or while it publishes leaves the published grades
as they were; the next run marks it interrupted and completes; a re-run changes nothing.

The run is a real `strata grade run` process on a database of its own: a SQLite file when the suite
runs on SQLite, a PostgreSQL database beside the test database when it runs on PostgreSQL. The test
holds a lock that keeps the run from committing (SQLite's write lock; on PostgreSQL an exclusive lock
on the table the run is about to read or write), waits until the run is inside that phase, and kills it.
"""

from __future__ import annotations

import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from . import grading

ROOT = Path(__file__).resolve().parents[2]
AS_OF = grading.AS_OF.isoformat()
CHECKSUM = (
    "SELECT COUNT(*), COALESCE(SUM(customer_id * 7 + LENGTH(dimension) * 3 + LENGTH(value)), 0) "
    "FROM segmentation_assignment"
)


class Database:
    """The run's database: a URL for the subprocess, and a way to query it from the test."""

    def __init__(self, url: str, connect: Callable[[], Any]) -> None:
        self.url, self.connect = url, connect

    def one(self, sql: str) -> tuple[Any, ...]:
        conn = self.connect()
        try:
            cursor = conn.cursor()
            cursor.execute(sql)
            row = cursor.fetchone() if cursor.description else None
            return tuple(row) if row else ()
        finally:
            conn.close()

    def strata(self, *args: str, wait: bool = True) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "STRATA_DATABASE_URL": self.url,
            "STRATA_GRADING_DEFINITION": "tests.segmentation.grading:definition",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        command = [sys.executable, "-c", "from stratacrm.cli import main; main()", *args]
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        if wait:
            out, _ = process.communicate(timeout=300)
            assert process.returncode == 0, out.decode()
        return process

    def running_run(self, *, after: int, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = self.one(
                f"SELECT MAX(id) FROM segmentation_gradingrun WHERE status = 'running' AND id > {after}"
            )
            if row and row[0]:
                return int(row[0])
            time.sleep(0.02)
        raise AssertionError("the run did not start")

    def last_run(self) -> int:
        return int(self.one("SELECT COALESCE(MAX(id), 0) FROM segmentation_gradingrun")[0])


def _setup(database: Database, data: Path) -> None:
    env = {
        **os.environ,
        "STRATA_DATABASE_URL": database.url,
        "DJANGO_SETTINGS_MODULE": "stratacrm.config.django.test",
    }
    migrate = [sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, timeout=300)
    database.strata("load", str(data))


@contextmanager
def _sqlite_database(tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "strata.sqlite3"
    yield Database(f"sqlite:///{path}", lambda: sqlite3.connect(path, timeout=30, isolation_level=None))


@contextmanager
def _postgres_database() -> Iterator[Database]:
    import psycopg

    settings = connection.settings_dict
    user, host, port = settings["USER"] or "root", settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    base = f"postgresql://{user}@{host}:{port}"
    name = f"strata_kill_{secrets.token_hex(4)}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield Database(f"{base}/{name}", lambda: psycopg.connect(f"{base}/{name}", autocommit=True))
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def _blocked(database: Database, phase: str, vendor: str) -> Iterator[None]:
    """Keep a run from passing `phase` (compute: reading bills; publish: writing history)."""
    conn = database.connect()
    try:
        if vendor == "sqlite":
            conn.execute("BEGIN IMMEDIATE")  # no run can begin its publishing transaction
        else:
            table = "activity_bill" if phase == "compute" else "segmentation_assignmentchange"
            conn.execute("BEGIN")
            conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def _wait_blocked(database: Database, vendor: str, phase: str) -> None:
    """Until the run waits on our lock (PostgreSQL); on SQLite, until it surely reached the phase."""
    if vendor == "sqlite":
        time.sleep(0.2 if phase == "compute" else 3.0)
        return
    statement = "CREATE TEMPORARY TABLE%" if phase == "compute" else "COPY segmentation_assignmentchange%"
    for _ in range(1500):
        row = database.one(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            f"AND query LIKE '{statement}'"
        )
        if row[0]:
            return
        time.sleep(0.02)
    raise AssertionError(f"the run never reached {phase}")


def _kill_in(database: Database, vendor: str, phase: str) -> int:
    before = database.last_run()
    process = database.strata("grade", "run", "--as-of", AS_OF, wait=False)
    run = database.running_run(after=before)
    with _blocked(database, phase, vendor):
        _wait_blocked(database, vendor, phase)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    return run


@pytest.mark.slow
@pytest.mark.django_db
def test_a_killed_run_leaves_the_published_grades_intact(tmp_path: Path) -> None:
    vendor = connection.vendor
    data = grading.utility(tmp_path / "data", customers=200)
    opened = _sqlite_database(tmp_path) if vendor == "sqlite" else _postgres_database()
    with opened as database:
        _setup(database, data)
        killed = _kill_in(database, vendor, "compute")
        assert database.one(CHECKSUM)[0] == 0  # nothing was ever published
        database.strata("grade", "run", "--as-of", AS_OF)
        assert (
            database.one(f"SELECT status, error FROM segmentation_gradingrun WHERE id = {killed}")[0]
            == "failed"
        )
        published = database.one(CHECKSUM)
        assert published[0] > 0
        database.one(
            "UPDATE customers_customer SET contact_form_filled = NOT contact_form_filled WHERE id % 3 = 0"
        )
        killed = _kill_in(database, vendor, "publish")
        assert database.one(CHECKSUM) == published
        changes = database.one("SELECT COUNT(*) FROM segmentation_assignmentchange")
        database.strata("grade", "run", "--as-of", AS_OF)
        status, error = database.one(f"SELECT status, error FROM segmentation_gradingrun WHERE id = {killed}")
        assert (status, error.startswith("interrupted")) == ("failed", True)
        assert database.one("SELECT COUNT(*) FROM segmentation_assignmentchange")[0] > changes[0]
        last = database.last_run()
        database.strata("grade", "run", "--as-of", AS_OF)
        assert database.one(f"SELECT changed_total FROM segmentation_gradingrun WHERE id > {last}") == (0,)
