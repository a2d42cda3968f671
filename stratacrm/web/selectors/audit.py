"""The audit trail page: entries newest first, narrowed by action, actor or object, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from stratacrm.accounts.models import AuditEntry
from stratacrm.accounts.selectors import audit_entry_list
from stratacrm.paging import InvalidCursor, Page, keyset_page

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditQuery:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    cursor: str | None = None


def audit_page(*, query: AuditQuery, limit: int = PAGE_SIZE) -> Page[AuditEntry]:
    """One page of matching entries (the stored before/after values are already masked)."""
    entries = audit_entry_list(action=query.action, object_type=query.object_type, object_id=query.object_id)
    if query.actor:
        entries = entries.filter(actor=query.actor)
    try:
        return keyset_page(entries, keys=("seq",), descending=True, cursor=query.cursor, limit=limit)
    except InvalidCursor:
        return keyset_page(entries, keys=("seq",), descending=True, cursor=None, limit=limit)
