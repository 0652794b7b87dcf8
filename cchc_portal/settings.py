"""CCHC Portal settings: one module, read from the environment (django-environ).

Defaults give the embedded mode (SQLite file, Celery eager, local-memory cache) so that
`make run` works on a fresh machine. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL, REDIS_URL and EMAIL_URL; it refuses to start with the embedded secret.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

EMBEDDED_SECRET = "embedded-insecure-key-for-local-use-only-never-in-production"  # noqa: S105 (refused when DEBUG=0)
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=EMBEDDED_SECRET)
if not DEBUG and (SECRET_KEY == EMBEDDED_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG=0."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Applications -------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_filters",
    "simple_history",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # our apps, in dependency order (DESIGN.md §3)
    "core",
    "agencies",
    "accounts",
    "reports",
    "audit",
    "procedures",
    "dossiers",
    "surveys",
    "scoring",
    "news",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RejectNullBytesMiddleware",  # 400 for NUL in path / query / form
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.PortalLocaleMiddleware",  # LocaleMiddleware, ignoring Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.audit.AuditContextMiddleware",  # remembers the request for audit.record
    "accounts.idle.StaffIdleTimeoutMiddleware",  # staff sessions end after idle time
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.RequireStaffTwoFactorMiddleware",
    "core.middleware.VisitCounterMiddleware",
    # django-axes must be last
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cchc_portal.urls"
WSGI_APPLICATION = "cchc_portal.wsgi.application"

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
                "core.context_processors.portal",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections: a new connection per request costs ~8x throughput here.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    # No JIT: the portal's big queries (statistics, registers, rankings) are aggregates whose
    # estimated cost passes jit_above_cost, and compiling them cost more than it saved
    # (statistics of 100,000 dossiers: 0.65 s of compiling for a 0.3 s scan). PG_JIT=1 keeps it.
    server_options = [] if env.bool("PG_JIT", default=False) else ["-c jit=off"]
    # Planning, not running, is most of the cost of the pages' select_related queries (a
    # dossier with its procedure, case, three units and officer: 4 ms of planning for 0.4 ms of
    # execution, as the planner tries every order of eight tables). Django writes those JOINs
    # from the filtered table outwards; reordering them four at a time plans in 0.7 ms and
    # still lets a filter on a joined table lead (PG_JOIN_COLLAPSE_LIMIT; PostgreSQL's is 8).
    server_options.append(f"-c join_collapse_limit={env.int('PG_JOIN_COLLAPSE_LIMIT', default=4)}")
    DATABASES["default"]["OPTIONS"].setdefault("options", " ".join(server_options))
    # Server-side parameters and prepared statements: a query the connection has run twice is
    # prepared, so the pages' repeated queries (session, user, dossier by code...) skip parsing
    # and planning (tracking: +33 % throughput). PG_SERVER_SIDE_BINDING=0 behind a connection
    # pooler in transaction mode (PgBouncer), which cannot keep prepared statements.
    if env.bool("PG_SERVER_SIDE_BINDING", default=True):
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2)
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default=None)}
else:
    if DATABASES["default"]["NAME"].startswith(str(VAR_DIR)):
        VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    # WAL lets `make run` serve while a management command writes.
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# --- Cache, Celery --------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down = cache misses and no-op writes, not 500s (core/cache.py)
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cchc"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "down_seconds": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Statistics page: computed figures of a finished period are cached this long (a period that
# includes today at most 60 s); 0 turns the cache off (tests). dossiers.statistics.cached_report
STATS_CACHE_SECONDS = env.int("STATS_CACHE_SECONDS", default=3600)
# the footer's visit counters are reused by each process for this long (core.templatetags)
VISIT_COUNTERS_MEMO_SECONDS = env.int("VISIT_COUNTERS_MEMO_SECONDS", default=5)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True  # outcomes are DB rows (ExportJob), not the result backend
CELERY_TASK_ACKS_LATE = True  # a job survives a worker restart
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # an unacknowledged task of a killed worker is delivered again after this many seconds
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
# Publishing must fail fast when the broker is down: the outbox (core/outbox.py) keeps the task.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=900)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=840)
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE: dict = {
    "core.flush_visit_counters": {"task": "core.tasks.flush_visit_counters", "schedule": 300.0},
    "core.sweep_outbox": {"task": "core.tasks.sweep_outbox", "schedule": 60.0},
    "news.flush_view_counts": {"task": "news.tasks.flush_view_counts", "schedule": 300.0},
    "dossiers.send_due_reminders": {
        "task": "dossiers.tasks.send_due_reminders",
        "schedule": crontab(minute=0, hour="7-17", day_of_week="mon-fri"),
    },
    "scoring.recompute_metrics": {
        "task": "scoring.tasks.recompute_metrics",
        "schedule": crontab(minute=30, hour=1),
    },
}

# --- Authentication -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Accounts (allauth, mfa, axes) ---------------------------------------------------------
# Login is "email or phone" in one field: accounts.forms.LoginForm resolves a phone number to
# the account's email before authenticating. allauth's own "phone" login method is not enabled
# because it is built around SMS verification and there is no SMS gateway (phone stays an
# unverified identifier).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Citizens must be told plainly that an email/phone is already registered (issue requirement);
# brute force is bounded by axes and allauth's rate limits.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cổng CCHC] "
ACCOUNT_LOGOUT_ON_GET = False
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "accounts.forms.MFAAuthenticateForm",
    "activate_totp": "accounts.forms.ActivateTOTPForm",
}
MFA_TOTP_ISSUER = "Cổng CCHC"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours, i.e. 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_USERNAME_CALLABLE = "accounts.lockout.login_identifier"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["cchc_portal.formats"]

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"  # never served directly: files go through permission-checked views
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.staticfiles.ManifestStaticFilesStorage",
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Forms --------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email --------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CCHC Portal <no-reply@cchc.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -----------------------------------------------------------------------------
# sessions read from the cache (Redis), written through to the database: a signed-in page
# costs no session query; a cache outage falls back to the database
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.cached_db")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
STAFF_IDLE_TIMEOUT_SECONDS = env.int("STAFF_IDLE_TIMEOUT_SECONDS", default=30 * 60)
DOSSIER_ATTACHMENT_RETENTION_DAYS = env.int("DOSSIER_ATTACHMENT_RETENTION_DAYS", default=5 * 365)
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from a meta tag, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Portal -------------------------------------------------------------------------------
PORTAL_NAME = env.str("PORTAL_NAME", default="Cổng thông tin Cải cách hành chính")
PORTAL_OWNER = env.str("PORTAL_OWNER", default="Sở Nội vụ thành phố Cần Thơ")
REPORTS_TEMP_DIR = env.path("REPORTS_TEMP_DIR", default=VAR_DIR / "tmp")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
