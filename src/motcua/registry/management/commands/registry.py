"""`motcua registry generate | import | scan`: the registry's batch work from a terminal."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from motcua.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Population registry: generate a synthetic province, import a file, scan quality."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        generate = actions.add_parser("generate", help="Build a synthetic population.")
        generate.add_argument("--people", type=int, required=True)
        generate.add_argument(
            "--defects", type=float, default=0.0, help="Share of records with a defect (0–1)."
        )
        generate.add_argument("--seed", type=int, default=22)
        generate.add_argument("--defects-file", type=Path, default=Path("var/injected-defects.csv"))
        generate.add_argument(
            "--csv", type=Path, help="Write an import file instead of the database."
        )
        importer = actions.add_parser("import", help="Import citizens from a CSV or XLSX file.")
        importer.add_argument("file", type=Path)
        actions.add_parser("scan", help="Run the data-quality rules.")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _generate(
        self,
        *,
        people: int,
        defects: float,
        seed: int,
        defects_file: Path,
        csv: Path | None,
        **_options,
    ) -> None:
        from motcua.registry.generate import generate_population, write_defects, write_import_csv

        with tqdm(total=people, unit="people", disable=None) as bar:
            if csv is not None:
                report = write_import_csv(
                    csv, people, defect_rate=defects, seed=seed, progress=bar.update
                )
            else:
                report = generate_population(
                    people, defect_rate=defects, seed=seed, progress=bar.update
                )
        write_defects(report.defects, defects_file)
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.people} people, {report.households} households, {report.cards} cards; "
                f"{len(report.defects)} injected defects listed in {defects_file}"
            )
        )

    def _import(self, *, file: Path, **_options) -> None:
        from motcua.registry.imports import import_file

        if not file.exists():
            raise CommandError(f"No such file: {file}")
        bar = tqdm(unit="rows", disable=None)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        job = import_file(file, progress=progress)
        bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"{job.processed_rows} rows: {job.created_rows} new, {job.updated_rows} changed, "
                f"{job.unchanged_rows} unchanged, {job.invalid_rows} rejected."
            )
        )
        if job.invalid_rows and job.error_report:
            self.stdout.write(f"Rejected rows and reasons: {job.error_report.path}")

    def _scan(self, **_options) -> None:
        from motcua.registry.quality.scan import run_scan

        scan = run_scan()
        seconds = (scan.finished_at - scan.started_at).total_seconds() if scan.finished_at else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"{scan.citizens} citizens scanned in {seconds:.1f} s: "
                f"{scan.opened} issues opened, {scan.closed} closed."
            )
        )
        for rule, count in sorted(scan.counts.items()):
            self.stdout.write(f"  {rule:<32} {count}")
