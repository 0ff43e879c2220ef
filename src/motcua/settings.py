"""Django settings for motcua. Every deployment choice comes from the environment;
docs/deployment.md lists the variables. Defaults give the embedded mode: SQLite and files
under ./var/, no server needed."""

from pathlib import Path
from typing import Any

import dj_database_url

from motcua.env import env_bool, env_list, env_str, secret_key, storage_setting

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", "var")).resolve()

SECRET_KEY = secret_key(VAR_DIR)
DEBUG = env_bool("MOTCUA_DEBUG", default=False)
ALLOWED_HOSTS = env_list("MOTCUA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "motcua.core",
    "motcua.identity",
    "motcua.security",
    "motcua.registry",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.warehouse",
    "motcua.signing",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.demo",
    "oauth2_provider",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.core.context_processors.languages",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    default_sqlite = f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            env_str("DATABASE_URL", default_sqlite), conn_max_age=60, conn_health_checks=True
        )
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        config["CONN_MAX_AGE"] = 0
        # IMMEDIATE: a writer takes the lock when its transaction starts, so the web
        # server and the task worker wait for each other instead of failing mid-way.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # A file, not shared-cache memory: concurrent tests then lock as production does.
        config["TEST"] = {"NAME": str(VAR_DIR / "test-motcua.sqlite3")}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = int(env_str("MOTCUA_SESSION_SECONDS", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("MOTCUA_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "motcua_language"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env_str("MOTCUA_MEDIA_DIR", str(VAR_DIR / "media"))).resolve()
MEDIA_URL = "media/"
STORAGES = {
    # Files on disk under MEDIA_ROOT; MOTCUA_STORAGE=s3 for an S3-compatible object store.
    "default": storage_setting(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve app static folders directly unless `motcua collectstatic` has filled STATIC_ROOT.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = not any(STATIC_ROOT.iterdir())

TASKS = {
    "default": {
        "BACKEND": env_str("MOTCUA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = env_str("MOTCUA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("MOTCUA_FROM_EMAIL", "motcua@localhost")

# The reference province: Quảng Ninh. Other provinces change these, not code.
MOTCUA_PROVINCE_CODE = env_str("MOTCUA_PROVINCE_CODE", "22")
MOTCUA_AGENCY_ROOT_CODE = env_str("MOTCUA_AGENCY_ROOT_CODE", "H49")
# Office hours as "HH:MM-HH:MM" spans; one working day is their total (8 hours by default).
MOTCUA_OFFICE_HOURS = env_list("MOTCUA_OFFICE_HOURS", ["07:30-11:30", "13:00-17:00"])
# One-stop: public status lookups that find nothing, per address per 10 minutes, before a pause;
# largest attachment accepted with a dossier.
MOTCUA_LOOKUP_MISSES_PER_10_MIN = int(env_str("MOTCUA_LOOKUP_MISSES_PER_10_MIN", "20"))
MOTCUA_MAX_ATTACHMENT_BYTES = int(env_str("MOTCUA_MAX_ATTACHMENT_BYTES", str(20 * 1024 * 1024)))
# Registry: years after which an unverified record counts as not "live"; largest import file.
MOTCUA_REGISTRY_VERIFY_YEARS = int(env_str("MOTCUA_REGISTRY_VERIFY_YEARS", "5"))
MOTCUA_REGISTRY_IMPORT_MAX_BYTES = int(
    env_str("MOTCUA_REGISTRY_IMPORT_MAX_BYTES", str(512 * 1024 * 1024))
)
# How many reverse proxies in front of motcua append to X-Forwarded-For (0: trust none).
MOTCUA_PROXY_COUNT = int(env_str("MOTCUA_PROXY_COUNT", "0"))

# --- Digital signatures (signing; docs/signing.md) ---
# The address people reach the site at: printed in QR codes and certificates' CRL links.
MOTCUA_PUBLIC_URL = env_str("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Where private keys live: "file" (encrypted at rest) or "pkcs11" (a hardware module).
MOTCUA_KEY_BACKEND = env_str("MOTCUA_KEY_BACKEND", "file")
MOTCUA_KEY_DIR = Path(env_str("MOTCUA_KEY_DIR", str(VAR_DIR / "signing" / "keys"))).resolve()
# Fernet keys, comma-separated, the first encrypting (rotation: put a new one first). Unset:
# one generated once into var/signing/ — fine for a demo, never for a province.
MOTCUA_KEY_ENCRYPTION_KEYS = env_list("MOTCUA_KEY_ENCRYPTION_KEYS", [])
MOTCUA_PKCS11_MODULE = env_str("MOTCUA_PKCS11_MODULE", "")
MOTCUA_PKCS11_TOKEN = env_str("MOTCUA_PKCS11_TOKEN", "")
MOTCUA_PKCS11_PIN = env_str("MOTCUA_PKCS11_PIN", "")
# Key algorithm of new signing keys: "rsa2048" or "ecdsa-p256".
MOTCUA_SIGNING_ALGORITHM = env_str("MOTCUA_SIGNING_ALGORITHM", "rsa2048")
# Public verifications (page and API) per address per 10 minutes, before HTTP 429.
MOTCUA_VERIFICATIONS_PER_10_MIN = int(env_str("MOTCUA_VERIFICATIONS_PER_10_MIN", "60"))
# An RFC 3161 time-stamping authority; signatures carry its token when set.
MOTCUA_TSA_URL = env_str("MOTCUA_TSA_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("MOTCUA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Font subsetting for signature stamps reports tables it leaves out, every time.
        "fontTools": {"level": "ERROR"},
    },
}


# --- Electronic identity: citizen accounts, second factor, throttling (identity/accounts) ---
# Failed logins (password or second factor) before an account is locked, and for how long.
MOTCUA_LOGIN_FAILURES_BEFORE_LOCK = int(env_str("MOTCUA_LOGIN_FAILURES_BEFORE_LOCK", "5"))
MOTCUA_LOGIN_LOCK_MINUTES = int(env_str("MOTCUA_LOGIN_LOCK_MINUTES", "15"))
# Failures from one address, over any accounts, within the same window.
MOTCUA_LOGIN_FAILURES_PER_IP = int(env_str("MOTCUA_LOGIN_FAILURES_PER_IP", "20"))
# Staff log in with a TOTP second factor (enrolled right after the password the first time).
MOTCUA_STAFF_SECOND_FACTOR = env_bool("MOTCUA_STAFF_SECOND_FACTOR", default=True)

# --- OpenID Connect provider (identity/oidc) ---
# "Log in with e-ID" for other provincial systems; see docs/identity-oidc.md.
from motcua.identity.oidc import keys as _oidc_keys  # noqa: E402

_OIDC_KEYS = _oidc_keys.load(VAR_DIR)  # MOTCUA_OIDC_PRIVATE_KEY, or var/oidc/active.pem
# Where an anonymous authorization request sends the person: the citizen login.
MOTCUA_OIDC_LOGIN_URL = env_str("MOTCUA_OIDC_LOGIN_URL", "/account/login/")
OAUTH2_PROVIDER: dict[str, Any] = {
    "OIDC_ENABLED": True,
    # Empty: derived from the request (the site root). Set it behind a proxy that rewrites.
    "OIDC_ISS_ENDPOINT": env_str("MOTCUA_OIDC_ISSUER", ""),
    # Read at start-up only for django-oauth-toolkit's checks; signing and the JWKS read
    # the key files on every use, so `motcua oidc_rotate_key` needs no restart.
    "OIDC_RSA_PRIVATE_KEY": _OIDC_KEYS.active,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": list(_OIDC_KEYS.previous),
    "OIDC_JWKS_MAX_AGE_SECONDS": 600,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_VALIDATOR_CLASS": "motcua.identity.oidc.validator.MotcuaValidator",
    # No password grant: passwords are typed on motcua's login pages only.
    "OIDC_SERVER_CLASS": "motcua.identity.oidc.server.MotcuaServer",
    "SCOPES_BACKEND_CLASS": "motcua.identity.oidc.scopes.MotcuaScopes",
    # Descriptions shown to people come from the scopes backend, translated.
    "SCOPES": {"openid": "OpenID", "profile": "Name, birth date", "id_number": "ID number"},
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    # The rest of RFC 9700 too: bearer tokens only in headers, `iss` in the authorization
    # response, tokens stored hashed, a replayed refresh token revokes its whole family.
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(env_str("MOTCUA_OIDC_TOKEN_SECONDS", "3600")),
    "ID_TOKEN_EXPIRE_SECONDS": int(env_str("MOTCUA_OIDC_TOKEN_SECONDS", "3600")),
    "ALLOWED_REDIRECT_URI_SCHEMES": env_list(
        "MOTCUA_OIDC_REDIRECT_SCHEMES", ["https", "http"] if DEBUG else ["https"]
    ),
}

# Digitised data warehouse (docs/warehouse.md): limits of the upload pipeline every file
# passes, and the scanners it runs (dotted paths to `scan(data, content_type)` callables).
MOTCUA_UPLOAD_MAX_BYTES = int(env_str("MOTCUA_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
MOTCUA_UPLOAD_MAX_PAGES = int(env_str("MOTCUA_UPLOAD_MAX_PAGES", "100"))
MOTCUA_UPLOAD_MAX_PIXELS = int(env_str("MOTCUA_UPLOAD_MAX_PIXELS", str(40_000_000)))
MOTCUA_UPLOAD_SCANNERS = env_list("MOTCUA_UPLOAD_SCANNERS", ["motcua.warehouse.scanners.structure"])

# External issuers' API (docs/warehouse.md): requests one credential may make in a minute.
MOTCUA_ISSUER_REQUESTS_PER_MINUTE = int(env_str("MOTCUA_ISSUER_REQUESTS_PER_MINUTE", "120"))
