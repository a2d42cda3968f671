"""Where the current request came from, for the audit trail, without threading it through every call.

The middleware sets it for each web or API request; the CLI and the importer leave it empty. Services still
take the acting user explicitly (`actor=`): only the request id and client address travel this way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


_OUTSIDE = RequestContext()  # frozen, so sharing it as the default is safe
_current: ContextVar[RequestContext] = ContextVar("strata_request_context", default=_OUTSIDE)


def current_request() -> RequestContext:
    """The request being served, or an empty context outside one."""
    return _current.get()


@contextlib.contextmanager
def request_context(*, request_id: str, ip: str | None) -> Iterator[None]:
    """Make `request_id` and `ip` the current request's for the duration of the block."""
    token = _current.set(RequestContext(request_id=request_id, ip=ip))
    try:
        yield
    finally:
        _current.reset(token)
