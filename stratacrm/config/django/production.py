"""Production settings: secrets must come from the environment, cookies only over HTTPS."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
if not os.environ.get("STRATA_SECRET_KEY"):
    raise ImproperlyConfigured("STRATA_SECRET_KEY must be set in production.")
SECRET_KEY = os.environ["STRATA_SECRET_KEY"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("STRATA_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("STRATA_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
