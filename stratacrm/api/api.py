"""The API object: routers, error handling, docs served from local assets, and the policy cross-check.

At import, every operation's (method, path, action) is compared with the `endpoints` table of
docs/security.md: an endpoint missing there, or guarded by another action, stops the server.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.openapi.docs import render_template

from stratacrm.accounts.policy import load_policy

from . import audit, customers, dedupe, events, grades, imports, rules, runs, schemes, tokens, webhooks
from .auth import ACTION_KEY
from .errors import install_error_handlers

API_PREFIX = "/api"


class SessionSwagger(Swagger):
    """Swagger UI that sends the CSRF token, so a signed-in user can try write operations (and make tokens).

    django-ninja adds it only when the API-wide auth needs CSRF; ours is declared per operation.
    """

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings, indent=1), "api": api, "add_csrf": True}
        return render_template(request, self.template, self.template_cdn, context)


api = NinjaAPI(
    title="Strata CRM API",
    version="1",
    description="Customers, their events, and (with the grading engine) grades. See docs/security.md.",
    urls_namespace="api",
    # Swagger UI from the django-ninja wheel's static files; no validator badge (it would call out).
    docs=SessionSwagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", customers.router)
api.add_router("", events.router)
api.add_router("", tokens.router)
api.add_router("", audit.router)
api.add_router("", imports.router)
api.add_router("", dedupe.router)
api.add_router("", webhooks.router)
api.add_router("", rules.router)
api.add_router("", schemes.router)
api.add_router("", runs.router)
api.add_router("", grades.router)


def declared_endpoints() -> dict[tuple[str, str], str]:
    """(METHOD, /api/path) -> action of every operation, read from the OpenAPI schema."""
    schema = api.get_openapi_schema(path_prefix=API_PREFIX)
    return {
        (method.upper(), path): operation[ACTION_KEY]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def endpoints_check() -> None:
    """Fail loudly if the API and the policy document disagree about any endpoint."""
    declared = declared_endpoints()
    documented = load_policy().endpoints
    if declared != documented:
        missing = sorted(set(declared.items()) - set(documented.items()))
        stale = sorted(set(documented.items()) - set(declared.items()))
        raise ImproperlyConfigured(
            f"docs/security.md endpoints table disagrees with the API: undocumented {missing}, stale {stale}"
        )


endpoints_check()
