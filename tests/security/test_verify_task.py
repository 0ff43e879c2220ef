"""The chain check runs as a background task through the real django-tasks-db worker."""

import subprocess
import sys

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from motcua.identity.models import Role
from motcua.security.models import AuditAction
from motcua.security.services import record
from tests.conftest import subprocess_env


def run_worker() -> None:
    """The real worker command, in its own process, until the queue is empty."""
    worker = subprocess.run(
        [
            sys.executable,
            "-m",
            "motcua",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
        ],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr


@pytest.mark.django_db(transaction=True)
def test_security_officer_queues_a_chain_check_that_the_worker_runs(client, make_staff, province):
    client.force_login(make_staff(Role.SECURITY_OFFICER, agency=province))
    record(AuditAction.READ, object_type="registry.citizen", object_id="1", purpose="test")
    response = client.post("/backoffice/audit/verify/", follow=True)
    assert response.status_code == 200
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"

    worker = subprocess.run(
        [
            sys.executable,
            "-m",
            "motcua",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
        ],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr

    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value["ok"] is True
    assert queued.return_value["records"] >= 2
    page = client.get("/backoffice/audit/").content.decode()
    assert f"({queued.return_value['records']} " in page
    assert "status-ok" in page

    tampered = record(AuditAction.READ, object_type="registry.citizen", object_id="2")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE security_auditrecord SET object_id = '3' WHERE id = %s", [tampered.pk]
        )
    client.post("/backoffice/audit/verify/")
    run_worker()
    page = client.get("/backoffice/audit/").content.decode()
    assert "status-bad" in page
    assert f"#{tampered.sequence}" in page


@pytest.mark.django_db
def test_audit_page_lists_records_in_scope_only(client, make_staff, justice, health):
    officer = make_staff(Role.SECURITY_OFFICER, agency=justice)
    record(AuditAction.UPDATE, obj=justice, purpose="đổi tên")
    record(AuditAction.UPDATE, obj=health, purpose="đổi địa chỉ")
    client.force_login(officer)
    page = client.get("/backoffice/audit/").content.decode()
    assert "đổi tên" in page
    assert "đổi địa chỉ" not in page
    api = client.get("/api/security/audit").json()
    assert {row["purpose"] for row in api} >= {"đổi tên"}
    assert "đổi địa chỉ" not in {row["purpose"] for row in api}
