"""Keyset ("cursor") pagination: the next page starts after the last row seen, however large the table.

A cursor is opaque to clients: URL-safe base64 of the JSON list of the last row's ordering values.
Offsets are never used, so page 10,000 costs what page 1 costs and rows inserted meanwhile are not skipped.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet

T = TypeVar("T")
M = TypeVar("M", bound=Model)
MAX_LIMIT = 500


class InvalidCursor(ValueError):
    """The cursor was not made by this server (or not for this listing)."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def cursor_encode(values: list[Any]) -> str:
    text = json.dumps([v.isoformat() if isinstance(v, dt.datetime | dt.date) else v for v in values])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def cursor_decode(cursor: str, *, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursor("malformed cursor") from exc
    if not isinstance(values, list) or len(values) != size:
        raise InvalidCursor("cursor does not fit this listing")
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        raise InvalidCursor("cursor does not fit this listing")
    return values


def keyset_page(
    queryset: QuerySet[M], *, keys: tuple[str, ...], descending: bool, cursor: str | None, limit: int
) -> Page[M]:
    """One page of `queryset` ordered by `keys` (unique together; the last is the primary key or unique).

    Fetches limit + 1 rows to know whether a next page exists — one query per page.
    """
    limit = max(1, min(limit, MAX_LIMIT))
    if cursor:
        after = cursor_decode(cursor, size=len(keys))
        op = "lt" if descending else "gt"
        condition = Q()
        for i in range(len(keys)):
            step = Q(**{f"{k}": after[j] for j, k in enumerate(keys[:i])}) & Q(
                **{f"{keys[i]}__{op}": after[i]}
            )
            condition |= step
        queryset = queryset.filter(condition)
    ordering = [f"-{k}" if descending else k for k in keys]
    rows = list(queryset.order_by(*ordering)[: limit + 1])
    if len(rows) <= limit:
        return Page(items=rows, next_cursor=None)
    last = rows[limit - 1]
    return Page(items=rows[:limit], next_cursor=cursor_encode([_attr(last, k) for k in keys]))


def _attr(row: Any, key: str) -> Any:
    for part in key.split("__"):
        row = getattr(row, part)
    return row
