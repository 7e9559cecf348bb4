"""Sanctuary's one settings file: everything comes from environment variables.

Defaults are safe: DEBUG is off unless asked for, and production mode (SANCTUARY_ENV=production)
is checked at start-up by the system checks in ``sanctuary.access.checks`` (DEBUG on, a weak SECRET_KEY,
no ALLOWED_HOSTS or a demo account all stop it).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
# In a checkout this is the repository root; var/ beside src/ holds the embedded database.
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(env_str("SANCTUARY_DATA_DIR", str(PROJECT_DIR / "var")))

SANCTUARY_ENV = env_str("SANCTUARY_ENV", "development")
if SANCTUARY_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"SANCTUARY_ENV must be development or production, not {SANCTUARY_ENV!r}"
    )
PRODUCTION = SANCTUARY_ENV == "production"

# The demo waives two-factor authentication for staff, behind a banner on every page.
SANCTUARY_DEMO = env_bool("SANCTUARY_DEMO", False)
SANCTUARY_REQUIRE_2FA = env_bool("SANCTUARY_REQUIRE_2FA", not SANCTUARY_DEMO)

DEBUG = env_bool("DEBUG", False)


def _development_secret_key() -> str:
    """Outside production a missing key is made once and kept under var/, never in the code."""
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        try:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(key)
            path.chmod(0o600)
        except OSError:
            pass  # read-only checkout: a per-process key still works, sessions just do not survive
        return key


SECRET_KEY = env_str("SECRET_KEY") or ("" if PRODUCTION else _development_secret_key())

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, some overridden in templates/django/forms
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "sanctuary.access",
    "sanctuary.audit",
    "sanctuary.registry",
    "sanctuary.calendars",
    "sanctuary.incidents",
    "sanctuary.surveys",
    "sanctuary.patrols",
    "sanctuary.alerts",
    "sanctuary.partnership",
    "sanctuary.overview",
    "sanctuary.fund",
]

MIDDLEWARE = [
    "sanctuary.middleware.DatabaseBusyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sanctuary.access.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "sanctuary.middleware.NotFoundMiddleware",
]

ROOT_URLCONF = "sanctuary.urls"
WSGI_APPLICATION = "sanctuary.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sanctuary.access.context_processors.sanctuary",
            ],
        },
    },
]

_default_database = f"sqlite:///{DATA_DIR / 'sanctuary.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_database))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE avoids "database is locked"
    # surprises when two requests both upgrade a read into a write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        # A writer waits this many seconds for another's transaction (an import's, say) before
        # giving up; the page then says the database is busy (sanctuary.middleware).
        "timeout": env_int("SQLITE_BUSY_SECONDS", 20),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The only cache: computed timelines, each kept under a digest of what it was computed from
# (calendars/services.build), so a process's own memory is enough and nothing depends on it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sanctuary-timelines",
        "TIMEOUT": env_int("SANCTUARY_TIMELINE_CACHE_SECONDS", 3600),
        "OPTIONS": {"MAX_ENTRIES": 200},  # a division's week is about 0.1 MB
    }
}

# Widgets are drawn by the project's templates, so that ours may replace Django's (select.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# scrypt first: memory-hard (16 MiB a guess), so a guessing rig gains less from GPUs than against
# PBKDF2, and a little quicker to check here (docs/benchmarks.md, "Logging in"). The PBKDF2
# hashers stay so that passwords set before still verify; each is re-hashed at its next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
LOGIN_URL = "login"
# A login lands on the home page: what needs attention today, each figure a link into its page
# (docs/overview.md); the map is one click away.
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout after repeated failed logins, per user name and address so that nobody can lock
# a colleague out from elsewhere.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Sanctuary")

# Password-reset mails an hour, per network address and per account.
PASSWORD_RESETS_PER_ADDRESS = env_int("PASSWORD_RESETS_PER_ADDRESS", 5)
PASSWORD_RESETS_PER_ACCOUNT = env_int("PASSWORD_RESETS_PER_ACCOUNT", 3)

EMAIL_CONFIG = dj_email_url.parse(env_str("EMAIL_URL", "console://"))
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_HOST = EMAIL_CONFIG["EMAIL_HOST"]
EMAIL_PORT = EMAIL_CONFIG["EMAIL_PORT"]
EMAIL_HOST_USER = EMAIL_CONFIG["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = EMAIL_CONFIG["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = EMAIL_CONFIG["EMAIL_USE_TLS"]
EMAIL_USE_SSL = EMAIL_CONFIG["EMAIL_USE_SSL"]
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "sanctuary@localhost")
# The address people reach Sanctuary at ("https://sanctuary.example.org"): every link in an
# e-mail is built on it (sanctuary.links.absolute_url). Mail sent by the worker or a command has
# no request to take an address from; without it their links are bare paths (check W001 says so).
SANCTUARY_PUBLIC_URL = env_str("SANCTUARY_PUBLIC_URL").strip().rstrip("/")
if SANCTUARY_PUBLIC_URL:
    _public = urlsplit(SANCTUARY_PUBLIC_URL)
    if _public.scheme not in {"http", "https"} or not _public.netloc or _public.query or _public.fragment:
        raise ImproperlyConfigured(
            "SANCTUARY_PUBLIC_URL must be the address people reach Sanctuary at, like "
            f"https://sanctuary.example.org, not {SANCTUARY_PUBLIC_URL!r}"
        )

# Background work (mail, reminders, re-computations) runs in `sanctuary worker` processes that
# take tasks from the database: nothing is lost when a web process stops.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Only production collects static files; elsewhere whitenoise serves them from the source.
STATIC_ROOT = DATA_DIR / "static" if PRODUCTION else None
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Uploaded files (photos, quotes, invoices) go through Django's storage API: this folder by
# default; docs/deploy.md shows S3-compatible storage for several web machines.
MEDIA_ROOT = Path(env_str("SANCTUARY_UPLOADS_DIR", str(DATA_DIR / "uploads")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Several web machines share one bucket of S3-compatible storage instead (docs/deploy.md); the
# credentials come from boto3's usual environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
S3_BUCKET = env_str("SANCTUARY_S3_BUCKET")
if S3_BUCKET:
    try:
        import storages  # noqa: F401 (only to say clearly when it is missing)
    except ImportError:
        raise ImproperlyConfigured(
            "SANCTUARY_S3_BUCKET is set but django-storages is not installed: "
            "install Sanctuary with its s3 extra (pip install 'sanctuary[s3]')"
        ) from None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("SANCTUARY_S3_ENDPOINT") or None,  # MinIO, Ceph, …
            "region_name": env_str("SANCTUARY_S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,  # links to a photo expire (AWS_QUERYSTRING_EXPIRE)
            "file_overwrite": False,
        },
    }
# Outside production whitenoise serves straight from the source folders: no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION

# The most places of worship a calendar view, feed or /api/gatherings answer covers at once;
# a reader who sees more chooses an area, a ward or a faith first.
CALENDAR_MAX_SITES = env_int("SANCTUARY_CALENDAR_MAX_SITES", 3000)

# The map's background. Leave empty for no tiles: markers and the list still show. The demo has
# none by default (it runs where no tile server may answer; every failed tile is a console error).
OPENSTREETMAP_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
SANCTUARY_TILE_URL = env_str("SANCTUARY_TILE_URL", "" if SANCTUARY_DEMO else OPENSTREETMAP_TILES)
SANCTUARY_TILE_ATTRIBUTION = env_str(
    "SANCTUARY_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
)
# Patrols (docs/patrols.md): a check-in further than this from the site is refused; the planner
# gets this many seconds for a week; gatherings smaller than this are left to the calendar.
PATROL_CHECKIN_RADIUS_METRES = env_int("PATROL_CHECKIN_RADIUS_METRES", 150)
PATROL_PLAN_SECONDS = env_int("PATROL_PLAN_SECONDS", 30)
PATROL_MIN_ATTENDANCE = env_int("PATROL_MIN_ATTENDANCE", 20)
# OSRM-compatible routing servers by mode ("car=http://router-car:5000,foot=http://…"); modes
# without one use straight lines x circuity.
PATROL_OSRM_SERVERS = env_str("PATROL_OSRM_SERVERS", "")
# Largest import file accepted, in bytes.
# Incidents (docs/incidents.md): due times, in hours from the report, and the public form's limits.
SANCTUARY_INCIDENT_ACKNOWLEDGE_HOURS = env_int("SANCTUARY_INCIDENT_ACKNOWLEDGE_HOURS", 24)
SANCTUARY_INCIDENT_FIRST_ACTION_HOURS = env_int("SANCTUARY_INCIDENT_FIRST_ACTION_HOURS", 72)
SANCTUARY_INCIDENT_REOPEN_DAYS = env_int("SANCTUARY_INCIDENT_REOPEN_DAYS", 28)
SANCTUARY_REPORT_LIMIT_PER_ADDRESS = env_int("SANCTUARY_REPORT_LIMIT_PER_ADDRESS", 60)
SANCTUARY_REPORT_LIMIT_WINDOW_MINUTES = env_int("SANCTUARY_REPORT_LIMIT_WINDOW_MINUTES", 60)
SANCTUARY_PHOTO_MAX_BYTES = env_int("SANCTUARY_PHOTO_MAX_BYTES", 8 * 1024 * 1024)
# The partnership's actions (docs/partnership.md): reminders this many days before the due date,
# and once overdue on the first day and every so many days after.
def _days(name: str, default: list[str]) -> list[int]:
    try:
        days = sorted({int(day) for day in env_list(name, default)}, reverse=True)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be whole numbers of days, like 7,1") from None
    if any(day < 0 for day in days):
        raise ImproperlyConfigured(f"{name} must not be negative")
    return days


PARTNERSHIP_REMINDER_DAYS = _days("PARTNERSHIP_REMINDER_DAYS", ["7", "1"])
PARTNERSHIP_OVERDUE_EVERY_DAYS = env_int("PARTNERSHIP_OVERDUE_EVERY_DAYS", 7)

SANCTUARY_IMPORT_MAX_BYTES = env_int("SANCTUARY_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = SANCTUARY_IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = SANCTUARY_IMPORT_MAX_BYTES + 1024 * 1024

_tile_origin = ""
if SANCTUARY_TILE_URL:
    _parts = urlsplit(SANCTUARY_TILE_URL.replace("{s}", "a"))
    _tile_origin = f"{_parts.scheme}://{_parts.netloc}"
    if "{s}" in SANCTUARY_TILE_URL:
        _tile_origin = f"{_parts.scheme}://*.{_parts.netloc.split('.', 1)[1]}"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"] + ([_tile_origin] if _tile_origin else []),
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # Joining the browsers' preload list is a decision for the council's domain, not for us.
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "one_line_forbidden": {"()": "sanctuary.log_filters.OneLineForbidden"},
        "redact_secret_paths": {"()": "sanctuary.log_filters.RedactSecretPaths"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # Every refusal is one line, never a traceback (filters run where the record is made); no
    # link's token is logged with its path (gunicorn's access log: gunicorn_conf.py).
    "loggers": {
        "django.request": {"filters": ["one_line_forbidden", "redact_secret_paths"]},
        "django.security.csrf": {"filters": ["redact_secret_paths"]},
        "django.server": {"filters": ["redact_secret_paths"]},
    },
}
