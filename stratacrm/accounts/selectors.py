"""Reads of the accounts domain: the audit trail and its verification, API token look-up."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .audit_chain import GENESIS_HASH, HASHED_FIELDS, entry_hash
from .models import AuditChainHead, AuditEntry

VERIFY_BATCH = 2000


@dataclass(frozen=True)
class ChainReport:
    """The outcome of checking the audit chain: how many entries, and the first broken one if any."""

    entries: int
    last_hash: str
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def audit_verify() -> ChainReport:
    """Recompute the hash chain from the first entry and report the first entry that does not fit.

    Catches an edited entry (its hash no longer matches its content), a deleted one (a gap in `seq`, or
    the next entry's `prev_hash` pointing at nothing), an inserted one, and entries removed from the end
    (the chain head names a later entry than the last one found).
    """
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    queryset = AuditEntry.objects.order_by("seq").values("hash", *HASHED_FIELDS)
    for row in queryset.iterator(chunk_size=VERIFY_BATCH):
        seq = row["seq"]
        if seq != expected_seq:
            return ChainReport(count, prev_hash, expected_seq, f"entry #{expected_seq} is missing")
        if row["prev_hash"] != prev_hash:
            return ChainReport(count, prev_hash, seq, f"entry #{seq} does not follow entry #{seq - 1}")
        if entry_hash(row) != row["hash"]:
            return ChainReport(count, prev_hash, seq, f"entry #{seq} was changed after it was written")
        expected_seq, prev_hash, count = seq + 1, row["hash"], count + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.seq > count:
        return ChainReport(count, prev_hash, count + 1, f"entries #{count + 1}..#{head.seq} are missing")
    if head is not None and (head.seq, head.hash) != (count, prev_hash):
        problem = f"the chain head names entry #{head.seq} {head.hash[:12]}, the trail ends at #{count}"
        return ChainReport(count, prev_hash, min(head.seq + 1, count), problem)
    return ChainReport(count, prev_hash)


def audit_entry_list(
    *, action: str = "", object_type: str = "", object_id: str = "", actor_id: int | None = None
) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, narrowed by the given filters (empty filters are ignored)."""
    queryset = AuditEntry.objects.order_by("-seq")
    if action:
        queryset = queryset.filter(action=action)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if object_id:
        queryset = queryset.filter(object_id=object_id)
    if actor_id is not None:
        queryset = queryset.filter(actor_id=actor_id)
    return queryset
