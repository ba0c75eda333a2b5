"""Settings, all from the environment (django-environ) with zero-setup defaults.

Without DATABASE_URL / REDIS_URL the embedded PostgreSQL and Redis under INBOX_DATA_DIR
(default .data/) are started or joined, so `manage.py`, the workers and the tests all work
on a fresh machine.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.conf import global_settings

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DATA_DIR = Path(env("INBOX_DATA_DIR", default=str(BASE_DIR / ".data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

if not env("DATABASE_URL", default="") or not env("REDIS_URL", default=""):
    from config.embedded import ensure_services

    ensure_services(DATA_DIR)


def _local_secret(name: str, factory) -> str:
    """A secret generated once per data directory, so a zero-setup install is stable."""
    path = DATA_DIR / name
    if not path.exists():
        path.write_text(factory())
        path.chmod(0o600)
    return path.read_text().strip()


def _new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def _new_secret_key() -> str:
    from django.core.management.utils import get_random_secret_key

    return get_random_secret_key()


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="") or _local_secret("secret_key", _new_secret_key)
# Channel secrets at rest (Fernet). Several comma-separated keys allow rotation: first encrypts.
SECRETS_ENCRYPTION_KEYS = env.list("SECRETS_ENCRYPTION_KEYS", default=[]) or [
    _local_secret("secrets_key", _new_fernet_key)
]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public base URL providers call back (webhook URLs are signed over it).
PORT = env.int("PORT", default=8000)
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")

INSTALLED_APPS = [
    "config.admin_site.SuperuserAdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    # Not django_otp.plugins.otp_totp: its device keeps the TOTP secret as plain hex;
    # members.TOTPDevice encrypts it (members/totp_device.py).
    "axes",
    "channels",
    "inbox",
    "channels_sms",
    "channels_rcs",
    "channels_whatsapp",
    "simulator",
    "dashboards",
    "members",
    "workspace_settings",
    "outbound_webhooks",
    "privacy",
    "contacts",
    "campaigns",
    "automations",
    "operators",
    "monitoring",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a member's own language, else Accept-Language, else their
    # workspace's (Django's LocaleMiddleware knows only the first two).
    "members.language_middleware.activate_member_language",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A workspace's zone, activated by a page, ends with its request (not its thread).
    "inbox.timezone_middleware.reset_time_zone",
    # Before the two-factor gate, which answers htmx requests with a client redirect.
    "django_htmx.middleware.HtmxMiddleware",
    "members.middleware.TwoFactorMiddleware",
    # While no workspace exists, "/" leads to the first-run setup page.
    "operators.middleware.FirstRunMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
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
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL")}
# Under ASGI each request may run on another thread, so persistent per-thread connections
# pile up until PostgreSQL refuses clients; psycopg's pool shares a few instead.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if env.bool("DB_POOL", default=True):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=16),
        "timeout": env.int("DB_POOL_TIMEOUT", default=10),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
CHANNEL_LAYERS = {
    "default": {
        # Pub/sub, not channels_redis's list-based core layer: every socket of a process
        # shares one blocking pop there, and the socket holding it when it closes takes
        # an event meant for its neighbours with it (a teammate's "offline" lost for
        # good). Live events are facts to re-read, never stored here: a browser that was
        # away catches up from the database, so a publish with no listener can be dropped.
        # Its subclass decodes a received event once for all the process's sockets
        # (inbox/realtime/relay.py).
        "BACKEND": "inbox.realtime.relay.RelayChannelLayer",
        "CONFIG": {
            "hosts": [REDIS_URL],
            "prefix": env("CHANNELS_PREFIX", default="inbox"),
        },
    }
}
CACHES = {
    "default": {
        # Django's Redis cache, as an empty cache while Redis is unreachable (pages go on).
        "BACKEND": "inbox.fail_soft_cache.FailSoftRedisCache",
        "LOCATION": REDIS_URL,
    }
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or (
    REDIS_URL.replace("unix://", "redis+socket://", 1)
    if REDIS_URL.startswith("unix://")
    else REDIS_URL
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_PREFETCH", default=4)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE = {
    "requeue-stuck-messages": {
        "task": "inbox.tasks.requeue_stuck_messages",
        "schedule": env.float("REQUEUE_SWEEP_SECONDS", default=60.0),
    },
    "apply-inbound-events": {
        "task": "inbox.tasks.apply_inbound_events",
        "schedule": env.float("INBOUND_SWEEP_SECONDS", default=30.0),
    },
    "expire-messages": {
        "task": "inbox.tasks.expire_messages",
        "schedule": env.float("EXPIRY_SWEEP_SECONDS", default=15.0),
    },
    "adopt-late-orphans": {
        "task": "inbox.tasks.adopt_late_orphans",
        "schedule": env.float("ORPHAN_SWEEP_SECONDS", default=30.0),
    },
    # Tasks keep their first names when their module moves (name= on the task): here
    # outbound_webhooks.tasks, inbox.tasks and privacy.tasks (tests/config/test_task_names.py).
    "sweep-webhook-deliveries": {
        "task": "workspace_settings.tasks.sweep_webhook_deliveries",
        "schedule": 30.0,
    },
    "reassign-offline-conversations": {
        "task": "workspace_settings.tasks.reassign_offline_conversations",
        "schedule": 60.0,
    },
    # Dashboard roll-ups: figures are at most this old (docs/METRICS.md).
    "dashboards-roll-up": {
        "task": "dashboards.tasks.roll_up",
        "schedule": env.float("DASHBOARD_ROLLUP_SECONDS", default=60.0),
    },
    "sweep-presence": {
        "task": "inbox.tasks.sweep_presence",
        "schedule": env.float("PRESENCE_SWEEP_SECONDS", default=15.0),
    },
    "wake-snoozed-conversations": {
        "task": "inbox.tasks.wake_snoozed_conversations",
        "schedule": env.float("SNOOZE_SWEEP_SECONDS", default=30.0),
    },
    "sweep-contact-imports": {
        "task": "inbox.tasks.sweep_contact_imports",
        "schedule": env.float("CONTACT_IMPORT_SWEEP_SECONDS", default=30.0),
    },
}
# CSV contact imports (inbox/services/contact_import/): the largest upload accepted, rows
# per committed chunk, how many rows the API imports before answering (more: 202 and a
# worker), how long a running import may go without committing a chunk before beat
# re-requests it, how many runs it gets before it is marked failed, and how long an
# upload may wait at the mapping step before its file is deleted.
CONTACT_IMPORT_MAX_BYTES = env.int("CONTACT_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
CONTACT_IMPORT_CHUNK_ROWS = env.int("CONTACT_IMPORT_CHUNK_ROWS", default=2000)
CONTACT_IMPORT_SYNC_ROWS = env.int("CONTACT_IMPORT_SYNC_ROWS", default=5000)
CONTACT_IMPORT_STALE_SECONDS = env.int("CONTACT_IMPORT_STALE_SECONDS", default=60)
CONTACT_IMPORT_MAX_RUNS = env.int("CONTACT_IMPORT_MAX_RUNS", default=5)
CONTACT_IMPORT_ABANDONED_HOURS = env.int("CONTACT_IMPORT_ABANDONED_HOURS", default=24)
# A queued message older than this with no worker progress is enqueued again.
OUTBOX_STUCK_AFTER_SECONDS = env.int("OUTBOX_STUCK_AFTER_SECONDS", default=120)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# A delivery report for a provider id no message of ours claims is kept this long.
ORPHAN_KEEP_DAYS = env.int("ORPHAN_KEEP_DAYS", default=7)
# Batched first attempts (inbox/services/outbox/drain.py).
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=100)
# The send loop's executor, for adapters without a native async send (inbox/send_loop.py).
OUTBOX_SEND_THREADS = env.int("OUTBOX_SEND_THREADS", default=64)
OUTBOX_RATE_HEADROOM = env.float("OUTBOX_RATE_HEADROOM", default=0.8)
OUTBOX_LATE_TOLERANCE = env.float("OUTBOX_LATE_TOLERANCE", default=0.05)
# A message left `sending` this long after its claim (a worker died during the call) is
# settled with the provider (inbox/services/outbox/reconcile.py): well over any send's
# slot wait plus its client timeout, so the call cannot still be in flight. One the
# provider cannot be asked about yet fails "outcome unknown" at OUTBOX_UNKNOWN_AFTER.
OUTBOX_RECONCILE_AFTER_SECONDS = env.int("OUTBOX_RECONCILE_AFTER_SECONDS", default=60)
OUTBOX_UNKNOWN_AFTER_SECONDS = env.int("OUTBOX_UNKNOWN_AFTER_SECONDS", default=300)
# The built-in fake providers (/sandbox/twilio/, /sandbox/rbm/) and the phone simulator
# (/sandbox/phone/): off unless asked for, since they inject customer messages into
# workspaces. `make run` and the test suite turn them on (a demo or dev install).
SMS_SANDBOX_ENABLED = env.bool("SMS_SANDBOX_ENABLED", default=False)
RCS_SANDBOX_ENABLED = env.bool("RCS_SANDBOX_ENABLED", default=False)
WHATSAPP_SANDBOX_ENABLED = env.bool("WHATSAPP_SANDBOX_ENABLED", default=False)
# Apply webhook events in the web process right after commit instead of in a worker
# (tests and single-process debugging; production keeps webhooks to one insert).
INBOUND_EVENTS_INLINE = env.bool("INBOUND_EVENTS_INLINE", default=False)
# Inbound events one worker claims and applies per transaction (inbox/services/inbound_queue).
INBOUND_APPLY_BATCH = env.int("INBOUND_APPLY_BATCH", default=200)
# Partitions (by customer) applied side by side: one per worker process uses every core.
INBOUND_APPLY_PARTITIONS = env.int("INBOUND_APPLY_PARTITIONS", default=2)
# Connections the async webhook lane (inbox/webhook_lane.py) keeps per web process.
WEBHOOK_LANE_POOL_SIZE = env.int("WEBHOOK_LANE_POOL_SIZE", default=8)
WEBHOOK_LANE_DB_WAIT_SECONDS = env.float("WEBHOOK_LANE_DB_WAIT_SECONDS", default=5.0)
# Group commit (inbox/group_commit.py): at most this many INSERTs in flight per web
# process, each carrying every webhook's row queued when it starts, up to MAX_ROWS.
WEBHOOK_LANE_WRITERS = env.int("WEBHOOK_LANE_WRITERS", default=2)
WEBHOOK_LANE_MAX_ROWS = env.int("WEBHOOK_LANE_MAX_ROWS", default=64)
# How long a call to a provider (send, lookup, capability) waits for its answer. A send
# that times out after the request left is settled with the provider later, not resent
# (inbox/services/outbox/reconcile.py): keep it well under OUTBOX_RECONCILE_AFTER_SECONDS.
PROVIDER_TIMEOUT_SECONDS = env.float("PROVIDER_TIMEOUT_SECONDS", default=15.0)

# /readyz (monitoring/readiness.py): not ready past these ages, or a probe past its timeout.
READY_WORKER_HEARTBEAT_SECONDS = env.int("READY_WORKER_HEARTBEAT_SECONDS", default=60)
READY_MAX_APPLY_LAG_SECONDS = env.int("READY_MAX_APPLY_LAG_SECONDS", default=60)
# Campaigns queue for hours at their senders' rates; only a much older row means stuck.
READY_MAX_QUEUED_AGE_SECONDS = env.int("READY_MAX_QUEUED_AGE_SECONDS", default=6 * 3600)
READY_CHECK_TIMEOUT_SECONDS = env.int("READY_CHECK_TIMEOUT_SECONDS", default=2)
# /metrics (monitoring/access.py): a bearer token, or else these addresses only.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOW = env.list("METRICS_ALLOW", default=["127.0.0.1/32", "::1/128"])
# The customer sees "agent is typing" refreshed at most this often per conversation.
TYPING_SIGNAL_INTERVAL_SECONDS = env.int("TYPING_SIGNAL_INTERVAL_SECONDS", default=5)
# A customer waiting longer than this shows as overdue in the conversation list.
INBOX_RESPONSE_TARGET_MINUTES = env.int("INBOX_RESPONSE_TARGET_MINUTES", default=15)
# An agent offline this long loses their open conversations to online teammates, on teams
# that ask for it.
ROUTING_OFFLINE_GRACE_SECONDS = env.int("ROUTING_OFFLINE_GRACE_SECONDS", default=120)
# Outbound webhooks: retries with exponential backoff, capped, then given up (logged).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=3600.0)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Server-side calls (webhooks, channel APIs, RCS token_uri, inbound media) never reach
# loopback/private/link-local addresses (SSRF), except hosts, `*.domains`, addresses or
# CIDRs on this operator allow-list (inbox/address_guard.py). `make run` and the test
# suite allow loopback, where the built-in sandboxes listen.
ADDRESS_GUARD_ALLOW = env.list("ADDRESS_GUARD_ALLOW", default=[])

# Django's own list unless set. The test suite sets a fast hasher for itself and the
# servers it starts (a production-strength hash costs 0.4 s of CPU per user on 2 cores);
# never set it in production.
PASSWORD_HASHERS = env.list("PASSWORD_HASHERS", default=global_settings.PASSWORD_HASHERS)
# Every form that sets a password (invitation sign-up, reset, change, createsuperuser)
# refuses short, common, all-digit and username/email-like ones.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox:home"
LOGOUT_REDIRECT_URL = "login"

# Workspace administration (members/): login throttling, two-factor, invitation email.
AUTHENTICATION_BACKENDS = [
    "members.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Guessing one account's password locks that account for a while, from whatever
# addresses the guesses came (so spreading them over many, or forging X-Forwarded-For,
# buys nothing); the lock lifts by itself, and a shared office IP does not lock everyone.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.25)
# The (username, address) pair alone was walked past by rotating addresses.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
# Refused attempts during a lock do not extend it: the page's "try again at" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The peer address from the ASGI server (which folds in X-Forwarded-For only from
# TRUSTED_PROXIES, scripts/web_server.py), never a header read by Django itself.
AXES_CLIENT_IP_CALLABLE = "members.login_throttle.client_address"
AXES_LOCKOUT_CALLABLE = "members.login_throttle.lockout_response"
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Inbox")
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# The one-time link a new workspace's admin opens to choose a password (create_workspace).
SETUP_LINK_VALID_HOURS = env.int("SETUP_LINK_VALID_HOURS", default=72)
# Invitations and password resets; the console backend prints them for a zero-setup run.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="inbox@localhost")
# Scripts only from our own origin; htmx and the settings pages set inline styles, and
# media/logos may come from a provider's https URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "https:"],
        "media-src": ["'self'", "https:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
# RCS brand registrations waiting on Google's verification or launch review.
CELERY_BEAT_SCHEDULE["refresh-rcs-brand-registrations"] = {
    "task": "channels_rcs.brand.refresh_brand_registrations",
    "schedule": env.float("RCS_BRAND_REFRESH_SECONDS", default=900.0),
}
CELERY_BEAT_SCHEDULE["purge-expired-messages"] = {
    "task": "members.tasks.purge_expired_messages",
    "schedule": env.float("RETENTION_SWEEP_SECONDS", default=3600.0),
}
# RCS reachability per contact (inbox/services/reachability.py): each run asks a channel's
# provider about at most REACHABILITY_BATCH_SIZE contacts, never-checked first, then the
# answers older than REACHABILITY_MAX_AGE_HOURS; batch size and interval bound the rate.
REACHABILITY_BATCH_SIZE = env.int("REACHABILITY_BATCH_SIZE", default=500)
REACHABILITY_MAX_AGE_HOURS = env.float("REACHABILITY_MAX_AGE_HOURS", default=168.0)
# Campaigns (inbox/services/campaigns/): contacts judged per committed chunk (a run's
# first chunk, then doubling up to the max: expansion.chunk_sizes), how long one task
# expands before requesting itself again, and how long a running campaign may go without
# a chunk before beat's sweep re-requests it (a lost task, a dead worker).
CAMPAIGN_CHUNK_SIZE = env.int("CAMPAIGN_CHUNK_SIZE", default=200)
CAMPAIGN_CHUNK_MAX_SIZE = env.int("CAMPAIGN_CHUNK_MAX_SIZE", default=1000)
CAMPAIGN_RUN_SECONDS = env.float("CAMPAIGN_RUN_SECONDS", default=20.0)
CAMPAIGN_STALE_SECONDS = env.int("CAMPAIGN_STALE_SECONDS", default=60)
# A big campaign's funnel (inbox/selectors/campaign_funnel_report.py) is computed at most
# this often and shared by the page, its CSV and the API; smaller ones are always live.
CAMPAIGN_FUNNEL_CACHE_SECONDS = env.int("CAMPAIGN_FUNNEL_CACHE_SECONDS", default=30)
CAMPAIGN_FUNNEL_CACHE_MIN_RECIPIENTS = env.int("CAMPAIGN_FUNNEL_CACHE_MIN_RECIPIENTS", default=5000)
# Automations (automations/): the per-conversation reply guard's default, the outbound
# webhook action's timeout, and how often a process rechecks a workspace's rule version.
AUTOMATION_MAX_REPLIES_PER_HOUR = env.int("AUTOMATION_MAX_REPLIES_PER_HOUR", default=5)
AUTOMATION_WEBHOOK_TIMEOUT_SECONDS = env.float("AUTOMATION_WEBHOOK_TIMEOUT_SECONDS", default=5.0)
AUTOMATION_RULES_RECHECK_SECONDS = env.float("AUTOMATION_RULES_RECHECK_SECONDS", default=1.0)
# Runs what a worker that died had taken (automations/services/run_queue.py).
CELERY_BEAT_SCHEDULE["run-automations"] = {
    "task": "automations.tasks.run_automations",
    "schedule": env.float("AUTOMATION_SWEEP_SECONDS", default=60.0),
}
CELERY_BEAT_SCHEDULE["sweep-campaigns"] = {
    "task": "inbox.tasks.sweep_campaigns",
    "schedule": env.float("CAMPAIGN_SWEEP_SECONDS", default=30.0),
}
CELERY_BEAT_SCHEDULE["refresh-contact-reachability"] = {
    "task": "contacts.tasks.refresh_contact_reachability",
    "schedule": env.float("REACHABILITY_REFRESH_SECONDS", default=300.0),
}

LANGUAGE_CODE = "en"
# The product speaks English and (neutral Latin American) Spanish; a member's own choice,
# else their browser's Accept-Language, else their workspace's language picks one
# (members/language_middleware.py). Catalogs: locale/ (`make messages`, docs/I18N.md).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / "node_modules")]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
# Stored media is served to the workspace's members only; a provider fetching an agent's
# attachment gets a URL signed at each send, valid this long (its retries must fit).
MEDIA_SIGNED_URL_HOURS = env.float("MEDIA_SIGNED_URL_HOURS", default=24.0)
# Inbound media copied from providers: the largest file kept, and the accepted types.
MEDIA_MAX_BYTES = env.int("MEDIA_MAX_BYTES", default=5 * 1024 * 1024)
MEDIA_ALLOWED_TYPES = env.list(
    "MEDIA_ALLOWED_TYPES",
    default=["image/*", "video/*", "audio/*", "application/pdf", "text/vcard", "text/x-vcard"],
)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# TLS whenever the public address is https: cookies only over TLS, plain-http pages
# redirected, browsers told (HSTS) to use nothing else. An http PUBLIC_BASE_URL (make
# run, the tests, compose's default) changes nothing. Each can be set on its own.
PUBLIC_HTTPS = PUBLIC_BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PUBLIC_HTTPS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PUBLIC_HTTPS)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PUBLIC_HTTPS)
# A redirected POST comes back as a GET: a provider's webhook would be lost, not moved.
SECURE_REDIRECT_EXEMPT = [r"^webhooks/", r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=365 * 24 * 3600 if PUBLIC_HTTPS else 0)
# Subdomains of the inbox's own host name (not its parent domain's other sites).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is the operator's hard-to-undo decision for their whole domain (HSTS_PRELOAD),
    # not a default: `check --deploy` need not nag about it.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# uvicorn already takes the scheme from X-Forwarded-Proto, from TRUSTED_PROXIES only. Set
# this (a header name, e.g. X-Forwarded-Proto, meaning "https") only for another ASGI
# server, and only if the proxy overwrites that header on every request.
if _proxy_ssl_header := env("PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
