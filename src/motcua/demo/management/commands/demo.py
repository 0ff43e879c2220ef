import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from motcua.demo.dossiers import load_demo_dossiers
from motcua.demo.services import load_demo_citizens, load_demo_province, load_demo_registry
from motcua.demo.tasks import play_demo_dossiers
from motcua.dossiers.models import Dossier

# Played before the server starts; the rest are played by the task worker meanwhile.
# (Each approval signs its result twice, about a fifth of a second: 150 take ~30 s.)
AT_ONCE = 150


class Command(BaseCommand):
    help = "Migrate, load the demo province, start the task worker and the web server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Where to serve.")
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the data and print logins only."
        )
        parser.add_argument(
            "--people", type=int, default=20_000, help="Size of the synthetic registry."
        )
        parser.add_argument(
            "--dossiers",
            type=int,
            default=2400,
            help="Demo dossiers played on a fresh database (the first 300 before serving).",
        )

    def handle(
        self, *args, addr: str, no_serve: bool, people: int, dossiers: int, **options
    ) -> None:
        if not no_serve and not settings.DEBUG and "MOTCUA_DEBUG" not in os.environ:
            # The demo serves plain http on localhost: debug mode, non-secure cookies.
            env = {**os.environ, "MOTCUA_DEBUG": "1"}
            argv = [sys.executable, "-m", "motcua", "demo", "--addr", addr, "--people", str(people)]
            argv += ["--dossiers", str(dossiers)]
            os.execve(sys.executable, argv, env)  # noqa: S606
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Loading the demo province (Quảng Ninh)…")
        logins = load_demo_province()
        self.stdout.write(f"Building a registry of {people:,} people with known defects…")
        citizens = load_demo_registry(people)
        self.stdout.write(f"Registry: {citizens:,} citizens, quality scanned.")
        logins += load_demo_citizens()
        fresh = not Dossier.objects.exists()
        now = dossiers if no_serve else min(dossiers, AT_ONCE)
        self.stdout.write(f"Playing {now:,} demo dossiers through the one-stop engine…")
        began = time.perf_counter()
        report = load_demo_dossiers(now)
        self.stdout.write(
            f"Dossiers: {report.dossiers:,} at {report.agencies} agencies "
            f"({report.created:,} new, {time.perf_counter() - began:.0f} s)."
        )
        later = dossiers - now if fresh else 0
        if later > 0:
            play_demo_dossiers.enqueue(later, 23)
            self.stdout.write(f"The task worker plays {later:,} more in the background.")
        url = f"http://{addr}/"
        self.stdout.write(self.style.SUCCESS(f"\nmotcua demo: {url}"))
        self.stdout.write(f"Back office: {url}backoffice/   API docs: {url}api/docs")
        self.stdout.write("Logins (passwords are new on every run):")
        for login in logins:
            self.stdout.write(
                f"  {login.username:<12} {login.password:<14} {login.role} — {login.scope}"
            )
        if no_serve:
            return
        worker = subprocess.Popen(
            [sys.executable, "-m", "motcua", "db_worker", "--no-reload", "--queue-name", "*"]
        )
        self.stdout.write(f"Task worker started (pid {worker.pid}). Ctrl-C stops both.\n")
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
