"""Duplicate review endpoints: scan, the queue (masked), merge or dismiss a pair, undo a merge."""

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Schema

from stratacrm.ingest.dedupe.merge import customer_merge, customer_merge_undo
from stratacrm.ingest.dedupe.review import candidate_dismiss, candidate_side
from stratacrm.ingest.dedupe.scan import dedupe_scan
from stratacrm.ingest.models import DuplicateCandidate

from .auth import PolicyRouter, allow, caller
from .customers import ERRORS
from .types import MAX_ID, Id

router = PolicyRouter(tags=["dedupe"])


class ScanIn(Schema):
    threshold: float = 85.0


class ScanOut(Schema):
    customers: int
    pairs_compared: int
    candidates: int
    new_candidates: int
    blocks_skipped: int
    seconds: float


class CandidateOut(Schema):
    id: int
    score: float
    reasons: list[dict[str, Any]]
    status: str
    left: dict[str, Any]
    right: dict[str, Any]


class CandidatePage(Schema):
    items: list[CandidateOut]


class MergeIn(Schema):
    survivor_id: Id | None = None
    rules: dict[str, str] = {}


class MergeOut(Schema):
    merge_id: int
    survivor_id: int
    loser_id: int
    repointed: dict[str, int]


class UndoOut(Schema):
    merge_id: int
    restored_id: int


def _side(customer: Any, role: str) -> dict[str, Any]:
    return candidate_side(customer, role)


@router.post("/duplicates/scan", response={200: ScanOut, **ERRORS}, auth=allow("dedupe.merge"))
def duplicates_scan(request: HttpRequest, payload: ScanIn) -> Any:
    """Scan every customer for likely duplicates and queue them. Administrators only."""
    caller(request)
    report = dedupe_scan(threshold=min(max(payload.threshold, 0.0), 100.0))
    return vars(report)


@router.get("/duplicates", response={200: CandidatePage, **ERRORS}, auth=allow("dedupe.view"))
def duplicates_list(
    request: HttpRequest,
    status: str = Query("pending", pattern="^(pending|merged|dismissed)$"),
    limit: int = Query(50, ge=1, le=500),
) -> Any:
    """The review queue, best matches first. Administrators, marketing managers and auditors; both
    customers shown as the caller's role sees customers (phone, e-mail, address, ID number masked)."""
    role = caller(request).role
    queue = DuplicateCandidate.objects.filter(status=status).select_related("left", "right")[:limit]
    return {
        "items": [
            {
                "id": c.pk,
                "score": c.score,
                "reasons": c.reasons,
                "status": c.status,
                "left": _side(c.left, role),
                "right": _side(c.right, role),
            }
            for c in queue
        ]
    }


@router.post(
    "/duplicates/{candidate_id}/merge", response={200: MergeOut, **ERRORS}, auth=allow("dedupe.merge")
)
def duplicates_merge(
    request: HttpRequest, payload: MergeIn, candidate_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    """Merge the pair: `survivor_id` (default the older record) stays, the other is merged into it with
    the survivorship `rules` given per field. Audited; undo with the merge id. Administrators only."""
    candidate = DuplicateCandidate.objects.select_related("left", "right").get(pk=candidate_id)
    pair = sorted((candidate.left, candidate.right), key=lambda c: (c.created_at, c.pk))
    survivor = payload.survivor_id or pair[0].pk
    loser = next((c.pk for c in pair if c.pk != survivor), None)
    if loser is None or survivor not in (candidate.left_id, candidate.right_id):
        raise DuplicateCandidate.DoesNotExist("the survivor must be one of the pair")
    record = customer_merge(actor=caller(request), survivor_id=survivor, loser_id=loser, rules=payload.rules)
    moved = {label: len(ids) for label, ids in record.repointed.items()}
    return {"merge_id": record.pk, "survivor_id": survivor, "loser_id": loser, "repointed": moved}


@router.post(
    "/duplicates/{candidate_id}/dismiss", response={200: CandidateOut, **ERRORS}, auth=allow("dedupe.merge")
)
def duplicates_dismiss(request: HttpRequest, candidate_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Mark the pair as not a duplicate; later scans leave it dismissed. Administrators only; audited."""
    user = caller(request)
    candidate = candidate_dismiss(actor=user, candidate_id=candidate_id)
    return {
        "id": candidate.pk,
        "score": candidate.score,
        "reasons": candidate.reasons,
        "status": candidate.status,
        "left": _side(candidate.left, user.role),
        "right": _side(candidate.right, user.role),
    }


@router.post("/merges/{merge_id}/undo", response={200: UndoOut, **ERRORS}, auth=allow("dedupe.merge"))
def merges_undo(request: HttpRequest, merge_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Undo a merge: the merged-away customer and its events come back exactly. Administrators only."""
    loser = customer_merge_undo(actor=caller(request), merge_id=merge_id)
    return {"merge_id": merge_id, "restored_id": loser.pk}
