"""Reading settings from the environment, with safe defaults for the embedded mode."""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in _TRUE


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def secret_key(var_dir: Path) -> str:
    """The key from MOTCUA_SECRET_KEY, or one generated once into var/ and kept there.

    Generated rather than committed so that no two installations share a key.
    """
    from_env = os.environ.get("MOTCUA_SECRET_KEY")
    if from_env:
        return from_env
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


FILE_SYSTEM_STORAGE = "django.core.files.storage.FileSystemStorage"
S3_STORAGE = "storages.backends.s3.S3Storage"


def storage_setting(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The STORAGES["default"] entry from MOTCUA_STORAGE: unset for files on disk under
    MEDIA_ROOT, `s3` for an S3-compatible object store configured by MOTCUA_S3_*, or the
    dotted path of any other storage class.

    The keys come from the environment only; without them boto3 looks in its own places
    (AWS_* variables, an instance role). Names are content hashes, so a name never needs
    a second version (`file_overwrite` off) and objects stay private, reached through
    signed addresses.
    """
    env = os.environ if environ is None else environ
    backend = env.get("MOTCUA_STORAGE", "").strip() or FILE_SYSTEM_STORAGE
    if backend.lower() != "s3":
        return {"BACKEND": backend}
    bucket = env.get("MOTCUA_S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured("MOTCUA_STORAGE=s3 needs MOTCUA_S3_BUCKET, the bucket's name.")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
    }
    optional = {
        "endpoint_url": "MOTCUA_S3_ENDPOINT_URL",
        "region_name": "MOTCUA_S3_REGION",
        "access_key": "MOTCUA_S3_ACCESS_KEY",
        "secret_key": "MOTCUA_S3_SECRET_KEY",
        "addressing_style": "MOTCUA_S3_ADDRESSING_STYLE",
    }
    for option, name in optional.items():
        value = env.get(name, "").strip()
        if value:
            options[option] = value
    if ("access_key" in options) != ("secret_key" in options):
        raise ImproperlyConfigured(
            "Set both MOTCUA_S3_ACCESS_KEY and MOTCUA_S3_SECRET_KEY, or neither."
        )
    return {"BACKEND": S3_STORAGE, "OPTIONS": options}
