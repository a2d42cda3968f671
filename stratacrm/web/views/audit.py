"""The audit trail, newest first, for those who read it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..access import page
from ..selectors.audit import AuditQuery, audit_page


@page("audit.view")
def audit_list(request: HttpRequest) -> HttpResponse:
    """Who did what to which object, when, from where, with before/after values. Auditors and
    administrators only (`audit.view`); sensitive values were masked when each entry was written."""
    get = request.GET
    query = AuditQuery(
        action=get.get("action", "")[:64].strip(),
        actor=get.get("actor", "")[:150].strip(),
        object_type=get.get("object_type", "")[:64].strip(),
        object_id=get.get("object_id", "")[:64].strip(),
        cursor=get.get("cursor") or None,
    )
    entries = audit_page(query=query)
    filters = {k: v for k, v in get.items() if k != "cursor" and v}
    next_query = urlencode({**filters, "cursor": entries.next_cursor}) if entries.next_cursor else ""
    context = {"section": "audit", "entries": entries.items, "query": query, "next_query": next_query}
    return render(request, "web/audit/list.html", context)
