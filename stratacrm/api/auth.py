"""API authentication and the permission check, per operation, from the policy's action table.

Every operation is declared with `auth=allow("<action>")`. A request is authenticated by a bearer token or
by the session cookie (with Django's CSRF check on writes); then the user's role must hold the action and,
for a token, the token's scopes must include the action's scope. No credentials: 401. Not allowed: 403.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.router import Router
from ninja.security import APIKeyCookie, HttpBearer

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import load_policy, user_may
from stratacrm.accounts.services.tokens import api_token_authenticate

ACTION_KEY = "x-strata-action"


class Allow(list[Any]):
    """The auth callbacks of one operation, remembering the action they enforce."""

    def __init__(self, action: str) -> None:
        load_policy().action(action)  # an action missing from docs/security.md fails at import
        self.action = action
        super().__init__([BearerToken(action), SessionCookie(action)])


def allow(action: str) -> Allow:
    """`auth=` value of an operation that needs `action` (see docs/security.md)."""
    return Allow(action)


def _forbid(user: Any, action: str) -> None:
    if not user_may(user, action):
        raise AuthorizationError(message=f"your role may not {action}")


class BearerToken(HttpBearer):
    """`Authorization: Bearer strata_…` — a per-user API token with scopes."""

    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_authenticate(secret=token)
        if api_token is None:
            return None
        scope = load_policy().action(self.action).scope
        if scope not in api_token.scopes:
            raise AuthorizationError(message=f"this token may not {self.action} (needs the {scope} scope)")
        _forbid(api_token.user, self.action)
        request.user = api_token.user
        return api_token.user


class SessionCookie(APIKeyCookie):
    """The web UI's session; writes need the CSRF token (header X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Only a request the session authenticates is CSRF-checked: others are plain 401s.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        _forbid(request.user, self.action)
        return request.user


class PolicyRouter(Router):
    """A router whose every operation must be guarded by `allow(...)`; it names its action in OpenAPI."""

    def add_api_operation(self, path: str, methods: list[str], view_func: Any, **kwargs: Any) -> None:
        auth = kwargs.get("auth")
        if not isinstance(auth, Allow):
            raise TypeError(f"{methods} {path}: every API operation needs auth=allow('<action>')")
        kwargs["openapi_extra"] = {**(kwargs.get("openapi_extra") or {}), ACTION_KEY: auth.action}
        super().add_api_operation(path, methods, view_func, **kwargs)


def caller(request: HttpRequest) -> User:
    """The user an authenticated operation runs for (set by `BearerToken` or `SessionCookie`)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user
