"""Writing checked tables: new rows in bulk, changed rows updated and audited, unchanged rows left alone.

Rows are matched to the database by natural key (account number; (customer, month) for bills; meter and
month for consumption; meter and ticket numbers) or, for events without one, by a hash kept in
`ImportedRow`: of the fields the profile names as the table's `key` (a changed row is then updated), or
else of the row's whole content (a changed row is then a new row). New customers go in with the bulk
loader's writers (multi-row INSERTs on SQLite, COPY on PostgreSQL); other new rows with `bulk_create`.
Only the fields the profile maps are compared and updated, so a file that holds a few columns never
blanks the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import F

from stratacrm.accounts.models import User
from stratacrm.accounts.services.audit import audit_record
from stratacrm.customers.models import Customer, UtilityAccount
from stratacrm.ingest.loader.loading import _writer
from stratacrm.ingest.loader.shaping import IdSpace, shape
from stratacrm.ingest.loader.targets import target_for
from stratacrm.ingest.loader.validation import checked_in_full
from stratacrm.ingest.models import ImportedRow, ImportJob, MergeRecord
from stratacrm.ingest.tables import CUSTOMERS

from .checks import KEY_SEPARATOR, LOOKUP_CHUNK, Checked

BATCH = 2000
ROW_KEY_PREFIX = "\x00row-key\x00"  # a profile's key hashed apart from content (no cell holds NUL)
WHOLE_TABLE = 50_000  # more keys than this: read the table's keys once rather than in chunks


@dataclass
class TableResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    customer_ids: set[int] = field(default_factory=set)

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class Ids:
    """Ids the rows' references resolve to, grown as tables are written (customers before events)."""

    accounts: dict[str, int] = field(default_factory=dict)
    meters: dict[str, tuple[int, int]] = field(default_factory=dict)


def plan_counts(checked: Checked) -> TableResult:
    """What writing would do (new, changed, unchanged), for a dry run; reads, never writes."""
    result = TableResult()
    matched = _existing(checked)
    for key, values in zip(_keys(checked), _rows(checked), strict=True):
        current = matched.get(key)
        if current is None:
            result.new += 1
        elif _changes(checked, current[1], values):
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def write_table(*, checked: Checked, ids: Ids, actor: User | None, job: ImportJob | None) -> TableResult:
    """Write one table inside the caller's transaction."""
    result = TableResult()
    _resolve(checked, ids)
    matched = _existing(checked)
    keys = _keys(checked)
    new = pa.array([k not in matched for k in keys], pa.bool_())
    result.new = int(pc.sum(new).as_py() or 0)
    if result.new:
        _insert(checked.filter(new), ids=ids, job=job, result=result)
    if result.new < len(keys):
        _update(checked.filter(pc.invert(new)), matched=matched, actor=actor, result=result)
    return result


def _keys(checked: Checked) -> list[str]:
    keys = checked.key_text().to_pylist()
    if checked.target.key:
        return keys
    prefix = ROW_KEY_PREFIX if checked.row_key else ""
    return [hashlib.sha256(f"{prefix}{k}".encode()).hexdigest() for k in keys]


def _rows(checked: Checked) -> list[tuple[Any, ...]]:
    names = _compared(checked)
    return (
        list(zip(*(checked.columns[n].to_pylist() for n in names), strict=True))
        if names
        else [()] * len(checked.rows)
    )


def _compared(checked: Checked) -> list[str]:
    """The mapped fields compared with the database (references and keys excluded)."""
    return [n for n in checked.sources if n in checked.target.model_fields and n not in checked.identity]


