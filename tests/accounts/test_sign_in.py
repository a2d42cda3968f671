"""Hardened sign-in: Argon2 in real settings, lock-out after repeated failures, a clean deploy check."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client, override_settings

from stratacrm.accounts.models import AuditEntry, LoginFailure, Role
from stratacrm.config.django import base
from tests import factories

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-password-1"


def _sign_in(client: Client, username: str, password: str, path: str = "/en/login/"):
    return client.post(path, {"username": username, "password": password})


def test_real_settings_hash_passwords_with_argon2():
    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@override_settings(STRATA_LOGIN_MAX_FAILURES=3)
def test_a_user_name_is_locked_after_repeated_failures_even_with_the_right_password():
    factories.user(username="ling", password=PASSWORD, role=Role.ANALYST)
    client = Client()
    for _ in range(3):
        assert _sign_in(client, "ling", "wrong").status_code == 200
    locked = _sign_in(client, "ling", PASSWORD)
    assert locked.status_code == 200
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert authenticate(username="ling", password=PASSWORD) is None
    assert AuditEntry.objects.filter(action="auth.lockout", object_id="ling").count() == 1


@override_settings(STRATA_LOGIN_MAX_FAILURES=3)
def test_the_admin_sign_in_is_throttled_too():
    factories.user(username="root2", password=PASSWORD, role=Role.ADMINISTRATOR, is_staff=True)
    client = Client()
    for _ in range(3):
        _sign_in(client, "root2", "wrong", path="/en/admin/login/")
    response = _sign_in(client, "root2", PASSWORD, path="/en/admin/login/")
    assert "Too many failed sign-ins" in response.content.decode()


@override_settings(STRATA_LOGIN_MAX_FAILURES=3)
def test_a_success_before_the_limit_clears_the_count():
    factories.user(username="mei", password=PASSWORD)
    client = Client()
    _sign_in(client, "mei", "wrong")
    _sign_in(client, "mei", "wrong")
    assert _sign_in(client, "mei", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="mei").exists()


@override_settings(STRATA_LOGIN_MAX_FAILURES_PER_IP=4)
def test_one_address_trying_many_user_names_is_locked():
    factories.user(username="target", password=PASSWORD)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(4):
        _sign_in(client, f"guess{n}", "wrong")
    assert "Too many failed sign-ins" in _sign_in(client, "target", PASSWORD).content.decode()
    assert _sign_in(Client(REMOTE_ADDR="203.0.113.10"), "target", PASSWORD).status_code == 302


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stratacrm.config.django.production",
        "STRATA_SECRET_KEY": secrets.token_urlsafe(50),
        "STRATA_DATABASE_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_cookies_and_headers_are_hardened(client):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    response = client.get("/en/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]
    assert "http" not in response.content.decode().replace("http-equiv", "")
