"""Records of getting data in and out: import profiles and jobs, duplicate review and merges, webhooks."""

from .dedupe import DuplicateCandidate, DuplicateStatus, MergeRecord
from .imports import ImportedRow, ImportJob, ImportProfile, JobStatus
from .webhooks import DeliveryStatus, WebhookDelivery, WebhookSubscription

__all__ = [
    "DeliveryStatus",
    "DuplicateCandidate",
    "DuplicateStatus",
    "ImportJob",
    "ImportProfile",
    "ImportedRow",
    "JobStatus",
    "MergeRecord",
    "WebhookDelivery",
    "WebhookSubscription",
]
