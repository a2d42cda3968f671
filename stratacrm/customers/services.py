"""Writes of the customer domain. Each checks the actor's permission and scope, validates, and audits.

`actor=None` means the system itself (the importer, the CLI): no permission or scope check applies, and
the audit trail records no user.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.accounts.services.audit import audit_record

from .models import Customer, Tag
from .selectors import PROFILE_FIELDS, customer_scope, customer_values

EDITABLE_FIELDS = (
    "name",
    "customer_type",
    "industry",
    "province",
    "city",
    "district",
    "size",
    "company",
    "id_number",
    "phone",
    "email",
    "address",
    "preferred_channel",
    "status",
    "credit_grade",
    "important_grade",
    "source_channel",
    "contact_form_filled",
)


class VersionConflict(Exception):
    """The customer changed since the client read it; nothing was written."""

    def __init__(self, *, current_version: int) -> None:
        super().__init__(f"the customer is at version {current_version}")
        self.current_version = current_version


def customers_changed(*, customer_ids: Iterable[int], reason: str) -> int:
    """The one place that says "these customers' data changed" (their profile or any of their events).

    Marks them updated now and re-grades them at once (`segmentation.live`), inside the caller's
    transaction. Returns how many customers were marked.
    """
    from stratacrm.segmentation.live import customers_regrade  # segmentation builds on customers

    ids = sorted(set(customer_ids))
    if not ids:
        return 0
    marked = Customer.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    customers_regrade(customer_ids=ids, reason=reason)  # in the caller's transaction
    return marked


def customer_changed(*, customer_id: int, reason: str) -> int:
    """One customer's data changed (see `customers_changed`)."""
    return customers_changed(customer_ids=[customer_id], reason=reason)


def _tags_set(customer: Customer, names: list[str]) -> None:
    tags = [Tag.objects.get_or_create(name=name.strip())[0] for name in names if name.strip()]
    customer.tags.set(tags)


def _ensure_still_in_scope(actor: User | None, customer: Customer) -> None:
    # An account manager must not create or move a customer out of its own reach.
    if actor is not None and not customer_scope(user=actor).filter(pk=customer.pk).exists():
        raise ValidationError({"owner": "the customer would fall outside your own customers"})


@transaction.atomic
def customer_create(
    *,
    actor: User | None,
    account_number: str,
    name: str,
    customer_type: str,
    owner_id: int | None = None,
    tags: list[str] | None = None,
    **fields: Any,
) -> Customer:
    """Create a customer. An actor without an owner given becomes the owner."""
    if actor is not None:
        user_require(actor, "customer.create")
        owner_id = owner_id if owner_id is not None else actor.pk
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: "not a field of a customer" for f in sorted(unknown)})
    now = timezone.now()
    customer = Customer(
        account_number=account_number,
        name=name,
        customer_type=customer_type,
        owner_id=owner_id,
        created_at=now,
        updated_at=now,
        **fields,
    )
    customer.full_clean()
    customer.save()
    _tags_set(customer, tags or [])
    _ensure_still_in_scope(actor, customer)
    audit_record(
        actor=actor,
        action="customer.create",
        obj=customer,
        after=customer_values(customer, fields=PROFILE_FIELDS),
    )
    customer_changed(customer_id=customer.pk, reason="customer.create")
    return customer


@transaction.atomic
def customer_update(
    *, actor: User | None, customer_id: int, version: int, changes: dict[str, Any]
) -> Customer:
    """Apply `changes` to a customer read at `version`; raises VersionConflict if it moved on since.

    The row is locked while it is checked and written, so of two writers holding the same version exactly
    one succeeds. Raises Customer.DoesNotExist for a customer outside the actor's scope.
    """
    queryset = Customer.objects.all()
    if actor is not None:
        user_require(actor, "customer.update")
        queryset = customer_scope(user=actor)
    customer = queryset.select_for_update().get(pk=customer_id)
    if customer.version != version:
        raise VersionConflict(current_version=customer.version)
    unknown = set(changes) - {*EDITABLE_FIELDS, "owner_id", "tags"}
    if unknown:
        raise ValidationError({f: "cannot be changed here" for f in sorted(unknown)})
    before = customer_values(customer, fields=PROFILE_FIELDS)
    tags = changes.pop("tags", None)
    for field, value in changes.items():
        setattr(customer, field, value)
    customer.version = F("version") + 1
    customer.updated_at = timezone.now()
    customer.full_clean(exclude=["version"])
    customer.save()
    customer.refresh_from_db()
    if tags is not None:
        _tags_set(customer, tags)
    _ensure_still_in_scope(actor, customer)
    after = customer_values(customer, fields=PROFILE_FIELDS)
    changed = {k for k in after if after[k] != before[k]}
    audit_record(
        actor=actor,
        action="customer.update",
        obj=customer,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    customer_changed(customer_id=customer.pk, reason="profile")
    return customer


@transaction.atomic
def customer_unmask(*, actor: User, customer_id: int, fields: tuple[str, ...]) -> dict[str, Any]:
    """The clear values of sensitive `fields` of one customer in the actor's scope — audited.

    The audit entry names the fields seen, never their values.
    """
    user_require(actor, "customer.unmask")
    customer = customer_scope(user=actor).get(pk=customer_id)
    values = {f: getattr(customer, f) for f in fields}
    audit_record(actor=actor, action="customer.unmask", obj=customer, after={"fields": list(fields)})
    return values


@transaction.atomic
def customer_portfolio_transfer(*, actor: User | None = None, from_user: User, to_user: User) -> int:
    """Give every customer owned by `from_user` to `to_user`; returns how many moved."""
    moved = Customer.objects.filter(owner=from_user).update(
        owner=to_user, version=F("version") + 1, updated_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="customer.transfer",
        object_type="accounts.user",
        object_id=from_user.pk,
        after={"to_user": to_user.pk, "customers": moved},
    )
    return moved
