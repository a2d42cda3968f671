"""The review queue's shared pieces: a candidate customer as a role reads it, and dismissing a pair.

The API and the web page show both customers of a pair through `candidate_side`, so they mask alike.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from stratacrm.accounts.masking import customer_fields_mask
from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.accounts.services.audit import audit_record
from stratacrm.customers.models import Customer
from stratacrm.ingest.models import DuplicateCandidate, DuplicateStatus

SHOWN = ("id", "account_number", "name", "customer_type", "phone", "email", "city", "address", "id_number")


def candidate_side(customer: Customer, role: str) -> dict[str, Any]:
    """The fields the queue shows of one customer of a pair, masked as `role` reads customers."""
    return customer_fields_mask({f: getattr(customer, f) for f in SHOWN}, role=role)


@transaction.atomic
def candidate_dismiss(*, actor: User, candidate_id: int) -> DuplicateCandidate:
    """Mark the pair as not a duplicate (later scans leave it dismissed); audited."""
    user_require(actor, "dedupe.merge")
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate_id)
    candidate.status, candidate.decided_by, candidate.decided_at = (
        DuplicateStatus.DISMISSED,
        actor,
        timezone.now(),
    )
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="duplicate.dismiss",
        obj=candidate,
        after={"left": candidate.left_id, "right": candidate.right_id, "score": candidate.score},
    )
    return DuplicateCandidate.objects.select_related("left", "right").get(pk=candidate.pk)
