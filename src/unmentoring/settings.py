"""Settings, read only from the environment, each with a demo-safe default.

Every variable is listed in ``.env.example``. URL-shaped values
(``DATABASE_URL``, ``EMAIL_URL``) are parsed by django-environ.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout (src/unmentoring/.. /..). Runtime files live in ./var.
BASE_DIR = Path(environ.Env().str("UNMENTORING_HOME", default=str(PACKAGE_DIR.parent.parent)))
VAR_DIR = BASE_DIR / "var"
# Runtime files (the SQLite database, collected static files) live here.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

env = environ.Env()

# `make run` writes what it decided (demo mode, port, site address, database) to var/demo.env, so that
# every later `unmentoring` command in the checkout agrees with the server. The real environment wins.
DEMO_ENV_FILE = VAR_DIR / "demo.env"
if DEMO_ENV_FILE.exists() and not env.bool("UNMENTORING_IGNORE_DEMO_ENV", default=False):
    environ.Env.read_env(DEMO_ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Demo mode: the local "sent mail" page is on and the published demo key is allowed. Never in production.
DEMO_MODE = env.bool("DEMO_MODE", default=False)
PORT = env.int("PORT", default=8000)

# The published demo key signs links that reveal contact details (a calendar link returns a group's
# email and phone): refused when settings load, for every entry point (web, worker, commands).
DEMO_SECRET_KEY = "demo-only-insecure-key-set-SECRET_KEY-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="") or (DEMO_SECRET_KEY if DEMO_MODE else "")
if not SECRET_KEY or (SECRET_KEY == DEMO_SECRET_KEY and not DEMO_MODE):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set (or is the published demo key) and this is not the demo (DEMO_MODE). Set SECRET_KEY "
        "to a long random value, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )

# The public address used in every emailed link. Only the demo may guess it.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}" if DEMO_MODE else "").rstrip("/")
if not SITE_URL:
    raise ImproperlyConfigured("SITE_URL is not set: emailed links need the service's public address, "
                               "e.g. SITE_URL=https://coffee.example.org")
_site = urlsplit(SITE_URL)
SITE_IS_TLS = _site.scheme == "https"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[_site.hostname or "127.0.0.1", "127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_TZ = True
LANGUAGE_CODE = "en-gb"
USE_I18N = False

INSTALLED_APPS = [
    "unmentoring.core.apps.UnmentoringAdminConfig",  # django.contrib.admin, superusers only, no passwords
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    # Lowest layer first (docs/architecture.md).
    "unmentoring.core",
    "unmentoring.notifications",
    "unmentoring.accounts",
    "unmentoring.programmes",
    "unmentoring.rounds",
    "unmentoring.outcomes",
    "unmentoring.insights",
    "unmentoring.site",
    "unmentoring.console",
    "unmentoring.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages' cached copies, to visitors with no session, after every header above and before the rest.
    "unmentoring.core.views.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "unmentoring.urls"
WSGI_APPLICATION = "unmentoring.wsgi.application"

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
                "django.template.context_processors.csp",
                "unmentoring.core.context_processors.site",
                "unmentoring.console.context_processors.console",  # wiring: core's layout names no app
            ],
        },
    },
]
# Every form renders through our GOV.UK field templates.
FORM_RENDERER = "unmentoring.core.forms.GovukFormRenderer"

# --- Database ---------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'unmentoring.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, a busy timeout and IMMEDIATE transactions let web and worker
    # processes share one file safely (docs/design.md §8).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            # Seconds a writer waits for the lock; then the web answers 503 and the worker waits and retries.
            "timeout": env.float("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's, with a health check that sends no SELECT 1 to a busy, well connection (decision 0018).
        DATABASES["default"]["ENGINE"] = "unmentoring.core.postgresql"
    # Server-side parameters, and a query a connection has run five times is prepared: PostgreSQL then plans it
    # once, not on every request (a third of its time on a signed-in page; decision 0013). Off behind a
    # pooler that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People and sign-in -----------------------------------------------------
AUTH_USER_MODEL = "accounts.Person"
# Magic links only: no backend takes a password, anywhere (the admin included).
# sesame's reads sign-in links (and serves sessions made before ours); ours reads the signed-in person of the
# sessions login() makes now, with a kept query (accounts.backends).
AUTHENTICATION_BACKENDS = ["sesame.backends.ModelBackend", "unmentoring.accounts.backends.PersonBackend"]
SESSION_ENGINE = "unmentoring.core.sessions"  # Django's database sessions, read with a kept query
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "site:signed-in"  # the console for organisers, the account page for everyone else
SESAME_MAX_AGE = 15 * 60
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "token"
SIGN_IN_LIMIT_PER_ADDRESS = env.int("SIGN_IN_LIMIT_PER_ADDRESS", default=5)
SIGN_IN_LIMIT_PER_IP = env.int("SIGN_IN_LIMIT_PER_IP", default=30)
SIGN_IN_LIMIT_WINDOW_SECONDS = 15 * 60
SIGN_UP_CONFIRM_DAYS = 7

# --- Security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_SECURE = SITE_IS_TLS
CSRF_COOKIE_SECURE = SITE_IS_TLS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if SITE_IS_TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SITE_IS_TLS
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
if SITE_IS_TLS:
    SECURE_CSP["upgrade-insecure-requests"] = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Built by `make assets` (npm + sass) from govuk-frontend; never committed.
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
WHITENOISE_USE_FINDERS = True

# --- Email ------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Unmentoring <no-reply@unmentoring.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _mailer_from_url(url: str) -> dict:
    """Map an EMAIL_URL (smtp://, smtp+tls://, smtp+ssl://, consolemail://…) to a MAILERS entry."""
    if not url:
        # The demo: messages stay in the outbox and show on the sent-mail page.
        return {"BACKEND": "unmentoring.notifications.backends.OutboxOnlyBackend"}
    parsed = environ.Env.email_url_config(url)
    backend = parsed["EMAIL_BACKEND"]
    if backend != "django.core.mail.backends.smtp.EmailBackend":
        return {"BACKEND": backend}
    options = {
        "host": parsed.get("EMAIL_HOST") or "localhost",
        "port": parsed.get("EMAIL_PORT") or 25,
        "username": parsed.get("EMAIL_HOST_USER") or "",
        "password": parsed.get("EMAIL_HOST_PASSWORD") or "",
        "use_tls": bool(parsed.get("EMAIL_USE_TLS")),
        "use_ssl": bool(parsed.get("EMAIL_USE_SSL")),
        "timeout": 20,
    }
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": _mailer_from_url(EMAIL_URL)}

# Optional GOV.UK Notify: when NOTIFY_API_KEY is set, email goes through Notify
# (one template with ((subject)) and ((body))) and members who agreed get text
# reminders (one SMS template with ((body))).
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_EMAIL_TEMPLATE_ID = env.str("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_SMS_TEMPLATE_ID = env.str("NOTIFY_SMS_TEMPLATE_ID", default="")
if NOTIFY_API_KEY:
    if not NOTIFY_EMAIL_TEMPLATE_ID:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("NOTIFY_API_KEY is set but NOTIFY_EMAIL_TEMPLATE_ID is not: create an email template "
                                   "whose subject is ((subject)) and body is ((body)) in GOV.UK Notify and set its id.")
    MAILERS = {"default": {"BACKEND": "unmentoring.notifications.backends.NotifyEmailBackend", "OPTIONS": {
        "api_key": NOTIFY_API_KEY, "template_id": NOTIFY_EMAIL_TEMPLATE_ID, "base_url": NOTIFY_BASE_URL}}}
# Public pages (a programme, its learning feed and Atom feed) are served to visitors who are not signed in
# from a copy at most this many seconds old; 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=10)
# GOV.UK Notify's limits for the key and the service: sending is paced to stay within them, and what the
# day's limit leaves waits for the next day (midnight UTC).
NOTIFY_RATE_PER_MINUTE = env.int("NOTIFY_RATE_PER_MINUTE", default=3000)
NOTIFY_DAILY_LIMIT = env.int("NOTIFY_DAILY_LIMIT", default=250_000)
# A message that cannot be delivered is retried (backoff doubling from a minute, at most an hour apart)
# for this long, then marked failed; organisers and site admins are told; `unmentoring outbox requeue` resends.
OUTBOX_RETRY_HOURS = env.int("OUTBOX_RETRY_HOURS", default=72)
# Days a sent (or failed) message's subject, bodies, context and attachments are kept; then they are blanked
# and only the row (template, recipient, status, times) stays, for the record of what was sent.
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=90)

# --- Background work --------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Signed links in URL paths and sign-in tokens never reach a log line.
    "filters": {"redact_tokens": {"()": "unmentoring.core.logging.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own console handler (DEBUG) has no token filter: send its messages through ours only.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Number of reverse proxies in front of the app that append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
CSRF_FAILURE_VIEW = "unmentoring.core.views.csrf_failure"
