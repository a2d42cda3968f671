"""Bulk creation of mixed customer events: all rows are written, or none and every problem is listed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import models, transaction

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.accounts.services.audit import audit_record
from stratacrm.customers.models import Customer
from stratacrm.customers.selectors import customer_scope
from stratacrm.customers.services import customers_changed

from .kinds import EVENT_KINDS

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


def _unique_keys(instance: models.Model) -> list[tuple[Any, ...]]:
    """The values of each unique field or unique constraint of a row, to catch duplicates in the batch."""
    opts = instance._meta
    keys: list[tuple[Any, ...]] = [
        (f.name, getattr(instance, f.attname)) for f in opts.concrete_fields if f.unique and not f.primary_key
    ]
    for constraint in opts.total_unique_constraints:
        values = tuple(instance.serializable_value(f) for f in constraint.fields)
        keys.append((constraint.name, *values))
    return keys


def _item_build(item: dict[str, Any], customers: dict[int, Customer], actor: User | None) -> models.Model:
    fields = dict(item)
    kind = EVENT_KINDS[fields.pop("type")]
    customer = customers.get(fields.pop("customer_id"))
    if customer is None:
        raise ValidationError({"customer_id": "no such customer"})
    if kind.name == "interactions":
        fields["staff"] = actor
    instance = kind.build(customer=customer, **fields)
    # full_clean, less the per-row existence queries of foreign keys already resolved above (customer,
    # staff) or checked by the builder (meter, bill); constraints are still checked row by row.
    resolved = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    errors: dict[str, list[str]] = {}
    for step in (
        lambda: instance.clean_fields(exclude=resolved),
        instance.clean,
        instance.validate_constraints,
    ):
        try:
            step()
        except ValidationError as exc:
            found = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            for field, messages in found.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return instance


def events_bulk_create(*, actor: User | None, items: list[dict[str, Any]]) -> dict[str, int]:
    """Create up to 10,000 events (`{"type": "bills", "customer_id": …, …fields}`) in one transaction.

    Every item is validated first (fields, constraints, its customer within the actor's scope, duplicates
    inside the batch); any error raises BulkInvalid listing them all and writes nothing. Returns the
    number created per kind. One audit entry records the import; each customer touched is marked changed.
    """
    if actor is not None:
        user_require(actor, "event.import")
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": f"at most {MAX_ITEMS} items per call"})
    scope = customer_scope(user=actor) if actor is not None else Customer.objects.all()
    customers = scope.in_bulk({item["customer_id"] for item in items})
    built: list[models.Model] = []
    errors: list[ItemError] = []
    seen: set[tuple[Any, ...]] = set()
    for index, item in enumerate(items):
        try:
            instance = _item_build(item, customers, actor)
        except ValidationError as exc:
            errors.extend(ItemError(index, f, m) for f, ms in exc.message_dict.items() for m in ms)
            continue
        except ObjectDoesNotExist as exc:
            errors.append(ItemError(index, "", str(exc)))
            continue
        for key in _unique_keys(instance):
            if (type(instance), *key) in seen:
                errors.append(ItemError(index, str(key[0]), "repeats an earlier item of this batch"))
            seen.add((type(instance), *key))
        built.append(instance)
    if errors:
        raise BulkInvalid(errors[:MAX_ERRORS_REPORTED])
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for instance in built:
        by_model.setdefault(type(instance), []).append(instance)
    counts = Counter(item["type"] for item in items)
    with transaction.atomic():
        for model, rows in by_model.items():
            model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
        audit_record(
            actor=actor,
            action="event.import",
            object_type="activity.events",
            after={"counts": dict(counts), "customers": len({item["customer_id"] for item in items})},
        )
        customers_changed(customer_ids=[item["customer_id"] for item in items], reason="event.import")
    return dict(counts)
