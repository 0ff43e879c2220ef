"""Registry officers' pages: import upload, quality dashboard, work queue."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.identity.models import Role
from motcua.registry.models import ImportJob, IssueStatus, QualityIssue
from motcua.registry.quality.scan import run_scan
from motcua.security.models import AuditAction, AuditRecord

pytestmark = pytest.mark.django_db

HEADER = (
    "id_number,full_name,birth_date,sex,birth_province_code,nationality,ethnicity,religion,"
    "permanent_commune_code,permanent_address,temporary_commune_code,temporary_address,"
    "status,death_date,last_verified_at\n"
)


@pytest.fixture
def officer(make_staff, province):
    return make_staff(Role.REGISTRY_OFFICER, agency=province)


def test_upload_page_queues_an_import_and_lists_it(
    client, officer, communes, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    body = (
        HEADER
        + "022085000001,Nguyễn Văn An,1985-04-12,male,022,VN,Kinh,,"
        + f"{communes[0].code},Tổ 1,,,alive,,\n"
    )
    upload = SimpleUploadedFile("dan-cu.csv", body.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/backoffice/registry/import/", {"file": upload}, follow=True)
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert job.original_name == "dan-cu.csv"
    assert len(callbacks) == 1  # the background task is enqueued once the upload commits
    assert "dan-cu.csv" in response.content.decode()


def test_a_picture_uploaded_as_csv_gets_a_clear_message_and_no_job(client, officer):
    client.force_login(officer)
    png = SimpleUploadedFile("anh.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    page = client.post("/backoffice/registry/import/", {"file": png}).content.decode()
    assert "errorlist" in page
    assert not ImportJob.objects.exists()


def test_dashboard_shows_four_scores_per_commune_and_the_queue_resolves(
    client, officer, make_citizen
):
    make_citizen("Hoàng Thị Mai", dt.date(1991, 3, 3), "female", ethnicity="")  # one gap
    make_citizen("Trần Thị Lan", dt.date(1990, 1, 1), "female")
    run_scan()
    client.force_login(officer)
    page = client.get("/backoffice/registry/quality/").content.decode()
    for word in ("Đúng", "Đủ", "Sạch", "Sống"):
        assert word in page
    assert "<svg" in page
    issue = QualityIssue.objects.get(rule="missing_required_fields")
    queue = client.get("/backoffice/registry/quality/issues/", {"attribute": "sufficient"})
    assert "Hoàng Thị Mai" in queue.content.decode()
    client.post(
        f"/backoffice/registry/quality/issues/{issue.pk}/resolve/",
        {"status": "dismissed", "note": "Đã đối chiếu"},
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DISMISSED
    assert AuditRecord.objects.filter(action=AuditAction.UPDATE, object_id=str(issue.pk)).exists()


def test_a_commune_officer_cannot_resolve_another_communes_issue(
    client, make_staff, communes, make_citizen
):
    make_citizen(
        "Hoàng Thị Mai", dt.date(1991, 3, 3), "female", ethnicity="", permanent_commune=communes[1]
    )
    run_scan()
    issue = QualityIssue.objects.get(rule="missing_required_fields")
    client.force_login(make_staff(Role.REGISTRY_OFFICER, unit=communes[0]))
    queue = client.get("/backoffice/registry/quality/issues/").content.decode()
    assert "Hoàng Thị Mai" not in queue
    response = client.post(
        f"/backoffice/registry/quality/issues/{issue.pk}/resolve/", {"status": "fixed"}
    )
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN


def test_the_work_queue_lists_the_most_severe_issues_first(client, officer, make_citizen):
    from motcua.registry.rule_labels import rule_label

    make_citizen("Hoàng Thị Mai", dt.date(1991, 3, 3), "female", last_verified_at=None)  # low
    make_citizen("Lý Văn Bình", dt.date(1980, 5, 5), id_number="022285000009")  # high
    run_scan()
    client.force_login(officer)
    page = client.get("/backoffice/registry/quality/issues/").content.decode()
    high = page.index(str(rule_label("id_century_mismatch")))
    low = page.index(str(rule_label("not_verified")))
    assert high < low
