from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.security.chain import verify_chain


class Command(BaseCommand):
    help = "Work with the tamper-evident audit trail (`motcua audit verify`)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("verify", help="Check the hash chain; name the first broken record.")

    def handle(self, *args, action: str, **options) -> None:
        if action == "verify":
            report = verify_chain()
            if not report.ok:
                raise CommandError(str(report))
            self.stdout.write(self.style.SUCCESS(str(report)))
