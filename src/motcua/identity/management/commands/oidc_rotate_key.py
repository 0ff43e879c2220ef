"""`motcua oidc_rotate_key`: a new ID-token signing key; the old one still verifies."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.exceptions import DomainError
from motcua.identity.oidc.services import rotate_signing_key


class Command(BaseCommand):
    help = "Make a new active OIDC signing key and keep the previous one in the JWKS."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            old_kid, new_kid = rotate_signing_key()
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"previous kid: {old_kid}")
        self.stdout.write(f"active kid: {new_kid}")
