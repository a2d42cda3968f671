"""Merging two customer records into one, and undoing a merge exactly.

Merge: the survivor takes, field by field, the value its survivorship rule picks (see
`survivorship`); every event of the loser (bills, payments, meters, tickets, …: every row of the
customers, activity and service apps that points at it) is re-pointed to the survivor; the loser's
tags join the survivor's; the loser's derived rows (grades, grade history, queue entries) are kept
serialised in the merge record and go with it; the loser is deleted. The survivor is re-graded
through `customers_changed`. Undo puts the loser back with its id, re-points exactly the rows the
merge moved, restores the serialised rows and the survivor's former values and tags.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.accounts.services.audit import audit_record
from stratacrm.customers.models import Customer
from stratacrm.customers.services import customers_changed
from stratacrm.ingest.models import DuplicateCandidate, MergeRecord

from .survivorship import MERGED_FIELDS, survivor_values

EVENT_APPS = ("customers", "activity", "service")


class MergeRefused(ValidationError):
    """The merge (or its undo) cannot be done as asked; nothing was changed."""


def _json(values: dict[str, Any]) -> dict[str, Any]:
    """Values as JSON keeps them exactly: times in full ISO form (microseconds too), decimals as text."""
    plain: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        elif not isinstance(value, (str, int, float, bool, type(None))):
            value = str(value)
        plain[key] = value
    return plain


def _row(customer: Customer) -> dict[str, Any]:
    return _json({f.attname: getattr(customer, f.attname) for f in Customer._meta.concrete_fields})


def _relations() -> list[models.ForeignObjectRel]:
    return [
        r
        for r in Customer._meta.related_objects
        if not r.many_to_many and r.field.model is not Customer and r.related_model is not None
    ]


def _conflicts(survivor: Customer, loser: Customer) -> list[str]:
    """Unique keys the re-pointed events would break (both customers have a bill for one month)."""
    found = []
    for relation in _relations():
        model = relation.field.model
        if model._meta.app_label not in EVENT_APPS:
            continue
        for constraint in model._meta.total_unique_constraints:
            if relation.field.name not in constraint.fields:
                continue
            others = [f for f in constraint.fields if f != relation.field.name]
            theirs = set(model._default_manager.filter(**{relation.field.name: loser}).values_list(*others))
            ours = set(model._default_manager.filter(**{relation.field.name: survivor}).values_list(*others))
            for clash in sorted(theirs & ours, key=str)[:5]:
                found.append(f"both have a {model._meta.verbose_name} for {', '.join(map(str, clash))}")
    return found


@transaction.atomic
def customer_merge(
    *,
    actor: User | None,
    survivor_id: int,
    loser_id: int,
    rules: dict[str, str] | None = None,
    candidate: DuplicateCandidate | None = None,
) -> MergeRecord:
    """Merge customer `loser_id` into `survivor_id`; returns the record that can undo it."""
    if actor is not None:
        user_require(actor, "dedupe.merge")
    if survivor_id == loser_id:
        raise MergeRefused("a customer cannot be merged into itself")
    pair = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[survivor_id, loser_id])}
    if len(pair) != 2:
        raise Customer.DoesNotExist("both customers must exist")
    survivor, loser = pair[survivor_id], pair[loser_id]
    clashes = _conflicts(survivor, loser)
    if clashes:
        raise MergeRefused("; ".join(clashes) + " — resolve these before merging")
    before = _row(survivor)
    survivor_tags = sorted(survivor.tags.values_list("pk", flat=True))
    loser_tags = sorted(loser.tags.values_list("pk", flat=True))
    chosen, used = survivor_values(survivor=survivor, loser=loser, rules=rules)
    repointed: dict[str, list[int]] = {}
    removed: list[dict[str, Any]] = []
    for relation in _relations():
        model = relation.field.model
        rows = model._default_manager.filter(**{relation.field.name: loser})
        if model._meta.app_label in EVENT_APPS:
            ids = sorted(rows.values_list("pk", flat=True))
            if ids:
                model._default_manager.filter(pk__in=ids).update(**{relation.field.name: survivor})
                repointed[f"{model._meta.label}.{relation.field.name}"] = ids
        else:
            removed += serializers.serialize("python", rows.order_by("pk"))
    loser_row = _row(loser)
    survivor.tags.add(*loser_tags)
    Customer.objects.filter(pk=loser.pk).delete()
    Customer.objects.filter(pk=survivor.pk).update(**chosen, version=F("version") + 1)
    survivor.refresh_from_db()
    record = MergeRecord.objects.create(
        survivor_id=survivor.pk,
        loser_id=loser_row["id"],
        loser_account_number=loser_row["account_number"],
        loser=loser_row,
        loser_tags=loser_tags,
        survivor_before=before,
        survivor_after=_row(survivor),
        survivor_tags_before=survivor_tags,
        repointed=repointed,
        removed=_json_rows(removed),
        rules=used,
        candidate=None,
        merged_by=actor,
        merged_at=timezone.now(),
    )
    changed = {k for k in MERGED_FIELDS if before.get(k) != record.survivor_after.get(k)}
    audit_record(
        actor=actor,
        action="customer.merge",
        obj=survivor,
        before={"merged": loser_row["account_number"], **{k: before[k] for k in changed}},
        after={"merge": record.pk, **{k: record.survivor_after[k] for k in changed}},
    )
    customers_changed(customer_ids=[survivor.pk], reason="customer.merge")
    return record


def _json_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"model": r["model"], "pk": r["pk"], "fields": _json(r["fields"])} for r in rows]


@transaction.atomic
def customer_merge_undo(*, actor: User | None, merge_id: int) -> Customer:
    """Undo a merge: the loser comes back as it was, with its events; the survivor as it was before.

    Refused when the survivor changed since the merge (its version moved on) or is gone, or when the
    loser's account number has been given to another customer meanwhile. Returns the restored loser.
    """
    if actor is not None:
        user_require(actor, "dedupe.merge")
    record = MergeRecord.objects.select_for_update().get(pk=merge_id)
    if record.undone_at is not None:
        raise MergeRefused("this merge has been undone already")
    survivor = Customer.objects.select_for_update().filter(pk=record.survivor_id).first()
    if survivor is None or survivor.version != record.survivor_after["version"]:
        raise MergeRefused("the surviving customer changed since the merge; undo the later changes first")
    if Customer.objects.filter(account_number=record.loser_account_number).exists():
        raise MergeRefused(f"account number {record.loser_account_number} is in use again")
    loser = _customer_from(record.loser)
    loser.save(force_insert=True)
    loser.tags.set(record.loser_tags)
    for label, ids in record.repointed.items():
        app_model, _, field_name = label.rpartition(".")
        apps.get_model(app_model)._default_manager.filter(pk__in=ids).update(**{field_name: loser})
    for obj in serializers.deserialize("python", record.removed):
        obj.save()
    restored = {k: v for k, v in _customer_from(record.survivor_before).__dict__.items() if k in _attnames()}
    restored.pop("id")
    restored["version"] = survivor.version + 1
    Customer.objects.filter(pk=survivor.pk).update(**restored)
    survivor.tags.set(record.survivor_tags_before)
    MergeRecord.objects.filter(pk=record.pk).update(undone_at=timezone.now(), undone_by=actor)
    audit_record(
        actor=actor,
        action="customer.merge_undo",
        obj=survivor,
        after={"merge": record.pk, "restored": record.loser_account_number},
    )
    customers_changed(customer_ids=[survivor.pk, loser.pk], reason="customer.merge_undo")
    return loser


def _attnames() -> set[str]:
    return {f.attname for f in Customer._meta.concrete_fields}


def _customer_from(row: dict[str, Any]) -> Customer:
    values = {}
    for f in Customer._meta.concrete_fields:
        value = row.get(f.attname)
        values[f.attname] = None if value is None else f.to_python(value)
    return Customer(**values)