def _existing(checked: Checked) -> dict[str, tuple[int, dict[str, Any]]]:
    """key -> (id, current values of the compared fields) for rows already in the database."""
    target = checked.target
    keys = _keys(checked)
    if not target.key:
        found: dict[str, tuple[int, dict[str, Any]]] = {}
        for chunk in _chunks(keys):
            for content_hash, object_id in ImportedRow.objects.filter(
                target=target.name, content_hash__in=chunk
            ).values_list("content_hash", "object_id"):
                found[content_hash] = (object_id, {})
        current = _current(checked, [i for i, _ in found.values()])
        return {k: (i, current[i]) for k, (i, _) in found.items() if i in current}
    names = _compared(checked)
    model = target.model
    lookups: tuple[str, ...]
    if target.name == "customers":
        lookups = ("account_number",)
    elif target.name == "meters":
        lookups = ("meter_number",)
    elif target.name == "tickets":
        lookups = ("ticket_number",)
    elif target.name == "bills":
        lookups = ("customer__account_number", "period")
    else:
        lookups = ("meter__meter_number", "period")
    columns = ["id", *names, *lookups]
    rows: list[tuple[Any, ...]] = []
    first = list(dict.fromkeys(k.split(KEY_SEPARATOR)[0] for k in keys))
    if len(first) > WHOLE_TABLE:
        rows = list(model._default_manager.values_list(*columns).iterator(chunk_size=10_000))
    else:
        for chunk in _chunks(first):
            rows += model._default_manager.filter(**{f"{lookups[0]}__in": chunk}).values_list(*columns)
    wanted = set(keys)
    found = {}
    for row in rows:
        key = KEY_SEPARATOR.join(_key_text(v) for v in row[len(names) + 1 :])
        if key in wanted:
            found[key] = (row[0], dict(zip(names, row[1 : len(names) + 1], strict=True)))
    return found


def _key_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _current(checked: Checked, ids: list[int]) -> dict[int, dict[str, Any]]:
    """id -> current values of the compared fields, for the rows of `ids` still in the database (none
    compared for content-hashed rows: their content is their identity)."""
    names = _compared(checked) if checked.row_key else []
    manager = checked.target.model._default_manager
    return {
        row[0]: dict(zip(names, row[1:], strict=True))
        for chunk in _chunks(ids)
        for row in manager.filter(pk__in=chunk).values_list("pk", *names)
    }


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + LOOKUP_CHUNK] for i in range(0, len(values), LOOKUP_CHUNK)]


def _changes(checked: Checked, current: dict[str, Any], values: tuple[Any, ...]) -> dict[str, Any]:
    changes = {}
    for name, value in zip(_compared(checked), values, strict=True):
        field = checked.target.model_fields[name]
        if isinstance(field, models.DecimalField) and value is not None:
            value = Decimal(str(round(value, field.decimal_places))).quantize(
                Decimal(1).scaleb(-field.decimal_places)
            )
        if value != current.get(name):
            changes[name] = value
    return changes


def _resolve(checked: Checked, ids: Ids) -> None:
    """Look up the ids of the account and meter numbers the table names and the database holds."""
    for name in ("customer", "meter"):
        if name not in checked.columns:
            continue
        wanted = [v for v in pc.unique(checked.columns[name]).to_pylist() if v]
        if name == "customer":
            missing = [v for v in wanted if v not in ids.accounts]
            for chunk in _chunks(missing):
                ids.accounts.update(
                    Customer.objects.filter(account_number__in=chunk).values_list("account_number", "pk")
                )
            merged = [v for v in missing if v not in ids.accounts]
            for chunk in _chunks(merged):
                for account, survivor in MergeRecord.objects.filter(
                    loser_account_number__in=chunk, undone_at__isnull=True
                ).values_list("loser_account_number", "survivor_id"):
                    ids.accounts[account] = survivor
        else:
            missing = [v for v in wanted if v not in ids.meters]
            for chunk in _chunks(missing):
                for number, pk, customer in UtilityAccount.objects.filter(meter_number__in=chunk).values_list(
                    "meter_number", "pk", "customer_id"
                ):
                    ids.meters[number] = (pk, customer)


