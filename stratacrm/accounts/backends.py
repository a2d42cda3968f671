"""Authentication with lock-out: Django's model backend behind a check of recent failed sign-ins."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .middleware import client_ip
from .services.logins import login_failure_record, login_failures_clear, login_is_locked


class ThrottledModelBackend(ModelBackend):
    """Refuses a locked-out user name or address before checking the password; records each failure.

    Raising PermissionDenied makes Django's `authenticate()` stop and return None, so no other backend
    gets a chance either. Works with or without a request (without one, only the user name counts).
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get("username")
        if not username or password is None:
            return None
        ip = client_ip(request) if request is not None else None
        if login_is_locked(username=username, ip=ip):
            raise PermissionDenied("locked out")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failure_record(username=username, ip=ip)
        else:
            login_failures_clear(username=username)
        return user
