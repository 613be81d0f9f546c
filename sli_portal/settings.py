"""SLI Portal settings: one module, read from the environment.

With no variable set this is the embedded default that `make run` and `make test` use: SQLite
under var/, Celery tasks run eagerly in-process, files under var/media, e-mail printed to the
console, DEBUG on. Production sets DEBUG=0 and the variables listed in the README.
"""

from email.utils import parseaddr
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from .beat import BEAT_SCHEDULE
from .core.logging import logging_config
from .core.storage import s3_storage

env = environ.Env()


def env_bool(name: str, *, default: bool) -> bool:
    """A yes/no variable; nonsense stops the start rather than silently meaning "no"."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; not {raw!r}")


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

# The demo key only ever serves the embedded default; production refuses it below.
DEMO_SECRET_KEY = "sli-portal-demo-secret-key-do-not-use-in-production-0123456789"

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
if not DEBUG and SECRET_KEY in ("", DEMO_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG=0: "
        "the portal refuses to run in production with the demo key."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # First, so its createsuperuser (which applies the password validators) replaces Django's.
    "sli_portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "django_celery_beat",
    "django_filters",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "programmes",
    "priorities",
    "case_studies",
    "indicators",
    "snapshots",
    "peer_challenges",
    "annual_reports",
    "people",
]

MIDDLEWARE = [
    # Outermost: one log line per request, with its time, status and request id.
    "sli_portal.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Inside the session middleware: renews a session now and then rather than on every request.
    "sli_portal.core.middleware.SessionRenewalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # user.is_verified(), then the second step of signing in where it applies.
    "django_otp.middleware.OTPMiddleware",
    "people.middleware.TwoFactorMiddleware",
    # Inside authentication, so it knows who the response is for.
    "sli_portal.core.middleware.PrivateCacheControlMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "programmes.access.SignInRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks, so it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sli_portal.urls"

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
                "sli_portal.pages.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "sli_portal.wsgi.application"

# sqlite:///ABSOLUTE/PATH or postgres://user@host:port/name
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
# Kept connections: measured under gunicorn on PostgreSQL, opening one per request cost /healthz
# 60 % of its throughput (issue 18). Checked before reuse, so a restarted database is survived.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # A file-backed test database lets a real Celery worker read what a test wrote.
    DATABASES["default"]["TEST"] = {"NAME": env.str("SQLITE_TEST_NAME", default=None)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # Refuses further attempts once an account is locked out, before checking the password.
    "axes.backends.AxesStandaloneBackend",
    # The user name or the e-mail address, in any case.
    "sli_portal.core.auth.EmailOrUsernameBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Files (evidence, attachments, logos, rendered PDFs) in MEDIA_ROOT, or in an S3-compatible
# bucket when AWS_STORAGE_BUCKET_NAME is set: the one every web and worker host can reach.
# Private either way; the portal's views stream them after checking access.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": (
        s3_storage(
            bucket_name=AWS_STORAGE_BUCKET_NAME,
            endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default=""),
            region_name=env.str("AWS_S3_REGION_NAME", default=""),
            access_key=env.str("AWS_ACCESS_KEY_ID", default=""),
            secret_key=env.str("AWS_SECRET_ACCESS_KEY", default=""),
            addressing_style=env.str("AWS_S3_ADDRESSING_STYLE", default=""),
            location=env.str("AWS_LOCATION", default=""),
        )
        if AWS_STORAGE_BUCKET_NAME
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# E-mail: EMAIL_URL (smtp+tls://user:password@host:587) in production, console otherwise.
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SLI Portal <sli-portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the phase banner's "feedback" link writes to when the reader has no region of their own
# (the public, the national board); a member writes to their region's coordinator.
# Where the accessibility statement asks people to report a problem; without it, each region's
# coordinator.
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", default="")
FEEDBACK_EMAIL = env.str("FEEDBACK_EMAIL", default=parseaddr(DEFAULT_FROM_EMAIL)[1])

# Celery: a Redis broker when REDIS_URL is set; otherwise tasks run eagerly in the web process.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
# A broker that is down must not hang a web request for long.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With Redis, a task whose worker died unacknowledged returns to the queue after this many
# seconds; it must be longer than the longest task (the e-bulletin: 11 minutes).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}

# Security. In production the portal sits behind a TLS-terminating proxy; SECURE_PROXY_SSL_HEADER
# tells Django to trust its X-Forwarded-Proto, and SECURE_SSL_REDIRECT can be turned off when
# the proxy already redirects.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer checks /healthz over plain HTTP: it answers there, never with a redirect.
# (The checker's Host header must still be in ALLOWED_HOSTS.)
SECURE_REDIRECT_EXEMPT = [r"^healthz(/workers)?$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many trusted proxies stand in front of the portal, each appending to X-Forwarded-For. The
# client's address (for the sign-in lock-out) is read from that header only when this is set.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
if not 0 <= NUM_PROXIES <= 10:
    raise ImproperlyConfigured(f"NUM_PROXIES must be a whole number from 0 to 10; not {NUM_PROXIES}")
# A session ends after SESSION_COOKIE_AGE seconds of inactivity. It is renewed (written) at most
# every SESSION_RENEW_SECONDS, not on every request (sli_portal.core.middleware).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 60 * 60)
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=5 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy: the portal serves every script, style, font and image itself and
# has no inline script. The admin keeps Django's own markup and is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login throttling: AXES_FAILURE_LIMIT wrong passwords for one user name from one address lock
# that pair out for AXES_COOLOFF_HOURS; a successful sign-in resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Counted per account, whichever of its user name or e-mail address was typed.
AXES_USERNAME_CALLABLE = "sli_portal.core.auth.lockout_username"
AXES_CLIENT_IP_CALLABLE = "sli_portal.core.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# The portal's public address, for links in e-mails sent outside a request (reminders, digests).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# OHID Fingertips, where the weekly refresh of outcome indicators reads (indicators/fingertips.py).
FINGERTIPS_API_URL = env.str("FINGERTIPS_API_URL", default="https://fingertips.phe.org.uk/api").rstrip("/")
# Seconds to connect, and to wait for each part of an answer (an indicator's export for every
# council in England takes Fingertips several seconds to build).
FINGERTIPS_CONNECT_TIMEOUT = 10.0
FINGERTIPS_READ_TIMEOUT = env.float("FINGERTIPS_READ_TIMEOUT", default=60.0)
# Retries of one request after a timeout, a lost connection or a 5xx answer, waiting
# FINGERTIPS_BACKOFF × 2^n seconds between them.
FINGERTIPS_RETRIES = 3
FINGERTIPS_BACKOFF = 2.0

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="sli-demo-password")

# Logs: text lines with time, level, logger and request id, or JSON (LOG_FORMAT=json).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json; not {LOG_FORMAT!r}")
LOGGING = logging_config(level=env.str("LOG_LEVEL", default="INFO"), json_format=LOG_FORMAT == "json")

# Error reports to Sentry when SENTRY_DSN is set; never personal data (no user, no request body,
# no cookies) unless SENTRY_SEND_PII says so.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production" if not DEBUG else "development"),
        send_default_pii=env_bool("SENTRY_SEND_PII", default=False),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# /healthz/workers answers 503 when beat's heartbeat (every minute) or the last one a worker ran
# is older than this.
WORKER_SILENCE_SECONDS = env.int("WORKER_SILENCE_SECONDS", default=300)

# Password resets: a link works once and for PASSWORD_RESET_HOURS; an address, and a client,
# may ask for so many reset e-mails an hour.
PASSWORD_RESET_TIMEOUT = int(env.float("PASSWORD_RESET_HOURS", default=2) * 60 * 60)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env.int("PASSWORD_RESET_LIMIT_PER_CLIENT", default=10)

# Two-factor sign-in (TOTP): required for coordinators, publishers and superusers when on —
# by default in production (DEBUG=0), not in `make run`, so the demo signs in with a password.
REQUIRE_2FA = env_bool("REQUIRE_2FA", default=not DEBUG)
# "Remember this device": days a browser skips the code (30 at most; 0 turns it off).
TWO_FACTOR_REMEMBER_DAYS = min(env.int("TWO_FACTOR_REMEMBER_DAYS", default=30), 30)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="SLI Portal")