def _insert(checked: Checked, *, ids: Ids, job: ImportJob | None, result: TableResult) -> None:
    target = checked.target
    if target.name == "customers":
        _insert_customers(checked, ids=ids, result=result)
        return
    objects = []
    names = list(target.model_fields)
    columns = {n: checked.columns[n].to_pylist() for n in names}
    customers = checked.columns["customer"].to_pylist() if "customer" in checked.columns else None
    meters = checked.columns["meter"].to_pylist() if "meter" in checked.columns else None
    for i in range(len(checked.rows)):
        values = {n: columns[n][i] for n in names}
        if meters is not None:
            values["meter_id"], values["customer_id"] = ids.meters[meters[i]]
        elif customers is not None:
            values["customer_id"] = ids.accounts[customers[i]]
        objects.append(target.model(**values))
    target.model._default_manager.bulk_create(objects, batch_size=BATCH)
    result.customer_ids.update(o.customer_id for o in objects)  # type: ignore[attr-defined]
    if target.name == "meters":
        for o in objects:
            ids.meters[o.meter_number] = (o.pk, o.customer_id)  # type: ignore[attr-defined]
    if not target.key:
        hashes = _keys(checked)
        ImportedRow.objects.bulk_create(
            [
                ImportedRow(target=target.name, content_hash=h, object_id=o.pk, job=job)
                for h, o in zip(hashes, objects, strict=True)
            ],
            batch_size=BATCH,
        )


def _insert_customers(checked: Checked, *, ids: Ids, result: TableResult) -> None:
    """New customers through the bulk loader's writer: one batch in the interchange schema, shaped."""
    n = len(checked.rows)
    target = target_for(spec=CUSTOMERS)
    writer = _writer()
    writer.tune()
    writer.prepare(targets=[target])
    offset = writer.max_id(target=target)
    arrays = []
    for spec_field in CUSTOMERS.schema:
        if spec_field.name == "id":
            arrays.append(pa.array(range(1, n + 1), pa.int64()))
        elif spec_field.name in checked.columns:
            arrays.append(checked.columns[spec_field.name].cast(spec_field.type))
        else:
            arrays.append(pa.nulls(n, spec_field.type))
    batch = pa.RecordBatch.from_arrays(arrays, schema=CUSTOMERS.schema)
    pairs = list(get_user_model()._default_manager.values_list("username", "pk"))
    space = IdSpace(
        {"customers": offset},
        pa.array([u for u, _ in pairs], pa.string()),
        pa.array([p for _, p in pairs], pa.int64()),
    )
    try:
        with writer.table(
            target=target, rebuild=n >= offset and n > 10_000, checked=checked_in_full(target=target)
        ) as write:
            for start in range(0, n, 100_000):
                write(shape(target=target, batch=batch.slice(start, 100_000), ids=space))
        writer.finish(targets=[target])
    finally:
        writer.restore()
    accounts = checked.columns["account_number"].to_pylist()
    ids.accounts.update(zip(accounts, range(offset + 1, offset + n + 1), strict=True))
    result.customer_ids.update(range(offset + 1, offset + n + 1))


def _update(
    checked: Checked,
    *,
    matched: dict[str, tuple[int, dict[str, Any]]],
    actor: User | None,
    result: TableResult,
) -> None:
    """Update each row whose mapped values differ; one audit entry per row with before and after."""
    target = checked.target
    if not checked.identity:
        result.unchanged += len(checked.rows)
        return
    if "owner" in checked.columns:
        owners = dict(get_user_model()._default_manager.values_list("username", "pk"))
    for key, values, i in zip(_keys(checked), _rows(checked), range(len(checked.rows)), strict=True):
        pk, current = matched[key]
        changes = _changes(checked, current, values)
        if "owner" in checked.columns:
            owner = checked.columns["owner"][i].as_py()
            owner_id = owners.get(owner) if owner else None
            if target.model._default_manager.filter(pk=pk).exclude(owner_id=owner_id).exists():
                changes["owner_id"] = owner_id
        if not changes:
            result.unchanged += 1
            continue
        extra: dict[str, Any] = {}
        if target.name == "customers":
            extra = {"version": F("version") + 1}
        target.model._default_manager.filter(pk=pk).update(**changes, **extra)
        before = {k: current.get(k, None) for k in changes}
        audit_record(
            actor=actor,
            action=f"import.{target.name}.update",
            object_type=target.model._meta.label_lower,
            object_id=pk,
            before=before,
            after=changes,
        )
        result.updated += 1
        customer = (
            pk
            if target.name == "customers"
            else target.model._default_manager.filter(pk=pk).values_list("customer_id", flat=True).first()
        )
        if customer is not None:
            result.customer_ids.add(customer)
