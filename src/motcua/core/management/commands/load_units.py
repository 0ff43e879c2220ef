from django.core.management.base import BaseCommand

from motcua.core.units import load_units


class Command(BaseCommand):
    help = "Load current administrative units (vietnam-provinces) and historic ones, with mapping."

    def handle(self, *args, **options) -> None:
        report = load_units()
        levels = ", ".join(f"{count} {level}" for level, count in report.by_level.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Units: {levels}; {report.created} created, {report.updated} updated; "
                f"{report.successors} old→new links."
            )
        )
