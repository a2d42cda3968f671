"""Reading the audit trail. Before/after values are stored masked, so the trail itself leaks nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema

from stratacrm.accounts.selectors import audit_entry_list
from stratacrm.paging import keyset_page

from .auth import PolicyRouter, allow
from .customers import ERRORS
from .types import Id, Text64

router = PolicyRouter(tags=["audit"])


class AuditEntryOut(Schema):
    seq: int
    at: dt.datetime
    actor_id: int | None
    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str
    ip: str | None
    hash: str


class AuditPage(Schema):
    items: list[AuditEntryOut]
    next_cursor: str | None


class AuditFilterQuery(Schema):
    action: Text64 = ""
    object_type: Text64 = ""
    object_id: Text64 = ""
    actor_id: Id | None = None


@router.get("/audit", response={200: AuditPage, **ERRORS}, auth=allow("audit.view"))
def audit_list(
    request: HttpRequest,
    filters: Query[AuditFilterQuery],
    cursor: str | None = Query(None, max_length=200, pattern=r"^[A-Za-z0-9_-]*$"),
    limit: int = Query(50, ge=1, le=500),
) -> Any:
    """Audit entries, newest first. Administrators and auditors; sensitive values appear masked."""
    queryset = audit_entry_list(**filters.dict())
    page = keyset_page(queryset, keys=("seq",), descending=True, cursor=cursor, limit=limit)
    return {"items": page.items, "next_cursor": page.next_cursor}
