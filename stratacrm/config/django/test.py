"""Settings for the test suite: the same database choice as everywhere, fast password hashing."""

import os

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Lets several suites share one PostgreSQL server without clobbering each other's test database.
if os.environ.get("STRATA_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["STRATA_TEST_DB_NAME"]}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
