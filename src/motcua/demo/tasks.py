"""Background work of the demo: the bulk of the demo dossiers, played while the demo runs."""

from __future__ import annotations

from django_tasks import task

from motcua.demo.dossiers import load_demo_dossiers

# Small transactions, so the web server's writes (SQLite: one writer at a time) wait little.
BACKGROUND_CHUNK = 10


@task()
def play_demo_dossiers(count: int, seed: int) -> int:
    """Play `count` more demo dossiers; returns the total number of dossiers."""
    return load_demo_dossiers(count, seed, if_empty=False, chunk=BACKGROUND_CHUNK).dossiers
