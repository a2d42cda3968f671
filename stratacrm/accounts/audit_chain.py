"""The audit trail's hash chain: the canonical form of an entry and its hash.

Shared by the writer (`services.audit`) and the checker (`selectors.audit_verify`) so the two can never
disagree about what is hashed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
    "ip",
    "prev_hash",
)


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_json(fields: dict[str, Any]) -> str:
    """Sorted keys, no whitespace, UTC timestamps: the same entry always gives the same text.

    >>> canonical_json({"seq": 1, "at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "action": "x"})
    '{"action":"x","at":"2025-01-01T00:00:00.000000+00:00","seq":1}'
    """
    data = {k: (_timestamp(v) if isinstance(v, dt.datetime) else v) for k, v in fields.items()}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(fields: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's hashed fields (which include `prev_hash`)."""
    return hashlib.sha256(canonical_json({k: fields[k] for k in HASHED_FIELDS}).encode()).hexdigest()


def json_safe(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """Values as JSON will store and return them (dates and decimals as text), so hashing is stable."""
    if values is None:
        return None
    return json.loads(json.dumps(values, default=str))
