"""Sign-in forms that tell a locked-out user so, instead of "wrong password"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .middleware import client_ip
from .services.logins import login_is_locked

LOCKED_MESSAGE = _("Too many failed sign-ins. Try again in %(minutes)d minutes.")


class ThrottledAuthenticationMixin:
    """Checks the lock-out before the password, so a locked account gets its own message."""

    request: Any
    cleaned_data: dict[str, Any]
    locked_out = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        ip = client_ip(self.request) if self.request is not None else None
        if username and login_is_locked(username=username, ip=ip):
            self.locked_out = True
            raise forms.ValidationError(
                LOCKED_MESSAGE,
                code="locked_out",
                params={"minutes": settings.STRATA_LOGIN_WINDOW_MINUTES},
            )
        return super().clean()  # type: ignore[misc]  # the form class this mixes into


class LoginForm(ThrottledAuthenticationMixin, AuthenticationForm):
    """The site's sign-in form."""


class AdminLoginForm(ThrottledAuthenticationMixin, AdminAuthenticationForm):
    """The admin's sign-in form (the admin has its own login page)."""
