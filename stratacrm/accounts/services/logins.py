"""Sign-in throttling: failed attempts are recorded; too many in a window lock the user name or address."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import LoginFailure
from .audit import audit_record


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.STRATA_LOGIN_WINDOW_MINUTES)


def login_is_locked(*, username: str, ip: str | None) -> bool:
    """Whether sign-in is refused now for this user name or this address."""
    since = _window_start()
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.lower()).count() >= settings.STRATA_LOGIN_MAX_FAILURES:
        return True
    return ip is not None and recent.filter(ip=ip).count() >= settings.STRATA_LOGIN_MAX_FAILURES_PER_IP


@transaction.atomic
def login_failure_record(*, username: str, ip: str | None) -> LoginFailure:
    """Record one failed sign-in; the one that reaches the limit is written to the audit trail."""
    LoginFailure.objects.filter(username=username.lower(), at__lt=_window_start()).delete()
    failure = LoginFailure(username=username.lower(), ip=ip, at=timezone.now())
    failure.full_clean()
    failure.save()
    if login_is_locked(username=username, ip=ip):
        audit_record(
            actor=None,
            action="auth.lockout",
            object_type="accounts.user",
            object_id=username.lower(),
            after={"ip": ip, "window_minutes": settings.STRATA_LOGIN_WINDOW_MINUTES},
        )
    return failure


def login_failures_clear(*, username: str) -> int:
    """Forget a user name's failures after a successful sign-in (its address keeps its count)."""
    deleted, _ = LoginFailure.objects.filter(username=username.lower()).delete()
    return deleted
