"""API tokens: shown once, stored hashed, scoped, revocable, expiring; managed only with a session."""

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from stratacrm.accounts.models import ApiToken, AuditEntry

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_token_is_shown_once_and_stored_hashed(users):
    client = session(users["analyst"])
    issued = client.post(
        "/api/tokens", {"name": "notebook", "scopes": ["read"]}, content_type="application/json"
    )
    assert issued.status_code == 201
    secret = issued.json()["secret"]
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values()))
    assert "secret" not in client.get("/api/tokens").json()[0]
    assert Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/customers").status_code == 200
    assert AuditEntry.objects.filter(action="token.create").exists()


def test_a_revoked_token_stops_working(users):
    client = session(users["marketing_manager"])
    issued = client.post(
        "/api/tokens", {"name": "x", "scopes": ["read"]}, content_type="application/json"
    ).json()
    bearer = Client(headers={"Authorization": f"Bearer {issued['secret']}"})
    assert bearer.get("/api/customers").status_code == 200
    assert client.delete(f"/api/tokens/{issued['id']}").status_code == 204
    assert bearer.get("/api/customers").status_code == 401


def test_an_expired_token_stops_working(users):
    client = ApiClient(users["administrator"])
    assert client.get("/api/customers").status_code == 200
    ApiToken.objects.update(
        created_at=timezone.now() - dt.timedelta(days=2), expires_at=timezone.now() - dt.timedelta(days=1)
    )
    assert client.get("/api/customers").status_code == 401


def test_nobody_revokes_someone_elses_token(users):
    ApiClient(users["administrator"])
    token = ApiToken.objects.get()
    assert session(users["auditor"]).delete(f"/api/tokens/{token.pk}").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_cannot_mint_tokens(users):
    client = ApiClient(users["administrator"])
    response = client.post_json("/api/tokens", {"name": "more", "scopes": ["read", "write"]})
    assert response.status_code == 403
    assert ApiToken.objects.count() == 1
