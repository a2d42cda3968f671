"""The load: check every file, then write every table in one transaction, all or nothing."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, transaction

from stratacrm.accounts.models import Role, User
from stratacrm.accounts.services.audit import audit_record
from stratacrm.ingest.tables import STAFF

from .postgres import PostgresWriter
from .reading import BATCH_ROWS, Source, find_sources, read_batches
from .results import LoadError, LoadReport, Problem, Progress, TableLoad
from .shaping import IdSpace, shape
from .sqlite import SqliteWriter
from .targets import Kind, target_for
from .validation import Validated, checked_in_full, validate_sources

Writer = SqliteWriter | PostgresWriter


def load_directory(
    *,
    path: Path,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
    actor: User | None = None,
) -> LoadReport:
    """Load every table file of `path` into the database; raise LoadError and write nothing on any problem.

    File-local ids are shifted past the ids already in the database, so loading into a database that
    holds data cannot collide; unique keys (account, meter and ticket numbers) must still be new. The
    load is one entry in the audit trail, written in the same transaction. Grades are not recomputed
    customer by customer: run `strata grade run` after a load.
    """
    started = time.perf_counter()
    sources = find_sources(directory=path)
    validated = validate_sources(sources=sources)
    report = LoadReport(validation_seconds=time.perf_counter() - started)
    writer = _writer()
    writer.tune()
    try:
        with _refused(file=str(path), what="the load"), transaction.atomic():
            _write_all(
                sources=sources,
                validated=validated,
                writer=writer,
                report=report,
                progress=progress,
                batch_rows=batch_rows,
            )
            audit_record(
                actor=actor,
                action="data.load",
                object_type="ingest.directory",
                object_id=path.name,
                after={"rows": {t.table: t.rows for t in report.tables}},
            )
            written = time.perf_counter()
    finally:
        writer.restore()
    finished = time.perf_counter()
    report.commit_seconds = finished - written
    report.seconds = finished - started
    return report


def _writer() -> Writer:
    if connection.vendor == "postgresql":
        return PostgresWriter(connection=connection)
    if connection.vendor == "sqlite":
        return SqliteWriter(connection=connection)
    raise LoadError([Problem("the load", None, None, None, f"cannot load into {connection.vendor}")])


def _write_all(
    *,
    sources: list[Source],
    validated: Validated,
    writer: Writer,
    report: LoadReport,
    progress: Progress | None,
    batch_rows: int,
) -> None:
    tables = [(s, target_for(spec=s.spec)) for s in sources if s.spec is not STAFF]
    targets = [t for _, t in tables]
    writer.prepare(targets=targets)
    existing = {t.spec.name: writer.max_id(target=t) for t in targets}
    staff = next(s for s in sources if s.spec is STAFF)
    with _refused(file=staff.file, what=f"the new users ({get_user_model()._meta.db_table})"):
        report.tables.append(_create_staff(source=staff))
    offsets = {t.spec.name: existing[t.spec.name] for t in targets if t.spec.id_column}
    ids = IdSpace(offsets, *_user_ids())
    for source, target in tables:
        rows = validated.rows[source.spec.name]
        started = time.perf_counter()
        done = 0
        rebuild = rows > 0 and rows >= existing[target.spec.name]
        checked = checked_in_full(target=target)
        with (
            _refused(file=source.file, what=f"the rows for {target.db_table}"),
            writer.table(target=target, rebuild=rebuild, checked=checked) as write,
        ):
            for batch in read_batches(source=source, batch_rows=batch_rows):
                write(shape(target=target, batch=batch, ids=ids))
                done += batch.num_rows
                if progress:
                    progress(done, total=rows, description=source.spec.name)
        report.tables.append(TableLoad(source.spec.name, done, time.perf_counter() - started))
    writer.finish(targets=[t for t in targets if any(c.kind is Kind.OWN_ID for c in t.columns)])


def _create_staff(*, source: Source) -> TableLoad:
    """Account managers for the staff usernames the database does not know yet (no password to sign in)."""
    started = time.perf_counter()
    users = get_user_model()._default_manager
    rows = [row for batch in read_batches(source=source) for row in batch.to_pylist()]
    known = set(users.filter(username__in=[r["username"] for r in rows]).values_list("username", flat=True))
    new = [
        users.model(
            **{k: v or "" for k, v in row.items()}, role=Role.ACCOUNT_MANAGER, password=make_password(None)
        )
        for row in rows
        if row["username"] not in known
    ]
    users.bulk_create(new)
    return TableLoad(source.spec.name, len(new), time.perf_counter() - started)


def _user_ids() -> tuple[pa.Array, pa.Array]:
    pairs = list(get_user_model()._default_manager.values_list("username", "pk"))
    return pa.array([u for u, _ in pairs], pa.string()), pa.array([p for _, p in pairs], pa.int64())


@contextmanager
def _refused(*, file: str, what: str) -> Iterator[None]:
    """Turn a database error (a constraint the checks did not catch, a lost connection) into a LoadError."""
    try:
        with connection.wrap_database_errors:
            yield
    except DatabaseError as exc:
        reason = f"the database refused {what}: {' '.join(str(exc).split())}"
        raise LoadError([Problem(file, None, None, None, reason)]) from exc
