"""Django settings for smartcrm, all read from the environment (see docs/configuration.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from kombu import Queue

from smartcrm.config import data_dir, is_production, secret

DATA_DIR = data_dir()
SECRET_KEY = secret("SMARTCRM_SECRET_KEY")
DEBUG = os.environ.get("SMARTCRM_DEBUG", "0") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("SMARTCRM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("SMARTCRM_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "smartcrm.core",
    "smartcrm.accounts",
    "smartcrm.modelregistry",
    "smartcrm.customers",
    "smartcrm.catalog",
    "smartcrm.orders",
    "smartcrm.support",
    "smartcrm.feedback",
    "smartcrm.activities",
    "smartcrm.pipeline",
    "smartcrm.imports",
    "smartcrm.intelligence",
    "smartcrm.insights",
    "smartcrm.recommendations",
    "smartcrm.integrations",
    "smartcrm.dedup",
    "smartcrm.textanalysis",
    "smartcrm.knowledge",
    "smartcrm.attachments",
    "smartcrm.assistant",
    "smartcrm.teams",
    "smartcrm.collaboration",
    "smartcrm.campaigns",
    "smartcrm.automation",
    "smartcrm.privacy",
    "smartcrm.bulk",
    "smartcrm.api",
    "smartcrm.demo",
    "smartcrm.web",
]

MIDDLEWARE = [
    "smartcrm.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "smartcrm.api.cors.WidgetCorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (cookie from the header switcher, else Accept-Language)...
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "smartcrm.core.middleware.ControlCharacterMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ...unless the signed-in user chose one on their profile (accounts/language.py).
    "smartcrm.accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "smartcrm.accounts.sessions.AccountSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "smartcrm.core.middleware.ContentSecurityPolicyMiddleware",
    "smartcrm.api.errors.JsonErrorsMiddleware",
]

ROOT_URLCONF = "smartcrm.urls"
WSGI_APPLICATION = "smartcrm.wsgi.application"

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
                "smartcrm.web.context.navigation",
                "smartcrm.web.context.notifications",
            ],
        },
    },
]

# PostgreSQL connections: kept open for SMARTCRM_DB_CONN_MAX_AGE seconds and checked before
# reuse, or (SMARTCRM_DB_POOL=N) a psycopg pool of up to N per process (docs/deploy.md).
SMARTCRM_DB_POOL = int(os.environ.get("SMARTCRM_DB_POOL", "0"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'smartcrm.sqlite3'}",
        conn_max_age=0 if SMARTCRM_DB_POOL else int(os.environ.get("SMARTCRM_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if SMARTCRM_DB_POOL and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": SMARTCRM_DB_POOL,
        "timeout": int(os.environ.get("SMARTCRM_DB_POOL_TIMEOUT", "10")),
    }
if os.environ.get("SMARTCRM_TEST_DB_NAME") and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Lets several test runs share one PostgreSQL server without touching each other's database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["SMARTCRM_TEST_DB_NAME"]}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a generator or import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English and Simplified Chinese; the catalogs are src/smartcrm/locale/zh_Hans/LC_MESSAGES/*.po
# (`smartcrm i18n_check` in `make lint`), the .mo files are compiled at set-up (`make install`).
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
FORMAT_MODULE_PATH = ["smartcrm.formats"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("SMARTCRM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `smartcrm collectstatic` puts the files (an image keeps them beside the code, not in the data volume).
STATIC_ROOT = Path(os.environ.get("SMARTCRM_STATIC_ROOT") or DATA_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start when it is missing
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
if os.environ.get("SMARTCRM_STATIC_MANIFEST", "0") == "1":
    # After `smartcrm collectstatic`: file names carry a content hash, so browsers keep them for a
    # year (WhiteNoise's far-future headers); the pages name the hashed files. Without it (the demo,
    # development) files are served from the apps as they are.
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    WHITENOISE_USE_FINDERS = False
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
# Accounts (docs/security.md "Accounts"): a session ends after this long without a request, and
# in any case this long after its login (the cookie's own age).
SMARTCRM_SESSION_IDLE_MINUTES = int(os.environ.get("SMARTCRM_SESSION_IDLE_MINUTES", "60"))
SESSION_COOKIE_AGE = int(os.environ.get("SMARTCRM_SESSION_MAX_HOURS", "12")) * 3600
# Login throttling: refused passwords or codes per account name and per client address within
# the window before a lockout; the first lockout's length, doubled for each one in a row.
SMARTCRM_LOGIN_ACCOUNT_LIMIT = int(os.environ.get("SMARTCRM_LOGIN_ACCOUNT_LIMIT", "10"))
SMARTCRM_LOGIN_IP_LIMIT = int(os.environ.get("SMARTCRM_LOGIN_IP_LIMIT", "50"))
SMARTCRM_LOGIN_WINDOW_MINUTES = int(os.environ.get("SMARTCRM_LOGIN_WINDOW_MINUTES", "15"))
SMARTCRM_LOCKOUT_MINUTES = int(os.environ.get("SMARTCRM_LOCKOUT_MINUTES", "15"))
# A password-reset link works once, for this long.
PASSWORD_RESET_TIMEOUT = 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if is_production():
    # HTTPS only (``manage.py check --deploy`` is clean; docs/security.md). Behind a TLS proxy
    # that sends X-Forwarded-Proto, set SMARTCRM_PROXY_SSL_HEADER=1; a proxy that redirects
    # to HTTPS itself may turn the redirect here off with SMARTCRM_SSL_REDIRECT=0.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SMARTCRM_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("SMARTCRM_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("SMARTCRM_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("SMARTCRM_HSTS_PRELOAD", "0") == "1"
    # A load balancer probes health over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    if os.environ.get("SMARTCRM_PROXY_SSL_HEADER", "0") == "1":
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# PII encryption at rest (see smartcrm.core.crypto).
SMARTCRM_FIELD_KEYS = secret("SMARTCRM_FIELD_KEYS")
SMARTCRM_LOOKUP_KEY = secret("SMARTCRM_LOOKUP_KEY")
# The audit chain's head, appended here on a schedule (core/audit_anchor.py); keep it on a disk
# the database's users cannot write, and make it append-only (chattr +a) where you can.
SMARTCRM_AUDIT_ANCHOR_FILE = Path(
    os.environ.get("SMARTCRM_AUDIT_ANCHOR_FILE") or DATA_DIR / "audit-anchors.jsonl"
)
SMARTCRM_DEFAULT_REGION = os.environ.get("SMARTCRM_DEFAULT_REGION", "US")
SMARTCRM_CURRENCY = os.environ.get("SMARTCRM_CURRENCY", "USD")
# The key the shop's site signs a logged-in customer's identity with for the chat assistant;
# unset, the assistant identifies customers by email and order number only.
SMARTCRM_ASSISTANT_IDENTITY_SECRET = os.environ.get("SMARTCRM_ASSISTANT_IDENTITY_SECRET", "")
# "1": every conversation goes to a person (the assistant only acknowledges), whatever the shop's
# assistant settings page says.
SMARTCRM_ASSISTANT_ALWAYS_HAND_OFF = os.environ.get("SMARTCRM_ASSISTANT_ALWAYS_HAND_OFF", "0") == "1"
# The website chat widget (docs/assistant.md): the shop sites that may embed it (origins such as
# https://shop.example, comma-separated) and its rate limits (counters in the cache).
SMARTCRM_WIDGET_ORIGINS = [
    o.strip().rstrip("/").lower()
    for o in os.environ.get("SMARTCRM_WIDGET_ORIGINS", "").split(",")
    if o.strip()
]
# Per client address: requests a minute, new conversations an hour; customer messages a minute
# per conversation.
SMARTCRM_WIDGET_REQUESTS_PER_MINUTE = int(os.environ.get("SMARTCRM_WIDGET_REQUESTS_PER_MINUTE", "120"))
SMARTCRM_WIDGET_STARTS_PER_HOUR = int(os.environ.get("SMARTCRM_WIDGET_STARTS_PER_HOUR", "20"))
SMARTCRM_WIDGET_MESSAGES_PER_MINUTE = int(os.environ.get("SMARTCRM_WIDGET_MESSAGES_PER_MINUTE", "12"))
# Reverse proxies in front of smartcrm that append to X-Forwarded-For (0: the peer is the client).
SMARTCRM_PROXY_HOPS = int(os.environ.get("SMARTCRM_PROXY_HOPS", "0"))
# Import uploads: size limits, and how long an upload not yet imported (a draft, a failed or
# cancelled run that may be resumed) is kept (imports/uploads.py).
SMARTCRM_IMPORT_MAX_UPLOAD_MB = int(os.environ.get("SMARTCRM_IMPORT_MAX_UPLOAD_MB", "2048"))
SMARTCRM_IMPORT_MAX_XLSX_MB = int(os.environ.get("SMARTCRM_IMPORT_MAX_XLSX_MB", "512"))
SMARTCRM_IMPORT_RETENTION_DAYS = int(os.environ.get("SMARTCRM_IMPORT_RETENTION_DAYS", "7"))
# Exports of a list with contact details (customers) per user and hour: a bulk read, limited.
SMARTCRM_EXPORT_CONTACTS_PER_HOUR = int(os.environ.get("SMARTCRM_EXPORT_CONTACTS_PER_HOUR", "10"))
# The Telegram Bot API (a local fake in the tests).
SMARTCRM_TELEGRAM_API_BASE = os.environ.get("SMARTCRM_TELEGRAM_API_BASE", "https://api.telegram.org")

# Outgoing mail (the assistant's email channel) through SMTP. The embedded default sends to
# 127.0.0.1:1025, where `smartcrm mail-sink` keeps what arrives; production names its relay.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25" if is_production() else "1025"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
# The shop's support address: the From of the assistant's and agents' mail, where customers write.
DEFAULT_FROM_EMAIL = os.environ.get("SMARTCRM_SUPPORT_EMAIL", "support@localhost")
# Campaigns (docs/campaigns.md): the From of campaign mail, the address and public base URL of
# the unsubscribe links, how long a claimed send may stay unfinished before another worker takes
# it, and the shared secret of the bounce/complaint webhook (unset: the webhook is off).
SMARTCRM_CAMPAIGN_FROM_EMAIL = os.environ.get("SMARTCRM_CAMPAIGN_FROM_EMAIL", DEFAULT_FROM_EMAIL)
SMARTCRM_UNSUBSCRIBE_EMAIL = os.environ.get("SMARTCRM_UNSUBSCRIBE_EMAIL", "")
SMARTCRM_PUBLIC_URL = os.environ.get("SMARTCRM_PUBLIC_URL", "http://127.0.0.1:8000")
SMARTCRM_CAMPAIGN_CLAIM_SECONDS = int(os.environ.get("SMARTCRM_CAMPAIGN_CLAIM_SECONDS", "300"))
SMARTCRM_CAMPAIGN_WEBHOOK_SECRET = os.environ.get("SMARTCRM_CAMPAIGN_WEBHOOK_SECRET", "")
# Above this many new customers, an import starts one bulk de-duplication run instead of checking each.
SMARTCRM_DEDUP_IMPORT_CHECK_LIMIT = int(os.environ.get("SMARTCRM_DEDUP_IMPORT_CHECK_LIMIT", "2000"))
# Retention (privacy.services.apply_retention, nightly): closed tickets' texts and chat transcripts
# are removed after this many months; 0 keeps them.
SMARTCRM_RETAIN_CLOSED_TICKETS_MONTHS = int(os.environ.get("SMARTCRM_RETAIN_CLOSED_TICKETS_MONTHS", "24"))
SMARTCRM_RETAIN_CHATS_MONTHS = int(os.environ.get("SMARTCRM_RETAIN_CHATS_MONTHS", "12"))
# Attachments (docs/attachments.md): files customers send (photos, voice messages, text files),
# checked by their bytes. Stored under the data directory, or in an S3-compatible bucket when
# SMARTCRM_ATTACHMENTS_S3_BUCKET is set (credentials: boto3's usual AWS_* variables); never
# under a public URL. Closed tickets' attachments follow SMARTCRM_RETAIN_CLOSED_TICKETS_MONTHS.
SMARTCRM_ATTACHMENT_MAX_MB = int(os.environ.get("SMARTCRM_ATTACHMENT_MAX_MB", "20"))
SMARTCRM_ATTACHMENT_MAX_TEXT_KB = int(os.environ.get("SMARTCRM_ATTACHMENT_MAX_TEXT_KB", "2048"))
SMARTCRM_ATTACHMENT_MAX_PIXELS = int(os.environ.get("SMARTCRM_ATTACHMENT_MAX_PIXELS", "40000000"))
SMARTCRM_ATTACHMENT_MAX_AUDIO_MINUTES = float(os.environ.get("SMARTCRM_ATTACHMENT_MAX_AUDIO_MINUTES", "30"))
# Which Whisper model reads voice attachments: "tiny.en" (packaged, English), "base" (packaged,
# multilingual; Mandarin experimental) or the path of a CTranslate2 Whisper directory the shop
# provides (docs/models/speech.md).
SMARTCRM_SPEECH_MODEL = os.environ.get("SMARTCRM_SPEECH_MODEL", "tiny.en")
_ATTACHMENTS_BUCKET = os.environ.get("SMARTCRM_ATTACHMENTS_S3_BUCKET", "")
STORAGES["attachments"] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _ATTACHMENTS_BUCKET,
            "endpoint_url": os.environ.get("SMARTCRM_ATTACHMENTS_S3_ENDPOINT") or None,
            "region_name": os.environ.get("SMARTCRM_ATTACHMENTS_S3_REGION") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
    if _ATTACHMENTS_BUCKET
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "attachments"), "base_url": None},
    }
)

# Jobs: Celery on Redis in production; with no REDIS_URL the same task functions run inline.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Shared by every web process and worker with Redis; per process without (the embedded default).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Without Redis, the web server runs jobs on this many threads of its own (0: inline in the
# request, as before); see core/background.py.
SMARTCRM_BACKGROUND_THREADS = int(os.environ.get("SMARTCRM_BACKGROUND_THREADS", "2"))
# A running job (import, de-duplication, campaign, workflow run, training) beats on its record at
# least every quarter of this; one silent for longer, or whose process is gone, is swept as
# interrupted (core/recovery.py).
SMARTCRM_JOB_LEASE_SECONDS = int(os.environ.get("SMARTCRM_JOB_LEASE_SECONDS", "120"))
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A worker killed mid-task (the OOM killer, kill -9) leaves its message to be delivered again.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Two queues (smartcrm.core.queues): replies, webhooks, emails and single-record work never wait
# behind an import or a refresh.
CELERY_TASK_DEFAULT_QUEUE = "interactive"
CELERY_TASK_QUEUES = (Queue("interactive"), Queue("bulk"))  # a worker without --queues takes both
CELERY_TASK_ROUTES = "smartcrm.core.queues.route"
# An unacknowledged message goes back to the queue after this long: it must be longer than the
# longest task (a full refresh, a big import), or a second worker starts it while the first runs.
SMARTCRM_CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("SMARTCRM_CELERY_VISIBILITY_TIMEOUT", str(6 * 3600)))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": SMARTCRM_CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": SMARTCRM_CELERY_VISIBILITY_TIMEOUT}
# A worker process is replaced after its task when it grew above this (KiB; 0: no limit) or
# after this many tasks (0: no limit): a leak or a huge import does not keep the memory.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = (
    int(os.environ.get("SMARTCRM_WORKER_MAX_MEMORY_MB", "2048")) * 1024 or None
)
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(os.environ.get("SMARTCRM_WORKER_MAX_TASKS_PER_CHILD", "200")) or None
CELERY_TIMEZONE = TIME_ZONE
# `smartcrm beat` runs these; nightly after the day's orders are in.
NIGHTLY_HOUR = int(os.environ.get("SMARTCRM_NIGHTLY_HOUR", "2"))
# How often tickets are checked against their SLA targets (beat, or the embedded runner's timer).
SMARTCRM_SLA_CHECK_SECONDS = int(os.environ.get("SMARTCRM_SLA_CHECK_SECONDS", "300"))
CELERY_BEAT_SCHEDULE = {
    "nightly-train-and-score": {  # fan-out: chunks spread over the bulk workers
        "task": "smartcrm.intelligence.refresh_run",
        "schedule": crontab(hour=NIGHTLY_HOUR, minute=30),
    },
    "nightly-recommendations": {  # fan-out too: fitted once, customers ranked in chunks
        "task": "smartcrm.intelligence.refresh_run",
        "kwargs": {"kind": "recommendations"},
        "schedule": crontab(hour=(NIGHTLY_HOUR + 1) % 24, minute=15),  # after the scores
    },
    "nightly-text-backfill": {  # texts that missed their analysis (imports, model not ready)
        "task": "smartcrm.intelligence.refresh_run",
        "kwargs": {"kind": "texts"},
        "schedule": crontab(hour=NIGHTLY_HOUR, minute=0),  # before the scores read sentiment
    },
    # The assistant's messages whose delivery (SMTP, Telegram) failed, tried again.
    "assistant-deliver-pending": {"task": "smartcrm.assistant.deliver_pending", "schedule": 300.0},
    # Scheduled campaigns whose send time has come.
    "campaigns-start-due": {"task": "smartcrm.campaigns.start_due", "schedule": 60.0},
    # Runs whose worker died (no heartbeat for a lease, or its process gone): core/recovery.py.
    "stale-runs-sweep": {
        "task": "smartcrm.core.sweep_stale_runs",
        "schedule": float(SMARTCRM_JOB_LEASE_SECONDS),
    },
    # Workflows: due timed triggers, waits that are over, retries' backoff, unsent outbox rows.
    "automation-sweep": {"task": "smartcrm.automation.sweep", "schedule": 60.0},
    # Workflows on "a customer enters a saved view": who entered each watched view since the last pass.
    "automation-view-entries": {"task": "smartcrm.automation.view_entries", "schedule": 300.0},
    # The audit chain's head, anchored outside the database (a cut tail is then found).
    "audit-anchor": {"task": "smartcrm.core.anchor_audit_head", "schedule": 3600.0},
    # Email digests of unread notifications, for the users who chose each schedule.
    "collaboration-digest-hourly": {
        "task": "smartcrm.collaboration.send_digests",
        "schedule": crontab(minute=5),
        "args": ("hourly",),
    },
    "collaboration-digest-nightly": {
        "task": "smartcrm.collaboration.send_digests",
        "schedule": crontab(hour=(NIGHTLY_HOUR + 4) % 24, minute=30),
        "args": ("daily",),
    },
    # Tickets that missed an SLA target: recorded once, their assignee and team lead notified.
    "support-sla-breaches": {
        "task": "smartcrm.support.check_sla_breaches",
        "schedule": float(SMARTCRM_SLA_CHECK_SECONDS),
    },
    # Retention rules: old closed tickets' texts and chat transcripts removed.
    "privacy-retention": {
        "task": "smartcrm.privacy.apply_retention",
        "schedule": crontab(hour=(NIGHTLY_HOUR + 2) % 24, minute=0),
    },
}

# /metrics (docs/deploy.md): scrapers send `Authorization: Bearer <token>`; unset, only a client
# on this machine's loopback, not through a proxy, may read it.
SMARTCRM_METRICS_TOKEN = os.environ.get("SMARTCRM_METRICS_TOKEN", "")

# SMARTCRM_LOG_FORMAT=json: one JSON object a line (for a log shipper), after the same redaction.
SMARTCRM_LOG_FORMAT = os.environ.get("SMARTCRM_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_pii": {"()": "smartcrm.core.logging.RedactPIIFilter"}},
    "formatters": {"json": {"()": "smartcrm.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_pii"],
            **({"formatter": "json"} if SMARTCRM_LOG_FORMAT == "json" else {}),
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SMARTCRM_LOG_LEVEL", "WARNING")},
}
