"""`motcua issuer`: register external issuing systems and manage their credentials.

motcua issuer system NAME --type CODE [--type CODE …] [--agency CODE] [--inactive]
motcua issuer credential NAME        # prints the token once
motcua issuer revoke KEY_ID
motcua issuer list
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.models import DocumentType
from motcua.core.exceptions import DomainError
from motcua.core.models import Agency
from motcua.warehouse import issuers
from motcua.warehouse.models import IssuerCredential, IssuerSystem


class Command(BaseCommand):
    help = "Register external issuing systems, issue and revoke their credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        system = commands.add_parser(
            "system", help="register a system, or set the scope of a registered one"
        )
        system.add_argument("name", help="the system's name, recorded as the issuer")
        system.add_argument(
            "--type",
            action="append",
            required=True,
            dest="types",
            help="code of a document type it may deliver (repeat for several)",
        )
        system.add_argument("--agency", default="", help="code of the agency it belongs to")
        system.add_argument(
            "--inactive", action="store_true", help="stop all its credentials from working"
        )
        credential = commands.add_parser(
            "credential", help="issue a credential to a system; prints the token once"
        )
        credential.add_argument("name", help="the system's name")
        revoke = commands.add_parser("revoke", help="revoke a credential")
        revoke.add_argument("key_id")
        commands.add_parser("list", help="the systems, their scope and credentials")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['command']}")(options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def _system(self, options: dict[str, Any]) -> None:
        codes = sorted(set(options["types"]))
        types = list(DocumentType.objects.filter(code__in=codes))
        unknown = set(codes) - {t.code for t in types}
        if unknown:
            raise CommandError(f"Unknown document types: {', '.join(sorted(unknown))}")
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"No agency with code {options['agency']}")
        system = issuers.register_system(
            options["name"], document_types=types, agency=agency, active=not options["inactive"]
        )
        state = "inactive" if options["inactive"] else "active"
        self.stdout.write(f"{system.name}: {state}, may deliver {', '.join(codes)}")

    def _credential(self, options: dict[str, Any]) -> None:
        system = IssuerSystem.objects.filter(name=options["name"]).first()
        if system is None:
            raise CommandError(f"No issuing system named {options['name']}")
        _credential, token = issuers.issue_credential(system)
        self.stdout.write(f"token: {token}")
        self.stderr.write(
            "Store the token now: it is kept only as a hash and cannot be shown again. "
            "The system sends it as 'Authorization: Bearer <token>'."
        )

    def _revoke(self, options: dict[str, Any]) -> None:
        credential = IssuerCredential.objects.filter(key_id=options["key_id"]).first()
        if credential is None:
            raise CommandError(f"No credential with key id {options['key_id']}")
        issuers.revoke_credential(credential)
        self.stdout.write(f"revoked: {credential.key_id}")

    def _list(self, options: dict[str, Any]) -> None:
        for system in IssuerSystem.objects.prefetch_related("document_types", "credentials"):
            codes = ", ".join(sorted(t.code for t in system.document_types.all()))
            state = "active" if system.is_active else "inactive"
            self.stdout.write(f"{system.name} ({state}): {codes}")
            for credential in system.credentials.all():
                status = (
                    f"revoked {credential.revoked_at:%Y-%m-%d}"
                    if credential.revoked_at
                    else "valid"
                )
                used = (
                    f"{credential.last_used_at:%Y-%m-%d %H:%M}"
                    if credential.last_used_at
                    else "never"
                )
                self.stdout.write(f"  {credential.key_id}: {status}, last used {used}")
