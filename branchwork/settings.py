"""Settings for Branchwork, read from the environment (and `.env` if present).

Every value comes from one environment variable named in README.md's configuration
table. Required values have no default outside DEBUG, and a value that cannot be
understood stops start-up with an `ImproperlyConfigured` naming the variable: a
mis-typed production setting must never fall back silently.
"""

from __future__ import annotations

import datetime
import os
import re
import zoneinfo
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A strict boolean: django-environ reads 'ture' as False, which hides typos."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {sorted(_TRUE | _FALSE - {''})}, not {raw!r}"
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_required(name: str, *, debug_default: str) -> str:
    """Required in production; a development default only when DEBUG is on."""
    value = os.environ.get(name, "")
    if value:
        return value
    if DEBUG:
        return debug_default
    raise ImproperlyConfigured(f"{name} is required when DEBUG is off (see .env.example)")


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_required("SECRET_KEY", debug_default="insecure-development-key-not-for-production")
if not DEBUG and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters when DEBUG is off")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Database -------------------------------------------------------------------------
_SUPPORTED_DB_ENGINES = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}
try:
    _db = env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'branchwork.sqlite3'}")
except (ImproperlyConfigured, ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {exc}") from None
if _db.get("ENGINE") not in _SUPPORTED_DB_ENGINES:
    raise ImproperlyConfigured(
        "DATABASE_URL must be a postgres:// or sqlite:/// URL, "
        f"not one for engine {_db.get('ENGINE')!r}"
    )
if _db["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections with a health check: a restarted PostgreSQL costs one
    # failed check, not a worker restart.
    _db.setdefault("CONN_MAX_AGE", env_int("DATABASE_CONN_MAX_AGE", 60))
    _db["CONN_HEALTH_CHECKS"] = True
else:
    _db.setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DATABASES = {"default": _db}
# Where pg_dump/pg_restore live for `manage.py backup`/`restore` (empty: on the PATH). They
# must be at least as new as the server.
PG_BIN_DIR = env.str("PG_BIN_DIR", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
try:
    CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://branchwork")}
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured(f"CACHE_URL cannot be read: {exc}") from None

# --- E-mail ---------------------------------------------------------------------------
try:
    vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
except (ImproperlyConfigured, KeyError) as exc:
    raise ImproperlyConfigured(f"EMAIL_URL cannot be read: {exc}") from None
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="branchwork@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Applications ---------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "import_export",
    "axes",
    # Kernel first, then the domain apps in layer order (STYLE.md "Layers").
    "branchwork.apps.BranchworkConfig",
    "members.apps.MembersConfig",
    "meetings.apps.MeetingsConfig",
    "assistance.apps.AssistanceConfig",
    "pledges.apps.PledgesConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "branchwork.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "branchwork.urls"
WSGI_APPLICATION = "branchwork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "branchwork.navigation.navigation",
            ],
        },
    },
]

# --- Accounts -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lockout check first (branchwork/security.py), then Django's own user table.
AUTHENTICATION_BACKENDS = [
    "branchwork.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time ----------------------------------------------------------------
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"LANGUAGE_CODE must be one of {[code for code, _name in LANGUAGES]}, not {LANGUAGE_CODE!r}"
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known time zone") from None
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    # FileSystemStorage that leaves no partial file when the disk is full.
    "default": {"BACKEND": "branchwork.uploads.UploadStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads live outside the web root and are served only through views that check access.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/files/"

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.split("://", 1)[0] not in {"filesystem", "redis", "rediss"}:
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL must be a redis:// or filesystem:// URL, not {CELERY_BROKER_URL!r}"
    )
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Quick start without a Redis server: kombu's filesystem transport keeps the queue
    # as files under var/, shared by the web process, the worker and beat.
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "store_processed": False,
    }
else:
    # A short connect timeout: a web request that queues a task while Redis is down must
    # not hang (the outbox keeps the work; the next sweep queues it).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# How often beat runs the heartbeat task (seconds); the reminder engine replaces it later.
BRANCHWORK_HEARTBEAT_SECONDS = env_int("BRANCHWORK_HEARTBEAT_SECONDS", 300, minimum=1)

# --- Reminders ------------------------------------------------------------------------
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
REMINDER_SWEEP_MINUTES = env_int("REMINDER_SWEEP_MINUTES", 15, minimum=1)
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 5, minimum=1)
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 60, minimum=1)
REMINDER_STALE_SECONDS = env_int("REMINDER_STALE_SECONDS", 600, minimum=1)
MEETING_NOTICE_DAYS = env_int("MEETING_NOTICE_DAYS", 1, minimum=0)
# A report still generating after this long lost its worker: the sweep queues it again.
REPORT_STALE_SECONDS = env_int("REPORT_STALE_SECONDS", 900, minimum=1)
# Default quiet hours (HH:MM-HH:MM, local time) for people without their own, and for
# group robots; empty for none.
REMINDER_QUIET_HOURS = env.str("REMINDER_QUIET_HOURS", default="22:00-07:00")
if REMINDER_QUIET_HOURS and not re.fullmatch(r"\d\d:\d\d-\d\d:\d\d", REMINDER_QUIET_HOURS):
    raise ImproperlyConfigured(
        f"REMINDER_QUIET_HOURS must look like 22:00-07:00, not {REMINDER_QUIET_HOURS!r}"
    )

# --- Imports ---------------------------------------------------------------------------
# Spreadsheets up to this size (bytes; about 3,000 roster rows as xlsx) are checked while
# the user waits; larger ones by the worker, with a progress bar (branchwork/import_flow.py).
IMPORT_INLINE_BYTES = env_int("IMPORT_INLINE_BYTES", 200 * 1024, minimum=0)

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies stand in front of the app, each appending the address it saw
# to X-Forwarded-For: the client is that many entries from the right. 0 trusts no header
# (REMOTE_ADDR is the client); addresses further left can be forged by the client.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_TLS_PROXY else 0)
# Plain HTTP is redirected to HTTPS where TLS exists (behind the proxy); HSTS tells
# browsers to use HTTPS only. Both are on in production unless turned off explicitly.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", BEHIND_TLS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container's own health probe speaks HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a promise to browser vendors about the whole domain (a school's
    # domain hosts other sites): the operator opts in, the deploy check need not nag.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts and styles from our own static files
# only, no inline script, no inline style attribute, no framing, forms post to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Brute-force lockout (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# account, or from one client address, further attempts are refused for
# AXES_COOLOFF_MINUTES (a success resets the count). The client address comes from
# branchwork.security.client_ip, which honours TRUSTED_PROXY_COUNT.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "branchwork.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes reports every login at INFO; lockouts are WARNINGs.
        "axes": {"level": "WARNING"},
    },
}
