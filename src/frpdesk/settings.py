"""frpdesk settings. Everything a deployment changes comes from environment variables (README)."""

import datetime
from pathlib import Path

import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from frpdesk.env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_str,
    env_tasks_backend,
    env_time_zone,
    secret_key,
)

# Lets model forms and querysets be subscripted (forms.ModelForm[Model]) at run time.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("FRPDESK_DATA_DIR", str(Path.cwd() / "data"))).resolve()

DEBUG = env_bool("FRPDESK_DEBUG", False)
SECRET_KEY = secret_key("FRPDESK_SECRET_KEY", DATA_DIR / "secret_key")
ALLOWED_HOSTS = env_list("FRPDESK_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
TIME_ZONE = env_time_zone("TIME_ZONE", "UTC")
USE_TZ = True
LANGUAGE_CODE = "en-gb"
USE_I18N = True
FORMAT_MODULE_PATH = ["frpdesk.formats"]

DATABASES = {"default": env_database("DATABASE_URL", DATA_DIR / "frpdesk.sqlite3")}
# Reusing connections saves a connect per request (a quarter of the SQL time under load).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("FRPDESK_DB_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_countries",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "frpdesk.core",
    "frpdesk.accounts",
    "frpdesk.catalog",
    "frpdesk.partner",
    "frpdesk.directory",
    "frpdesk.customers",
    "frpdesk.licensing",
    "frpdesk.adoption",
    "frpdesk.referrals",
    "frpdesk.engagements",
    "frpdesk.scoping",
    "frpdesk.vas",
    "frpdesk.sow",
    "frpdesk.claims",
    "frpdesk.incentives",
    "frpdesk.compliance",
    "frpdesk.satisfaction",
    "frpdesk.notifications",
    "frpdesk.dashboards",
    "frpdesk.history",
]

