"""The API docs page works offline: Swagger UI comes from the site's own static files, nothing external."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_docs_page_loads_only_local_assets():
    response = Client().get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    assert "cdn" not in page.lower() and "https://" not in page
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    assert '"validatorUrl": null' in page
    assert "'unsafe-inline'" in response["Content-Security-Policy"]


def test_docs_page_lets_a_signed_in_user_try_writes_with_the_csrf_token(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_user(username="docs-reader"))
    page = client.get("/api/docs").content.decode()
    assert re.search(r'data-csrf-token="[A-Za-z0-9]{20,}"', page)
    assert 'data-api-csrf="true"' in page


def test_openapi_schema_is_served_and_names_each_operations_action():
    schema = Client().get("/api/openapi.json").json()
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert operations and all("x-strata-action" in op for op in operations)
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "SessionCookie"}
