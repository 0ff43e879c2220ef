"""The RSA keys that sign ID tokens: one active, the previous ones kept for verification.

Source, in order:
- MOTCUA_OIDC_PRIVATE_KEY (PEM) is the active key, MOTCUA_OIDC_PREVIOUS_KEYS (PEM blocks
  one after another) the previous ones; rotation is then the operator's job (new env,
  restart).
- Otherwise files under <MOTCUA_VAR_DIR>/oidc/: `active.pem` (generated on first use,
  mode 600) and `previous/*.pem`. `rotate` writes a new active key and keeps the old one
  under previous/, so tokens signed before the rotation still verify from the JWKS.

Every process reads the files again when they change (stat on each use), so a rotation
made by `motcua oidc_rotate_key` reaches all web workers sharing the directory without
a restart. This module imports no models: settings.py uses it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto import jwk

ENV_ACTIVE = "MOTCUA_OIDC_PRIVATE_KEY"
ENV_PREVIOUS = "MOTCUA_OIDC_PREVIOUS_KEYS"
KEY_BITS = 2048
_PEM_BLOCK = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.+?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL
)


class KeyRotationRefused(Exception):
    """The keys come from the environment: rotate them there."""


@dataclass(frozen=True)
class KeyRing:
    active: str
    previous: tuple[str, ...]

    def active_jwk(self) -> jwk.JWK:
        return _jwk(self.active)

    def all_jwks(self) -> list[jwk.JWK]:
        return [_jwk(pem) for pem in (self.active, *self.previous)]

    def find(self, kid: str) -> jwk.JWK | None:
        return next((key for key in self.all_jwks() if key.thumbprint() == kid), None)


_jwk_cache: dict[str, jwk.JWK] = {}
_ring_cache: dict[tuple, KeyRing] = {}


def _jwk(pem: str) -> jwk.JWK:
    if pem not in _jwk_cache:
        _jwk_cache[pem] = jwk.JWK.from_pem(pem.encode())
    return _jwk_cache[pem]


def key_dir(var_dir: Path) -> Path:
    return var_dir / "oidc"


def new_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def kid_of(pem: str) -> str:
    """The key id published in the JWKS and carried in a token's header: the thumbprint."""
    return str(_jwk(pem).thumbprint())


def _write_private(path: Path, pem: str, *, exclusive: bool) -> bool:
    """Write a key readable by its owner only. With `exclusive`, lose a race gracefully."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(pem)
    return True


def _stamp(path: Path) -> tuple[int, int]:
    try:
        status = path.stat()
    except FileNotFoundError:
        return (0, 0)
    return (status.st_mtime_ns, status.st_ino)


def load(var_dir: Path) -> KeyRing:
    """The current keys; generates the active key file once when there is none."""
    from_env = os.environ.get(ENV_ACTIVE, "").strip()
    if from_env:
        previous = tuple(_PEM_BLOCK.findall(os.environ.get(ENV_PREVIOUS, "")))
        return KeyRing(active=from_env, previous=previous)
    folder = key_dir(var_dir)
    active_path = folder / "active.pem"
    previous_dir = folder / "previous"
    if not active_path.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_private(active_path, new_private_key_pem(), exclusive=True)
    signature = (str(folder), _stamp(active_path), _stamp(previous_dir))
    cached = _ring_cache.get(signature)
    if cached is not None:
        return cached
    previous = tuple(
        path.read_text()
        for path in sorted(previous_dir.glob("*.pem"), reverse=True)
        if previous_dir.is_dir()
    )
    ring = KeyRing(active=active_path.read_text(), previous=previous)
    _ring_cache.clear()
    _ring_cache[signature] = ring
    return ring


def rotate(var_dir: Path) -> tuple[str, str]:
    """Make a new active key; keep the old one under previous/. Returns (old kid, new kid).

    The old key is copied to previous/ before the new one replaces active.pem (an atomic
    rename), so at every moment a reader finds an active key and all keys still in use.
    """
    if os.environ.get(ENV_ACTIVE, "").strip():
        raise KeyRotationRefused(
            f"The signing key comes from {ENV_ACTIVE}: set a new key there, move the old one "
            f"to {ENV_PREVIOUS} and restart."
        )
    old = load(var_dir)
    folder = key_dir(var_dir)
    previous_dir = folder / "previous"
    previous_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    old_kid = kid_of(old.active)
    _write_private(previous_dir / f"{stamp}-{old_kid[:12]}.pem", old.active, exclusive=False)
    new_pem = new_private_key_pem()
    temporary = folder / f".active-{stamp}.pem"
    _write_private(temporary, new_pem, exclusive=True)
    os.replace(temporary, folder / "active.pem")
    return old_kid, kid_of(new_pem)
