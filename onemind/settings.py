"""OneMind settings: everything that differs between machines comes from the environment (see README)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE

from onemind.lib.env import env_bool, env_int, env_list, env_proxy_count, env_str, secret_key_from_env_or_file

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("ONEMIND_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key_from_env_or_file(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_scopes",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "onemind.lib",
    "onemind.accounts",
    "onemind.tenancy",
    "onemind.audit",
    "onemind.directory",
    "onemind.pledges",
    "onemind.roster",
    "onemind.training",
    "onemind.partnerships",
    "onemind.policies",
    "onemind.reviews",
    "onemind.campaign",
    "onemind.imports",
    "onemind.compliance",
    "onemind.public",
    "onemind.demo",
    "onemind.ops",
    "onemind.courses",
    "onemind.notifications",
    "onemind.api",
    "onemind.exports",
    "onemind.outcomes",
    "onemind.planner",
]
# Benchmark and national data generator (``onemind bench``, ``onemind generate-national``): a development
# checkout has them, a built wheel does not.
if importlib.util.find_spec("onemind.devtools") is not None:
    INSTALLED_APPS.append("onemind.devtools")

MIDDLEWARE = [
    "onemind.lib.middleware.RequestIdMiddleware",
    "onemind.lib.middleware.PermissionsPolicyMiddleware",
    "onemind.lib.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "onemind.accounts.security.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns lockouts raised during authentication into responses.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Reverse proxies in front of the app whose X-Forwarded-For entries are believed (BEHIND_PROXY: a count; "true" = 1).
# Every lockout, rate limit and security-log line reads the client from onemind.lib.client_address, never from a
# header the client sets.
TRUSTED_PROXY_COUNT = env_proxy_count("BEHIND_PROXY", 0)
# Lockout (django-axes, state in the database so every web process sees it). Three rules, each ended by the cool-off:
# - five failures for one e-mail address from one client address lock that pair for 15 minutes. Locking the pair (not
#   the account) means an attacker elsewhere cannot lock the real user out;
# - LOGIN_FAILURES_PER_ADDRESS failures from one client address, whatever accounts they name, lock that address
#   (password spraying);
# - past LOGIN_FAILURES_PER_ACCOUNT failures on one account from anywhere, addresses that never signed in to it get
#   one attempt per LOGIN_ACCOUNT_SLOWDOWN_SECONDS (guessing from many addresses), while the owner's known addresses
#   are not slowed.
AXES_HANDLER = "onemind.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "onemind.lib.client_address.client_address"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A refused attempt is not counted again: the cool-off runs from the last counted failure, and our own rules (which
# axes only consults before authenticating) answer with the same lockout page.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 10)
LOGIN_ACCOUNT_SLOWDOWN_SECONDS = env_int("LOGIN_ACCOUNT_SLOWDOWN_SECONDS", 60)
# The login form posts the e-mail as "username" (Django's AuthenticationForm); axes would otherwise look for "email".
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "onemind.accounts.lockout.normalized_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Two-factor is required for campaign staff and agency administrators; the loopback demo may switch it off.
REQUIRE_TWO_FACTOR = env_bool("ONEMIND_REQUIRE_2FA", True)
# Recognition by two different campaign staff members: one proposes, another confirms.
RECOGNITION_SECOND_APPROVER = env_bool("RECOGNITION_SECOND_APPROVER", False)
OTP_TOTP_ISSUER = "OneMind"
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)

ROOT_URLCONF = "onemind.urls"
WSGI_APPLICATION = "onemind.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onemind.lib.context_processors.site",
            ],
            "builtins": ["onemind.lib.templatetags.onemind"],
        },
    },
]

# SQLite in the data folder is the embedded default; production sets DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'onemind.sqlite3'}"),
        # Persistent connections: without them every request pays a new PostgreSQL connection (~10x slower).
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "public:landing"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders so the demo needs no collectstatic; production may collect.
WHITENOISE_USE_FINDERS = True
# Uploaded evidence lives outside every web root and is served only through permission-checked views.
PRIVATE_FILES_DIR = DATA_DIR / "private"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# The campaign team's public address, named on the About and Privacy pages.
CAMPAIGN_CONTACT_EMAIL = env_str("CAMPAIGN_CONTACT_EMAIL", "onemindcampaign@theiacp.org")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OneMind <noreply@onemind.invalid>")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The one cache of figures is the dashboard body kept under its agency's version (onemind/compliance/pages.py); API
# rate limits count here too. With several web processes, point them at one Redis (REDIS_URL=redis://127.0.0.1:6379/0)
# so they share it; the default is per process.
_REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}
    if _REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
# Sessions are read on every signed-in request: with a shared Redis, read them from there (written through to the
# database, so a Redis restart signs nobody out). A per-process cache would let a signed-out session live on in
# another process, so without Redis sessions stay in the database alone.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if _REDIS_URL else "django.contrib.sessions.backends.db"

# HTTPS hardening: on in production (ONEMIND_HTTPS=true), off for the loopback demo.
HTTPS = env_bool("ONEMIND_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT > 0 else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "onemind.lib.errors.csrf_failure"
# Browser features no page uses, denied to the site and anything it frames (onemind/lib/middleware.py).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )  # fmt: skip
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # JSON lines by default (LOG_FORMAT=plain for reading by eye); onemind.security carries the security events.
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "onemind.accounts.log_format.JsonFormatter"},
    },
    # An expected refusal (403, CSRF failure, 4xx) is one line, not a traceback: onemind/lib/log_filters.py.
    "filters": {"one_line_refusals": {"()": "onemind.lib.log_filters.OneLineRefusals"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env_str("LOG_FORMAT", "json"),
            "filters": ["one_line_refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# The REST API (onemind/api): agency API tokens only, no session cookies, so no CSRF exposure and one rate limit
# per token. Rates are "<n>/<second|minute|hour|day>".
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["onemind.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["onemind.api.permissions.HasTokenScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "onemind.api.throttles.TokenRateThrottle",
        "onemind.api.throttles.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_token": env_str("API_RATE_PER_TOKEN", "600/minute"),
        "api_anonymous": env_str("API_RATE_ANONYMOUS", "120/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "onemind.api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["onemind.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "onemind.api.errors.exception_handler",
}
# Bad or malformed API tokens from one address in a minute before every token from it gets 429 for the rest of it.
API_TOKEN_FAILURES_PER_MINUTE = env_int("API_TOKEN_FAILURES_PER_MINUTE", 10)
SPECTACULAR_SETTINGS = {
    "TITLE": "OneMind API",
    "DESCRIPTION": "Sync an agency's roster and training records, and read its compliance status.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "PersonStatusEnum": "onemind.roster.models.PersonStatus",
        "PersonWritableStatusEnum": ["active", "leave"],
        "TrainingRecordStatusEnum": "onemind.training.models.TrainingRecord.Status",
    },
}

# Invitations expire: a forwarded or leaked link is useless after this many days.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
# A new e-mail address confirms itself by a signed, single-use link valid this many hours.
EMAIL_CHANGE_VALID_HOURS = env_int("EMAIL_CHANGE_VALID_HOURS", 24)
