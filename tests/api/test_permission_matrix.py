"""Every URL and every API operation, tried by every role and by anonymous visitors, against the policy.

The URLs come from the URL resolver and the operations from the OpenAPI schema, so an endpoint added
without a policy entry in docs/security.md fails here (and the API refuses to start).
"""

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from stratacrm.accounts.models import Role
from stratacrm.accounts.policy import load_policy
from stratacrm.api.api import api, declared_endpoints
from tests import factories

from .conftest import ApiClient, role_user

pytestmark = pytest.mark.django_db
ROLES = [None, *Role.values]  # None: anonymous
GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")
CONVERTER = re.compile(r"<(?:\w+:)?\w+>")


def _sample(pattern: str) -> str:
    """A concrete path for a route or regex: converters become 1, alternations their first word."""
    pattern = CONVERTER.sub("1", pattern)
    pattern = GROUP.sub(
        lambda m: m.group(2).split("|")[0] if re.fullmatch(r"[\w|]+", m.group(2)) else "1", pattern
    )
    return pattern.lstrip("^").rstrip("$").replace("\\", "")


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + _sample(str(p.pattern)), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name or ''}", "/" + prefix + _sample(str(p.pattern))


def _page_action(name: str) -> str:
    pages = load_policy().pages
    if name in pages:
        return pages[name]
    for key, action in pages.items():
        if key.endswith("*") and name.startswith(key[:-1]):
            return action
    raise AssertionError(f"URL {name!r} has no row in the pages table of docs/security.md")


def _client(role: str | None) -> Client:
    client = Client()
    if role is not None:
        client.force_login(role_user(role))
    return client


def test_every_url_has_a_policy_row():
    names = [name for name, _ in _walk(get_resolver().url_patterns)]
    assert len(names) > 20
    for name in names:
        _page_action(name)


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_each_role_as_the_policy_says(role):
    client = _client(role)
    policy = load_policy()
    for name, path in _walk(get_resolver().url_patterns):
        action = _page_action(name)
        if action in ("per endpoint", "public"):
            continue
        response = client.get(path)
        allowed = role is not None and policy.allows(role, action)
        denied = _sent_to_sign_in(response) or response.status_code == 403
        if name == "admin:logout" and not allowed:
            denied = denied or response.status_code == 302
        if name.startswith("admin:") and allowed:
            denied = _sent_to_sign_in(
                response
            )  # the admin's own 403s (autocomplete without arguments) are not ours
        assert denied != allowed, f"{role} GET {path} ({name}, {action}): {response.status_code}"


def test_public_pages_answer_anonymous_visitors():
    client = Client()
    for name, path in _walk(get_resolver().url_patterns):
        if _page_action(name) == "public":
            response = client.get(path)
            assert not _sent_to_sign_in(response) and response.status_code < 500, (name, response.status_code)


def test_openapi_operations_are_exactly_the_documented_endpoints():
    schema = api.get_openapi_schema(path_prefix="/api")
    operations = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    assert operations == set(load_policy().endpoints)
    assert declared_endpoints() == load_policy().endpoints


def _operations() -> list[tuple[str, str, str]]:
    return sorted((method, path, action) for (method, path), action in load_policy().endpoints.items())


def _call(client: Client, method: str, path: str, customer_id: int):
    url = path.replace("{customer_id}", str(customer_id)).replace("{token_id}", "999999")
    if method in ("POST", "PATCH", "PUT"):
        return client.generic(method, url, data="{}", content_type="application/json")
    return client.generic(method, url)


@pytest.mark.parametrize("role", ROLES)
def test_api_operations_answer_each_role_as_the_policy_says(role):
    policy = load_policy()
    owner = role_user(Role.ACCOUNT_MANAGER)
    customer = factories.customer(owner=owner)
    user = owner if role == Role.ACCOUNT_MANAGER else (role_user(role) if role else None)
    token_client = ApiClient(user)
    session_client = Client()
    if user is not None:
        session_client.force_login(user)
    for method, path, action in _operations():
        allowed = role is not None and policy.allows(role, action)
        for mode, client in (("token", token_client), ("session", session_client)):
            response = _call(client, method, path, customer.pk)
            expected_ok = allowed and not (mode == "token" and policy.action(action).scope == "session")
            body = b"" if response.streaming else response.content[:200]
            where = f"{role} {mode} {method} {path}: {response.status_code} {body!r}"
            if role is None:
                assert response.status_code == 401, where
            elif expected_ok:
                assert response.status_code not in (401, 403), where
            else:
                assert response.status_code == 403, where
            assert response.status_code < 500, where


def test_a_read_token_cannot_write():
    manager = role_user(Role.ACCOUNT_MANAGER)
    customer = factories.customer(owner=manager)
    reader = ApiClient(manager, scopes=("read",))
    assert reader.get(f"/api/customers/{customer.pk}").status_code == 200
    response = reader.patch_json(f"/api/customers/{customer.pk}", {"version": 1, "name": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
