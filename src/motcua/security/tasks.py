"""Background work of the security app, run by the task worker (`motcua db_worker`)."""

from django_tasks import task

from motcua.security.chain import verify_chain


@task()
def verify_audit_chain() -> dict:
    """Walk the whole audit trail; the result says OK or names the first broken record."""
    report = verify_chain()
    return {
        "ok": report.ok,
        "records": report.records,
        "broken_sequence": report.broken_sequence,
        "kind": report.kind,
        "message": str(report),
    }
