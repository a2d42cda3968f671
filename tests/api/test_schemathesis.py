"""Schemathesis against the OpenAPI schema, in-process through the WSGI app: no server errors, and every
answer matches the schema (status codes, content types, bodies). A few examples per operation keep it quick.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from stratacrm.accounts.models import Role
from stratacrm.accounts.services.tokens import api_token_create
from stratacrm.config.wsgi import application
from tests import factories

from .conftest import role_user

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app directly fires request_started/finished, which would close the connection that
    holds the test's transaction (on PostgreSQL); Django's own test client detaches them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db, keep_test_connection) -> dict[str, str]:
    admin = role_user(Role.ADMINISTRATOR)
    customer = factories.customer(owner=admin, phone="13812345678")
    factories.meter(customer)
    secret = api_token_create(user=admin, name="schemathesis", scopes=["read", "write"]).secret
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)
