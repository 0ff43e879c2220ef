from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.exceptions import DomainError
from motcua.core.services import seed_agencies


class Command(BaseCommand):
    help = "Create or update the province's agencies from its data file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="Agency list (default: the province's).")

    def handle(self, *args, file: Path | None = None, **options) -> None:
        try:
            count = seed_agencies(file)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"{count} agencies in the province."))
