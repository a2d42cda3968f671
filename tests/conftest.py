"""Shared fixtures. The database under test is whatever STRATA_DATABASE_URL names (SQLite by default)."""

import pytest
from django.db import connection


@pytest.fixture
def db_vendor(db) -> str:
    return connection.vendor
