"""Settings for the test suite: the same database choice as everywhere, fast password hashing."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Lets several suites share one PostgreSQL server without clobbering each other's test database.
if os.environ.get("STRATA_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["STRATA_TEST_DB_NAME"]}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not SQLite's shared in-memory database: the live server's request threads and the pages'
    # background grading each get their own connection, as in production, instead of all queueing on
    # one shared connection (which can deadlock under load).
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"strata-test-{os.getpid()}.sqlite3")
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
