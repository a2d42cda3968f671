"""Who may open a page: the action each view needs, from the policy in docs/security.md.

`@page("customer.view")` sends anonymous visitors to the sign-in page and answers 403 to a role the
policy does not allow, before anything else runs (a POST-only view still answers 403, not 405, to a role
without the action). The action must exist in the policy: a typo fails when the module is imported.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import load_policy, user_may

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def page(action: str) -> Callable[[View], View]:
    """Guard a view with `action`; the view then reads `signed_in(request)`."""
    load_policy().action(action)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_may(request.user, action):
                raise PermissionDenied(f"{action} is not allowed for this user")
            return view(request, *args, **kwargs)

        guarded.strata_action = action  # type: ignore[attr-defined]
        return cast(View, guarded)

    return decorate


def signed_in(request: HttpRequest) -> User:
    """The signed-in user of a guarded view."""
    return cast(User, request.user)


def may(request: HttpRequest, action: str) -> bool:
    """Whether the signed-in user may perform `action` (to show or hide a button)."""
    return user_may(request.user, action)
