"""API test fixtures: one user per role, and clients that call the API with a token or a session."""

from __future__ import annotations

import pytest
from django.test import Client

from stratacrm.accounts.models import Role, User
from stratacrm.accounts.services.tokens import api_token_create
from tests import factories
from tests.web.conftest import utility, utility_committed, utility_files, web_engine

# The generated utility with its rules published and graded, for the grading endpoints.
__all__ = ["utility", "utility_committed", "utility_files", "web_engine"]


class ApiClient(Client):
    """A test client that sends `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(
        self, user: User | None, scopes: tuple[str, ...] = ("read", "write"), language: str = ""
    ) -> None:
        headers = {"Accept-Language": language} if language else {}
        if user is not None:
            secret = api_token_create(user=user, name="tests", scopes=list(scopes)).secret
            headers["Authorization"] = f"Bearer {secret}"
        super().__init__(headers=headers)
        self.user = user

    def post_json(self, path: str, data: object):
        return self.post(path, data=data, content_type="application/json")

    def patch_json(self, path: str, data: object):
        return self.patch(path, data=data, content_type="application/json")


def role_user(role: Role | str, **fields) -> User:
    admin = role == Role.ADMINISTRATOR
    return factories.user(role=role, is_staff=admin, is_superuser=admin, **fields)


@pytest.fixture
def users(db) -> dict[str, User]:
    return {role.value: role_user(role) for role in Role}


@pytest.fixture
def clients(users) -> dict[str, ApiClient]:
    return {role: ApiClient(user) for role, user in users.items()}
