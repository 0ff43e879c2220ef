"""Time-based one-time passwords (RFC 6238, 30-second steps) and recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno

STEP_SECONDS = 30
# Steps either side of now that are still accepted (clock drift, typing time).
WINDOW_STEPS = 1
RECOVERY_CODE_COUNT = 10
ISSUER = "motcua"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account_name: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=account_name, issuer_name=ISSUER
    )


def qr_svg(uri: str) -> str:
    """An inline SVG QR code of `uri` (drawn locally, nothing downloaded)."""
    return segno.make(uri, error="m").svg_inline(scale=4, title="QR")


def matching_step(secret: str, code: str, last_step: int, now: float | None = None) -> int | None:
    """The time step `code` belongs to, if it is within the window and later than
    `last_step` (so a code is never accepted twice); None otherwise."""
    code = "".join(code.split())
    if not secret or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - WINDOW_STEPS, current + WINDOW_STEPS + 1):
        if step > last_step and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like "k3f9-2mqa-x7pd", easy to read out and type."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return [
        "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def normalise_recovery_code(code: str) -> str:
    bare = "".join(ch for ch in code.lower() if ch.isalnum())
    return "-".join(bare[i : i + 4] for i in range(0, len(bare), 4))


def hash_recovery_code(code: str, salt: str | None = None) -> str:
    """ "salt$sha256(salt + code)": the codes are random, so a salted fast hash suffices."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256((salt + normalise_recovery_code(code)).encode()).hexdigest()
    return f"{salt}${digest}"


def recovery_code_matches(code: str, stored: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(hash_recovery_code(code, salt), stored)
