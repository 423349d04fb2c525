"""One env-driven settings module (production hardening lives in ``config.settings_prod``).

Importing it starts nothing: ``DATABASE_URL`` and ``REDIS_URL`` come from the environment. The
entry points (``manage.py``, ``config.asgi``/``config.wsgi``, ``config.celery``, ``python -m
bench`` and pytest's ``conftest.py``) start or join the embedded servers first when either is
unset (``config.embedded.services_environ``).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-insecure-key-set-DJANGO_SECRET_KEY"
# DJANGO_ALLOWED_HOSTS (comma-separated). Unset: any host in debug; otherwise this machine's
# loopback names and the address `serve` binds (HOST), never "*".
_HOST = os.environ.get("HOST", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or (
    ["*"]
    if DEBUG
    else [
        "localhost",
        "127.0.0.1",
        "[::1]",
        *([_HOST] if _HOST not in ("", "0.0.0.0", "::") else []),
    ]
)
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# --------------------------------------------------------------------------- services
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
if not DATABASE_URL or not REDIS_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL and REDIS_URL must be set: start through manage.py, config.asgi, "
        "config.wsgi or config.celery, which start the embedded servers when they are unset"
    )

# Persistent connections suit threaded WSGI and Celery; under ASGI each request may run on a new
# thread, so Django advises 0 there (the default; `serve` gives the worker and beat 60).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
DATABASES["default"].setdefault("OPTIONS", {})
# Web processes (set by `serve` and the compose file) take connections from a pool instead:
# opening one per request costs PostgreSQL a backend fork and the request a round of
# authentication, most of a small request's time. Pooling excludes persistent connections.
if env_bool("DB_POOL", False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": 2,
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "10")),
        "timeout": 10,  # seconds a request waits for a free connection before failing
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "scc",
    },
    # Rendered board tiles, in each process's memory: 500 of them a page, too many for a
    # round trip each. Keys are digests of what a tile shows (apps/board/tiles.py), so entries
    # never go stale and need no expiry; the least recently used are dropped past MAX_ENTRIES
    # (~2 KB each: 5,000 is under 15 MB a process, ten versions of a 500-site board).
    "tiles": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "board-tiles",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# --------------------------------------------------------------------------- apps
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "apps.accounts",
    "apps.beds",
    "apps.ambulance",
    "apps.discharge",
    "apps.virtualwards",
    "apps.emergency",
    "apps.plan",
    "apps.sitreps",
    "apps.feeds",
    "apps.escalation",
    "apps.forecasts",
    "apps.actions",
    "apps.board",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.ApiCommonMiddleware",  # CommonMiddleware, no slash redirect in /api/
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.accounts.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "apps.accounts.context_processors.roles",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "board:index"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --------------------------------------------------------------------------- security
# Content-Security-Policy (django-csp): scripts and styles only from our own static files.
# Inline styles stay allowed: templates set bar widths with style attributes and a few pages
# carry a <style> block; no page has inline script. SCC_CSP_REPORT_ONLY=1 sends the policy as
# report-only instead, for trying a stricter one without breaking pages.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
    }
}
if env_bool("SCC_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = None, _CSP
else:
    CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP, None
# Sign-in throttling (apps.accounts.throttle): this many failures within the window block
# sign-in for a window. The address limit is higher: a trust's staff share a NAT address.
SCC_LOGIN_FAILURE_WINDOW_S = int(os.environ.get("SCC_LOGIN_FAILURE_WINDOW_S", "900"))
SCC_LOGIN_FAILURES_PER_USERNAME = int(os.environ.get("SCC_LOGIN_FAILURES_PER_USERNAME", "5"))
SCC_LOGIN_FAILURES_PER_IP = int(os.environ.get("SCC_LOGIN_FAILURES_PER_IP", "20"))
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
SCC_PROXY_COUNT = int(os.environ.get("SCC_PROXY_COUNT", "0"))

# --------------------------------------------------------------------------- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.accounts.permissions.IsKeyOrStaff"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SCC Capacity Board API",
    "DESCRIPTION": (
        "Sitreps in, system capacity figures out. Authenticate with the header "
        "`Authorization: Api-Key <key>`. How the pieces fit together (finding your codes, "
        "corrections, `Idempotency-Key`, errors, feeds): the integrator's guide, "
        "[/api/v1/guide/](/api/v1/guide/) (`docs/api.md` in the repository)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI served from our own static files: no CDN (offline installs, strict CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No online validator badge (it would load an image from swagger.io).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.accounts.schema.document_unauthorised",
        "apps.sitreps.schema.forbid_unknown_fields",
    ],
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CallKindEnum": "apps.actions.choices.CallKind",
        "ActionStatusEnum": "apps.actions.choices.ActionStatus",
        "ActionScopeKindEnum": "apps.actions.choices.ActionScopeKind",
    },
}

# --------------------------------------------------------------------------- Celery
CELERY_BROKER_URL = REDIS_URL.replace("unix://", "redis+socket://", 1)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery closes the database connection around every task unless it may reuse it; ours are
# checked before each task instead (config/celery.py) and recycled every 5,000 tasks.
CELERY_DB_REUSE_MAX = 5_000
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "Europe/London"
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE = {
    # The recompute outbox: accepted sitreps whose message was lost are recomputed.
    "sweep-outbox": {
        "task": "apps.sitreps.tasks.sweep_outbox",
        "schedule": float(os.environ.get("SCC_OUTBOX_SWEEP_SECONDS", "30")),
    },
    # Freezes each completed local day's S1; catches up after missed runs (idempotent).
    "discharge-freeze-s1": {"task": "apps.discharge.tasks.freeze_s1", "schedule": 300.0},
    # Lost handover time accrues while crews wait, with no new data (apps/ambulance).
    "handovers-live-waits": {"task": "apps.ambulance.tasks.refresh_live_waits", "schedule": 60.0},
    # Minutes in the ED and DTA waits accrue with no new data (apps/emergency).
    "emergency-live-waits": {"task": "apps.emergency.tasks.refresh_live_waits", "schedule": 60.0},
    # Claims the feeds that are due and queues one pull each; a late beat message is dropped.
    "feeds-pull-due": {
        "task": "apps.feeds.tasks.pull_due_feeds",
        "schedule": 15.0,
        "options": {"expires": 14},
    },
    # Forecasts and their backtests, fitted in the worker at 02:00 local (CELERY_TIMEZONE).
    "forecasts-nightly": {
        "task": "apps.forecasts.tasks.run_forecasts",
        "schedule": crontab(hour=2, minute=0),
    },
    # Waits and sitrep ages grow with no new data, so the rules run on the clock too.
    "escalation-evaluate-alerts": {
        "task": "apps.escalation.tasks.evaluate_alerts",
        "schedule": 60.0,
    },
    # Actions past due are recorded once and mailed to their owner (apps/actions).
    "actions-mark-overdue": {
        "task": "apps.actions.tasks.mark_overdue_actions",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # An action's effect 4 h and 24 h after creation, from the snapshots, once reached.
    "actions-fill-effects": {
        "task": "apps.actions.tasks.fill_action_effects",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
}

# --------------------------------------------------------------------------- domain
SCC_DEMO = env_bool("SCC_DEMO", True)
SCC_SIMULATOR = env_bool("SCC_SIMULATOR", SCC_DEMO)
# The demo's seeded, labelled history of the plan year's past months (demo/plan_history.py).
SCC_DEMO_HISTORY = env_bool("SCC_DEMO_HISTORY", SCC_DEMO)
# The built board is shared by every display until the figures version moves (0: off).
# How often an open event stream looks its session up again (signed out elsewhere, expired).
SCC_EVENTS_SESSION_CHECK_S = float(os.environ.get("SCC_EVENTS_SESSION_CHECK_S", "60"))
SCC_BOARD_CACHE_SECONDS = int(os.environ.get("SCC_BOARD_CACHE_SECONDS", "90"))
# An accepted sitrep whose recompute has not run after this long is swept from the outbox.
SCC_OUTBOX_GRACE_SECONDS = float(os.environ.get("SCC_OUTBOX_GRACE_SECONDS", "20"))
# Under a stream of sitreps, recomputes start at least this far apart, each taking everything
# that arrived meanwhile (the cost of a recompute hardly depends on how many it covers).
SCC_RECOMPUTE_SPACING_S = float(os.environ.get("SCC_RECOMPUTE_SPACING_S", "1"))
# Alert evaluations after changes start at least this far apart (each covers the whole system).
SCC_ALERT_EVALUATION_SPACING_S = float(os.environ.get("SCC_ALERT_EVALUATION_SPACING_S", "1"))
SCC_SITREP_MAX_FUTURE_MINUTES = 5
# Worker slots the nightly forecast run may take at once (chains of chunk tasks).
SCC_FORECAST_CHAINS = int(os.environ.get("SCC_FORECAST_CHAINS", "2"))
# Niceness of the processes `forecasts_run --workers N` forks (they yield to the web and worker).
SCC_FORECAST_NICE = int(os.environ.get("SCC_FORECAST_NICE", "10"))
# A sitrep time before this is refused (400): a typo such as year 0001 otherwise ends up in
# pages that cannot show it.
SCC_SITREP_EARLIEST = "2000-01-01T00:00:00+00:00"
# Pulled feeds: per-request limits and the longest wait between retries of a failing feed.
SCC_FEED_CONNECT_TIMEOUT_S = 5.0
SCC_FEED_TIMEOUT_S = 20.0
SCC_FEED_MAX_BYTES = 10 * 1024 * 1024
SCC_FEED_BACKOFF_CAP_S = 3600

# --------------------------------------------------------------------------- thresholds
# Every standard and threshold the figures are judged by, in one place; alert thresholds
# (amber/red per rule) are the escalation rule table, editable in the admin.
# DOMAIN.md: occupancy above this (per cent) needs more beds; bed_gap brings it back.
SCC_OCCUPANCY_STANDARD_PCT = 92
# DOMAIN.md: the national handover standard; lost time accrues beyond it.
SCC_HANDOVER_STANDARD_MIN = int(os.environ.get("SCC_HANDOVER_STANDARD_MIN", "15"))
# A crew waiting this long may be released to respond (release to respond, minutes).
SCC_RELEASE_TO_RESPOND_MIN = 45
# OPEL (DOMAIN.md): per parameter, the lower bounds of levels 2, 3 and 4.
SCC_OPEL_THRESHOLDS = {
    "occupancy_pct": (92, 95, 98),
    "mean_handover_min": (15, 30, 60),
    "escalation_pct": (2, 5, 10),
    "mofd_pct": (10, 15, 20),
    # Lower is worse: the upper bounds of levels 1, 2 and 3 (≥ 76 is 1, < 60 is 4).
    "ed_four_hour_pct": (76, 70, 60),
    "ed_over_12h_pct": (2, 5, 10),
}
# DOMAIN.md: the four-hour standard (the 2023/24 ambition), shown against ED performance.
SCC_ED_FOUR_HOUR_STANDARD_PCT = 76
# National ambitions for virtual wards (NHS England, 2022/23 to 2023/24): utilisation (%)
# and capacity per 100,000 population (low, high).
SCC_VW_UTILISATION_AMBITION_PCT = 80
SCC_VW_PER_100K_AMBITION = (40, 50)
# DOMAIN.md "Ambulance response": national ARP standards per category, seconds (None: no such
# standard), and the system's ambition for the Category 2 mean.
SCC_ARP_STANDARDS = {
    1: {"mean_s": 7 * 60, "p90_s": 15 * 60},
    2: {"mean_s": 18 * 60, "p90_s": 40 * 60},
    3: {"mean_s": None, "p90_s": 120 * 60},
    4: {"mean_s": None, "p90_s": 180 * 60},
}
SCC_CAT2_MEAN_AMBITION_MIN = 30

# --------------------------------------------------------------------------- alert mail
# Who is mailed about alert transitions of each severity (comma-separated addresses).
SCC_ALERT_EMAILS = {
    "amber": env_list("SCC_ALERT_EMAILS_AMBER"),
    "red": env_list("SCC_ALERT_EMAILS_RED"),
}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "scc-board@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_warning": {"()": "apps.core.logging.OneLineWarning"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        # A body over the upload limit (answered 413): one warning line, not a traceback.
        "django.security.RequestDataTooBig": {"filters": ["one_line_warning"]},
    },
}
