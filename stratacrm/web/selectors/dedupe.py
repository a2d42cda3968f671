"""Reads for the duplicate review page: the pending pairs (both customers masked as the API masks them)
and the recent merges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stratacrm.accounts.models import User
from stratacrm.customers.models import Customer
from stratacrm.customers.selectors import customer_scope
from stratacrm.ingest.dedupe.review import candidate_side
from stratacrm.ingest.models import DuplicateCandidate, DuplicateStatus, MergeRecord

PAIRS_SHOWN = 50
MERGES_SHOWN = 20


@dataclass(frozen=True)
class PairLine:
    candidate: DuplicateCandidate
    left: dict[str, Any]
    right: dict[str, Any]
    older_id: int

    @property
    def sides(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.left, self.right


def pending_pairs(*, user: User, limit: int = PAIRS_SHOWN) -> list[PairLine]:
    """The pending pairs within the reader's row scope, best matches first."""
    scope = customer_scope(user=user).values("pk")
    queue = (
        DuplicateCandidate.objects.filter(status=DuplicateStatus.PENDING, left__in=scope, right__in=scope)
        .select_related("left", "right")
        .order_by("-score", "id")[:limit]
    )
    return [_line(c, user.role) for c in queue]


def _line(candidate: DuplicateCandidate, role: str) -> PairLine:
    left: Customer = candidate.left
    right: Customer = candidate.right
    older = min((left, right), key=lambda c: (c.created_at, c.pk))
    return PairLine(candidate, candidate_side(left, role), candidate_side(right, role), older.pk)


def recent_merges(*, limit: int = MERGES_SHOWN) -> list[MergeRecord]:
    """The latest merges, newest first (account numbers and who merged or undid them)."""
    return list(
        MergeRecord.objects.select_related("merged_by", "undone_by").order_by("-merged_at", "-pk")[:limit]
    )
