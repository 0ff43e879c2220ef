"""`motcua oidc_client NAME --redirect-uri URI`: register a system that logs users in."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.exceptions import DomainError
from motcua.identity.oidc.services import register_client


class Command(BaseCommand):
    help = "Register a confidential OpenID Connect client; prints its id and secret once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the system's name, shown on the consent screen")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            required=True,
            dest="redirect_uris",
            help="where the code is sent back (repeat for several)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client = register_client(options["name"], redirect_uris=options["redirect_uris"])
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"client_id: {client.client_id}")
        self.stdout.write(f"client_secret: {client.client_secret}")
        self.stderr.write(
            "Store the secret now: it is kept only as a hash and cannot be shown again."
        )
