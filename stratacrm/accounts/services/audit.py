"""Writing the audit trail: one entry per audited event, chained to the previous one by hash."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from ..audit_chain import GENESIS_HASH, entry_hash, json_safe
from ..context import current_request
from ..masking import audit_values_mask
from ..models import AuditChainHead, AuditEntry, User


def _head_locked() -> AuditChainHead:
    """The chain head, locked until the surrounding transaction ends (row lock on PostgreSQL).

    SQLite takes the database write lock when the transaction starts (IMMEDIATE mode), which serialises
    writers just the same.
    """
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # Only an emptied database (tests that flush tables) lacks the head row; start the chain again.
    last = AuditEntry.objects.order_by("-seq").first()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(
                pk=1, seq=last.seq if last else 0, hash=last.hash if last else GENESIS_HASH
            )
    except IntegrityError:
        pass
    return AuditChainHead.objects.select_for_update().get(pk=1)


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail, inside the caller's transaction if there is one.

    `obj` fills the object type (`app_label.model`) and id; sensitive values in `before`/`after` are
    masked before they are stored. The request id and client address come from the current request.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    context = current_request()
    with transaction.atomic():
        head = _head_locked()
        fields: dict[str, Any] = {
            "seq": head.seq + 1,
            "at": timezone.now(),
            "actor_id": actor.pk if actor is not None else None,
            "actor": actor.get_username() if actor is not None else "",
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "before": json_safe(audit_values_mask(before)),
            "after": json_safe(audit_values_mask(after)),
            "request_id": context.request_id,
            "ip": context.ip,
            "prev_hash": head.hash,
        }
        fields["hash"] = entry_hash(fields)
        entry = AuditEntry(**fields)
        entry.full_clean(validate_unique=False)  # the head lock and the unique indexes guarantee it
        entry.save()
        AuditChainHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry
