"""Background work of the data-quality scan, run by the task worker (`motcua db_worker`)."""

from django_tasks import task

from motcua.registry.quality.scan import run_scan


@task()
def run_quality_scan() -> dict:
    """Run every quality rule; the result carries the scan's figures and counts per rule."""
    scan = run_scan()
    seconds = (scan.finished_at - scan.started_at).total_seconds() if scan.finished_at else 0.0
    return {
        "scan": scan.pk,
        "citizens": scan.citizens,
        "opened": scan.opened,
        "closed": scan.closed,
        "seconds": round(seconds, 1),
        "counts": scan.counts,
    }
