"""Settings shared by every environment; what differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("STRATA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("STRATA_SECRET_KEY", "strata-insecure-development-key-change-me-in-production")
DEBUG = env_bool("STRATA_DEBUG", False)
ALLOWED_HOSTS = env_list("STRATA_ALLOWED_HOSTS", "127.0.0.1,localhost")

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'strata.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("STRATA_DATABASE_URL") or DEFAULT_DATABASE_URL, conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a grading run or a load writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

INSTALLED_APPS = [
    "stratacrm.accounts.admin_apps.StrataAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "stratacrm.accounts",
    "stratacrm.customers",
    "stratacrm.activity",
    "stratacrm.service",
    "stratacrm.segmentation",
    "stratacrm.ingest",
    "stratacrm.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "stratacrm.accounts.middleware.RequestContextMiddleware",
    "stratacrm.accounts.middleware.SecurityHeadersMiddleware",
    "stratacrm.api.middleware.ApiErrorFormatMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "stratacrm.api.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "stratacrm.config.urls"
WSGI_APPLICATION = "stratacrm.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = ["stratacrm.accounts.backends.ThrottledModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("STRATA_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "stratacrm" / "locale"]
TIME_ZONE = os.environ.get("STRATA_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "stratacrm.web.vendor.PackageDataFinder",  # plotly.min.js from the plotly wheel
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "stratacrm.web.storage.GzipManifestStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Access control (docs/security.md). Which customers an account manager reaches: own | team | region.
STRATA_ACCOUNT_MANAGER_SCOPE = os.environ.get("STRATA_ACCOUNT_MANAGER_SCOPE", "own")
if STRATA_ACCOUNT_MANAGER_SCOPE not in {"own", "team", "region"}:
    raise ImproperlyConfigured("STRATA_ACCOUNT_MANAGER_SCOPE must be own, team or region.")
STRATA_LOGIN_MAX_FAILURES = int(os.environ.get("STRATA_LOGIN_MAX_FAILURES", "5"))
STRATA_LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("STRATA_LOGIN_MAX_FAILURES_PER_IP", "20"))
STRATA_LOGIN_WINDOW_MINUTES = int(os.environ.get("STRATA_LOGIN_WINDOW_MINUTES", "15"))
# How many reverse proxies in front of the server append to X-Forwarded-For (0: trust REMOTE_ADDR only).
STRATA_TRUSTED_PROXY_COUNT = int(os.environ.get("STRATA_TRUSTED_PROXY_COUNT", "0"))
STRATA_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Swagger UI (the API docs page) sets inline styles and uses data: images; only that page may.
STRATA_CSP_RELAXED_PATHS = ("/api/docs",)
STRATA_CSP_RELAXED = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
# Where grading runs and rule previews started from the web UI compute: an engine name, or `auto`
# (DuckDB over a snapshot when the database is SQLite, where it is several times faster; else the database).
STRATA_WEB_GRADING_ENGINE = os.environ.get("STRATA_WEB_GRADING_ENGINE", "auto")
STRATA_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Days uploaded import files (and their problem files) are kept before `strata import-purge` deletes them.
STRATA_IMPORT_KEEP_DAYS = int(os.environ.get("STRATA_IMPORT_KEEP_DAYS", "30"))
