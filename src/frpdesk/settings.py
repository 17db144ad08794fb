"""frpdesk settings. Everything a deployment changes comes from environment variables (README)."""

from pathlib import Path

import django_stubs_ext

from frpdesk.env import env_bool, env_database, env_list, env_str, env_time_zone, secret_key

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
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_countries",
    "auditlog",
    "frpdesk.core",
    "frpdesk.accounts",
    "frpdesk.catalog",
    "frpdesk.partner",
    "frpdesk.directory",
    "frpdesk.customers",
    "frpdesk.licensing",
    "frpdesk.history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "frpdesk.urls"
WSGI_APPLICATION = "frpdesk.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

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

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

FILTERS_EMPTY_CHOICE_LABEL = "Any"

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-hover align-middle mb-0"}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "frpdesk.core.drf.AuditedTokenAuthentication",
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
}

AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "sessions",
    "contenttypes",
    "admin",
    "authtoken",
    "auditlog",
    # Derived data, recomputed in bulk: its inputs are audited instead.
    "licensing.eligibility",
    "licensing.eligibility_eligible_workloads",
    "licensing.snapshotline",
)
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Sign-ins and timestamps are not business changes; passwords are never shown, even hashed.
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("last_login", "created_at", "updated_at")
AUDITLOG_MASK_TRACKING_FIELDS = ("password",)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("FRPDESK_LOG_LEVEL", "INFO")},
}
