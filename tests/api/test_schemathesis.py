"""Schemathesis against the OpenAPI schema, in-process through the WSGI app: no server errors, and every
answer matches the schema (status codes, content types, bodies). A few examples per operation keep it quick.
"""

import pytest
import schemathesis
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
def bearer(db) -> dict[str, str]:
    admin = role_user(Role.ADMINISTRATOR)
    customer = factories.customer(owner=admin, phone="13812345678")
    factories.meter(customer)
    secret = api_token_create(user=admin, name="schemathesis", scopes=["read", "write"]).secret
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)
