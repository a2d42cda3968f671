"""Bulk creation of mixed customer events: all rows are written, or none and every problem is listed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.accounts.services.audit import audit_record
from stratacrm.customers.models import Customer, UtilityAccount
from stratacrm.customers.selectors import customer_scope
from stratacrm.customers.services import customers_changed

from .bulk_checks import already_stored, check_constraints_violated, owners_of, unique_error, unique_keys
from .kinds import EVENT_KINDS
from .models import Bill

MAX_ITEMS = 10_000
MAX_ERRORS_REPORTED = 1_000
BATCH_SIZE = 1_000


@dataclass(frozen=True)
class ItemError:
    index: int
    field: str
    message: str


class BulkInvalid(Exception):
    """At least one item is invalid; nothing was written. `errors` names each item and field."""

    def __init__(self, errors: list[ItemError]) -> None:
        super().__init__(f"{len(errors)} invalid item(s); nothing was written")
        self.errors = errors


# Kinds whose items name another row of their customer: (field, model, the builder's "already checked" flag).
REFERENCES: dict[str, tuple[str, type[models.Model], str]] = {
    "payments": ("bill_id", Bill, "bill_checked"),
    "consumption": ("meter_id", UtilityAccount, "meter_checked"),
}
NOT_THEIRS = {"bill_id": "no such bill of this customer", "meter_id": "no such meter of this customer"}


def _item_build(
    item: dict[str, Any],
    customers: dict[int, Customer],
    owners: dict[str, dict[int, int]],
    actor: User | None,
) -> models.Model:
    fields = dict(item)
    kind = EVENT_KINDS[fields.pop("type")]
    customer = customers.get(fields.pop("customer_id"))
    if customer is None:
        raise ValidationError({"customer_id": "no such customer"})
    if kind.name in REFERENCES:
        field, _model, flag = REFERENCES[kind.name]
        if fields.get(field) is not None and owners[kind.name].get(fields[field]) != customer.pk:
            raise ValidationError({field: NOT_THEIRS[field]})
        fields[flag] = True
    if kind.name == "interactions":
        fields["staff"] = actor
    instance = kind.build(customer=customer, **fields)
    # full_clean, less the per-row queries: foreign keys are resolved above for the whole batch, CHECK
    # constraints evaluated in Python (bulk_checks) and unique ones checked per batch by the caller.
    resolved = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    errors: dict[str, list[str]] = {}
    for step in (lambda: instance.clean_fields(exclude=resolved), instance.clean):
        try:
            step()
        except ValidationError as exc:
            found = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            for field, messages in found.items():
                errors.setdefault(field, []).extend(messages)
    for field, messages in check_constraints_violated(instance).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return instance


def _duplicates(built: list[tuple[int, models.Model]]) -> list[ItemError]:
    """Items that repeat an earlier item of the batch or a stored row on a unique field or constraint."""
    errors: list[ItemError] = []
    seen: set[tuple[Any, ...]] = set()
    wanted: dict[tuple[type[models.Model], str, tuple[str, ...]], list[tuple[int, tuple[Any, ...]]]] = {}
    for index, instance in built:
        model = type(instance)
        for name, attnames in unique_keys(model):
            values = tuple(getattr(instance, a) for a in attnames)
            if (model, name, values) in seen:
                errors.append(ItemError(index, name, "repeats an earlier item of this batch"))
            seen.add((model, name, values))
            wanted.setdefault((model, name, attnames), []).append((index, values))
    for (model, name, attnames), keyed in wanted.items():
        stored = already_stored(model, attnames, (values for _, values in keyed))
        errors.extend(
            ItemError(index, name, unique_error(model, name)) for index, values in keyed if values in stored
        )
    return errors


def _id_runs(ids: list[int]) -> list[list[int]]:
    """Ids as [first, last] runs of consecutive ids: the audit entry names every row the import made."""
    runs: list[list[int]] = []
    for pk in sorted(ids):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def events_bulk_create(*, actor: User | None, items: list[dict[str, Any]]) -> dict[str, int]:
    """Create up to 10,000 events (`{"type": "bills", "customer_id": …, …fields}`) in one transaction.

    Every item is validated first (fields, constraints, its customer within the actor's scope, its bill
    or meter being that customer's, duplicates inside the batch and against stored rows); any error
    raises BulkInvalid listing them all and writes nothing. Returns the number created per kind. One
    audit entry records the import with the ids it created; the customers touched are marked changed
    (and re-graded) once for the whole batch.
    """
    if actor is not None:
        user_require(actor, "event.import")
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": f"at most {MAX_ITEMS} items per call"})
    scope = customer_scope(user=actor) if actor is not None else Customer.objects.all()
    customers = scope.in_bulk({item["customer_id"] for item in items})
    owners = {
        kind: owners_of(model, [v for i in items if i["type"] == kind and (v := i.get(field)) is not None])
        for kind, (field, model, _flag) in REFERENCES.items()
    }
    built: list[tuple[int, models.Model]] = []
    errors: list[ItemError] = []
    for index, item in enumerate(items):
        try:
            built.append((index, _item_build(item, customers, owners, actor)))
        except ValidationError as exc:
            errors.extend(ItemError(index, f, m) for f, ms in exc.message_dict.items() for m in ms)
        except ObjectDoesNotExist as exc:
            errors.append(ItemError(index, "", str(exc)))
    errors.extend(_duplicates(built))
    if errors:
        errors.sort(key=lambda e: e.index)
        raise BulkInvalid(errors[:MAX_ERRORS_REPORTED])
    by_kind: dict[str, list[models.Model]] = {}
    for index, instance in built:
        by_kind.setdefault(items[index]["type"], []).append(instance)
    counts = Counter(item["type"] for item in items)
    try:
        return _write(actor, items, by_kind, counts, customers=len(customers))
    except IntegrityError:
        # A rival writer stored a row these items repeat between the checks and the write: name them.
        raced = _duplicates(built)
        if not raced:
            raise
        raise BulkInvalid(sorted(raced, key=lambda e: e.index)[:MAX_ERRORS_REPORTED]) from None


def _write(
    actor: User | None,
    items: list[dict[str, Any]],
    by_kind: dict[str, list[models.Model]],
    counts: Counter[str],
    *,
    customers: int,
) -> dict[str, int]:
    with transaction.atomic():
        ids: dict[str, list[list[int]]] = {}
        for kind, rows in by_kind.items():
            created = EVENT_KINDS[kind].model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
            ids[kind] = _id_runs([row.pk for row in created])
        audit_record(
            actor=actor,
            action="event.import",
            object_type="activity.events",
            after={"counts": dict(counts), "customers": customers, "ids": ids},
        )
        customers_changed(customer_ids=[item["customer_id"] for item in items], reason="event.import")
    return dict(counts)
