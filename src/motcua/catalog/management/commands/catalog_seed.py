"""`motcua catalog_seed`: load the procedure catalog and the province's essential services."""

from django.core.management.base import BaseCommand

from motcua.catalog.services import seed_catalog


class Command(BaseCommand):
    help = "Load the 25 Project 06 procedures and the 53 essential services (idempotent)."

    def handle(self, *args, **options) -> None:
        counts = seed_catalog()
        self.stdout.write(
            f"{counts['procedures_created']} procedures created; "
            f"{counts['procedures']} procedures, "
            f"{counts['essential_services']} essential services in the catalog."
        )