MIDDLEWARE = [
    # First: every request gets its ID (X-Request-ID) before anything logs, and one log line.
    "frpdesk.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes requires: answers a locked-out sign-in with its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "frpdesk.urls"
WSGI_APPLICATION = "frpdesk.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling: after this many failures for a user name from one address, that pair is
# locked out for the cool-off time; a successful sign-in resets the count.
AXES_FAILURE_LIMIT = env_int("FRPDESK_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env_int("FRPDESK_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frpdesk.core.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "frpdesk.core.forms.BootstrapFormRenderer"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
# Usage reports of big tenants run to hundreds of megabytes; uploads stream to disk above 5 MB.
FRPDESK_MAX_UPLOAD_MB = env_int("FRPDESK_MAX_UPLOAD_MB", 512, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Jobs (imports, scheduled pulls): the database queue by default, served by `frpdesk worker`.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
TASKS = {"default": env_tasks_backend("FRPDESK_TASKS_BACKEND", REDIS_URL)}
RQ_QUEUES = {"default": {"URL": REDIS_URL}}
if TASKS["default"]["BACKEND"].startswith("django_tasks_rq"):
    INSTALLED_APPS.append("django_rq")  # workers: `frpdesk rqworker default`

# Email (referral reminders): printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env_str("FRPDESK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("FRPDESK_SMTP_HOST", "localhost")
EMAIL_PORT = env_int("FRPDESK_SMTP_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("FRPDESK_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("FRPDESK_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("FRPDESK_SMTP_STARTTLS", False)
DEFAULT_FROM_EMAIL = env_str("FRPDESK_EMAIL_FROM", "frpdesk@localhost")
# Where users reach frpdesk: links in notification emails and Teams messages are made absolute.
FRPDESK_BASE_URL = env_str("FRPDESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Microsoft Graph: overridable so that tests (and sovereign clouds) can point elsewhere.
FRPDESK_GRAPH_URL = env_str("FRPDESK_GRAPH_URL", "https://graph.microsoft.com").rstrip("/")
FRPDESK_GRAPH_LOGIN_URL = env_str(
    "FRPDESK_GRAPH_LOGIN_URL", "https://login.microsoftonline.com"
).rstrip("/")
# Key for secrets stored encrypted (Graph client secrets); derived from SECRET_KEY when unset.
FRPDESK_ENCRYPTION_KEY = env_str("FRPDESK_ENCRYPTION_KEY", "")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Scripts only from frpdesk's own static files: no inline script, no eval, nothing remote (pages
# declare behaviour in data-* attributes; chart data travels as JSON script blocks). Inline
# style attributes stay allowed: they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Served over HTTPS (directly or behind a TLS-terminating proxy): secure cookies, redirect to
# HTTPS and HSTS. `frpdesk check --deploy` is clean with it on.
FRPDESK_HTTPS = env_bool("FRPDESK_HTTPS", False)
if FRPDESK_HTTPS:
    SECURE_SSL_REDIRECT = True
    # A load balancer's health probe speaks plain HTTP to the process.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("FRPDESK_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("FRPDESK_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("FRPDESK_HSTS_PRELOAD", True)
if env_bool("FRPDESK_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

FILTERS_EMPTY_CHOICE_LABEL = "Any"

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-hover align-middle mb-0"}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "frpdesk.core.drf.ScopedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["frpdesk.core.drf.ModelAccessPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "frpdesk.core.drf.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "frpdesk.core.drf.json_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "frpdesk API",
    "DESCRIPTION": "The FastTrack Ready Partner workspace: partner profile, directory, catalog.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Fields of the same name with different choices ("state" of quotes and of claims…) would
    # otherwise get enum names made up from their serializers.
    "ENUM_NAME_OVERRIDES": {
        "ClaimStateEnum": "frpdesk.claims.models.ClaimState",
        "QuoteStateEnum": "frpdesk.vas.models.QuoteState",
        "RequestStatusEnum": "frpdesk.scoping.models.RequestStatus",
        "CheckRunStatusEnum": "frpdesk.compliance.models.RunStatus",
    },
}

AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "sessions",
    "contenttypes",
    "admin",
    "auditlog",
    # Derived data, recomputed in bulk: its inputs are audited instead.
    "licensing.eligibility",
    "licensing.eligibility_eligible_workloads",
    "licensing.snapshotline",
    # The per-user activity ledger is a column store of whole usage reports; imports are audited.
    "adoption.activityledger",
    # An import record is itself the history of an import (who, when, what, outcome).
    "adoption.usageimport",
    "django_tasks_db",
    "axes",
    "core.scheduledrun",
    "core.workerheartbeat",
    # Check runs and their findings are themselves the compliance history, rewritten in bulk.
    "compliance.checkrun",
    "compliance.ruleresult",
    "compliance.finding",
    # The delivery log is itself a log.
    "notifications.delivery",
)
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Sign-ins and timestamps are not business changes; passwords are never shown, even hashed.
# Stored files (``document``) are audited through their SHA-256, not their bytes.
AUDITLOG_EXCLUDE_TRACKING_FIELDS = (
    "last_login",
    "created_at",
    "updated_at",
    "version",
    "document",
)
AUDITLOG_MASK_TRACKING_FIELDS = ("password", "client_secret", "teams_webhook_url", "key_hash")

# Audit-log entries carry the ID of the request that wrote them (X-Request-ID, also in the logs).
AUDITLOG_CID_GETTER = "frpdesk.core.middleware.current_request_id"
# Older audit-log entries are purged weekly (each object's creation and last change stay); 0: never.
FRPDESK_AUDIT_RETENTION_DAYS = env_int("FRPDESK_AUDIT_RETENTION_DAYS", 0, minimum=0)

# Logs on stderr: "text" for humans, "json" for log collectors (one object per line, request IDs).
FRPDESK_LOG_FORMAT = env_str("FRPDESK_LOG_FORMAT", "text").lower()
if FRPDESK_LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(
        f"FRPDESK_LOG_FORMAT must be text or json; got {FRPDESK_LOG_FORMAT!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "frpdesk.core.middleware.RequestContextFilter"}},
    "formatters": {
        "text": {"()": "frpdesk.core.middleware.RedactingFormatter"},
        "json": {"()": "frpdesk.core.middleware.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": FRPDESK_LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("FRPDESK_LOG_LEVEL", "INFO")},
    # httpx logs every URL at INFO, including Graph's pre-authenticated report download links.
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # WeasyPrint logs every layout step of a SOW PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
