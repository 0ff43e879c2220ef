"""Logging in through the real pages, second factor included (also used by other tests)."""

from __future__ import annotations

import re
import time

import pyotp
from django.utils import timezone

from motcua.identity.models import User


def enrol_totp(user: User) -> str:
    """Give `user` a confirmed authenticator; returns its secret."""
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = timezone.now()
    user.totp_last_step = 0
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    return user.totp_secret


def code_for(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def secret_on_page(html: str) -> str:
    found = re.search(r'id="totp-secret">([A-Z2-7]+)<', html)
    assert found, "the enrolment page shows the secret"
    return found.group(1)


def staff_login(client, username: str, password: str) -> None:
    """Log a staff member in at /backoffice/login/, enrolling the authenticator if needed."""
    response = client.post("/backoffice/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    if response["Location"].startswith("/account/second-factor/"):
        secret = secret_on_page(client.get("/account/second-factor/").content.decode())
        client.post("/account/second-factor/", {"code": code_for(secret)})
    elif response["Location"].startswith("/account/login/code/"):
        user = User.objects.get(username=username)
        client.post("/account/login/code/", {"code": code_for(user.totp_secret)})


def browser_second_factor(page, secret: str | None = None) -> str:
    """In a browser after the password: enrol the authenticator (reading the secret shown)
    and continue past the recovery codes, or type the code when `secret` is known."""
    page.wait_for_url(re.compile(r"/account/(second-factor|login/code)/"))
    if "/second-factor/" in page.url:
        secret = page.locator("#totp-secret").inner_text()
        page.locator("input[name=code]").fill(code_for(secret))
        page.locator("form.stacked button[type=submit]").click()
        page.locator("#recovery-codes").wait_for()
        page.locator("a.button.primary").click()
    else:
        assert secret, "an enrolled user's secret is needed to type the code"
        page.locator("input[name=code]").fill(code_for(secret))
        page.locator("form.stacked button[type=submit]").click()
    return secret
