"""Bulk import of citizens from CSV and XLSX files: what an officer who uploads one sees."""

import csv
import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from motcua.core.exceptions import DomainError
from motcua.identity.models import Role
from motcua.registry import idnumber
from motcua.registry.importing import runner
from motcua.registry.importing.rows import RowParser
from motcua.registry.importing.sources import COLUMNS, SourceRow
from motcua.registry.imports import import_file, start_import
from motcua.registry.models import Citizen, ImportJob, ImportStatus
from motcua.security.models import AuditRecord
from tests.conftest import subprocess_env

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Stored uploads and error reports go to this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def person(serial: int, commune, **fields) -> dict[str, str]:
    """One valid import row; fields override any column."""
    birth = fields.get("birth_date", "1985-04-12")
    year = int(birth[:4]) if birth[:4].isdigit() else 1985
    sex = fields.get("sex", "male")
    row = {
        "id_number": idnumber.compose("022", year, sex, serial),
        "full_name": "Nguyễn Văn An",
        "birth_date": birth,
        "sex": sex,
        "birth_province_code": "022",
        "nationality": "VN",
        "ethnicity": "Kinh",
        "religion": "",
        "permanent_commune_code": commune.code,
        "permanent_address": "Tổ 1, Khu 2",
        "temporary_commune_code": "",
        "temporary_address": "",
        "status": "alive",
        "death_date": "",
        "last_verified_at": "2025-06-01",
    }
    row.update(fields)
    return row


def write_csv(path: Path, rows: list[dict], header=COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def report(job: ImportJob) -> dict[str, str]:
    """The error report as {row number: reason}."""
    with job.error_report.open("rb") as stream:
        lines = list(csv.reader(io.StringIO(stream.read().decode("utf-8-sig"))))
    assert lines[0] == ["row", "ID number", "reason"]
    return {line[0]: line[2] for line in lines[1:]}


def stored() -> dict[str, tuple]:
    return {
        citizen.id_number: (
            citizen.full_name,
            citizen.name_key,
            citizen.birth_date,
            citizen.sex,
            citizen.permanent_commune_id,
            citizen.last_verified_at,
            citizen.updated_at,
        )
        for citizen in Citizen.objects.all()
    }


@pytest.mark.django_db
def test_valid_rows_are_stored_with_a_diacritic_free_name_key(tmp_path, communes):
    path = write_csv(
        tmp_path / "people.csv",
        [person(1, communes[0]), person(2, communes[1], full_name="  Trần  Thị Bích Ngọc ")],
    )
    job = import_file(path)
    assert (job.status, job.created_rows, job.invalid_rows) == (ImportStatus.DONE, 2, 0)
    ngoc = Citizen.objects.get(id_number=idnumber.compose("022", 1985, "male", 2))
    assert ngoc.full_name == "Trần Thị Bích Ngọc"
    assert ngoc.name_key == "tran thi bich ngoc"
    assert ngoc.permanent_commune == communes[1]
    assert ngoc.source == "import"
    assert ngoc.created_at is not None and ngoc.updated_at is not None


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(tmp_path, communes):
    path = write_csv(tmp_path / "people.csv", [person(n, communes[0]) for n in range(1, 4)])
    import_file(path)
    before = stored()
    again = import_file(path)
    assert (again.created_rows, again.updated_rows, again.unchanged_rows) == (0, 0, 3)
    assert stored() == before


@pytest.mark.django_db
def test_a_changed_row_updates_its_record_and_is_counted_as_changed(tmp_path, communes):
    rows = [person(1, communes[0]), person(2, communes[0])]
    import_file(write_csv(tmp_path / "first.csv", rows))
    rows[1]["full_name"] = "Nguyễn Văn Bình"
    job = import_file(write_csv(tmp_path / "second.csv", rows))
    assert (job.created_rows, job.updated_rows, job.unchanged_rows) == (0, 1, 1)
    changed = Citizen.objects.get(id_number=rows[1]["id_number"])
    assert (changed.full_name, changed.name_key) == ("Nguyễn Văn Bình", "nguyen van binh")


def _in_a_year() -> str:
    return (timezone.localdate() + dt.timedelta(days=366)).isoformat()


BAD_ROWS = {
    "eleven digits": ({"id_number": "02208500001"}, "exactly 12 digits"),
    "letters": ({"id_number": "02208500000A"}, "exactly 12 digits"),
    "century digit against birth date": (
        {"id_number": "022285000077"},
        "the century/sex digit 2 means born 2000–2099, but birth year is 1985",
    ),
    "future birth date": ({"birth_date": "future"}, "is in the future"),
    "unparseable date": ({"birth_date": "12.04.1985"}, 'birth date "12.04.1985" is not a date'),
    "unknown commune": ({"permanent_commune_code": "99999"}, "unknown commune code 99999"),
    "unknown sex": ({"sex": "X"}, 'unknown sex "X"'),
    "unknown status": ({"status": "asleep"}, 'unknown status "asleep"'),
    "missing name": ({"full_name": "  "}, "the full name is missing"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_bad_row_is_rejected_with_its_reason_while_good_rows_are_imported(
    case, tmp_path, communes
):
    fields, reason = BAD_ROWS[case]
    if fields.get("birth_date") == "future":
        fields = {"birth_date": _in_a_year()}
    rows = [person(1, communes[0]), person(2, communes[0], **fields), person(3, communes[0])]
    job = import_file(write_csv(tmp_path / "people.csv", rows))
    assert (job.status, job.created_rows, job.invalid_rows) == (ImportStatus.DONE, 2, 1)
    reasons = report(job)
    assert list(reasons) == ["3"]
    assert reason in reasons["3"]
    assert not Citizen.objects.filter(id_number=rows[1]["id_number"]).exists()


@pytest.mark.django_db
def test_a_line_that_is_not_utf8_is_rejected_alone(tmp_path, communes):
    path = write_csv(tmp_path / "people.csv", [person(1, communes[0]), person(3, communes[0])])
    lines = path.read_bytes().splitlines(keepends=True)
    latin1 = ",".join(person(2, communes[0]).values()).encode("cp1258", errors="replace")
    path.write_bytes(b"".join([lines[0], lines[1], latin1 + b"\xff\r\n", lines[2]]))
    job = import_file(path)
    assert (job.created_rows, job.invalid_rows) == (2, 1)
    assert report(job) == {"3": "not UTF-8 text"}


@pytest.mark.django_db
def test_a_second_row_with_the_same_id_number_is_rejected_as_a_duplicate(tmp_path, communes):
    rows = [person(1, communes[0]), person(1, communes[1], full_name="Nguyễn Văn Ân")]
    job = import_file(write_csv(tmp_path / "people.csv", rows))
    assert (job.created_rows, job.invalid_rows) == (1, 1)
    assert report(job) == {"3": "duplicate of row 2 (same ID number)"}
    assert Citizen.objects.get().full_name == "Nguyễn Văn An"


@pytest.mark.django_db
def test_an_empty_file_fails_with_a_clear_message(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    job = import_file(path)
    assert job.status == ImportStatus.FAILED
    assert job.message == "The file is empty."


@pytest.mark.django_db
def test_a_header_only_file_ends_done_with_no_rows(tmp_path):
    job = import_file(write_csv(tmp_path / "header.csv", []))
    assert job.status == ImportStatus.DONE
    assert job.processed_rows == 0
    assert job.message == "The file has a header but no rows."


@pytest.mark.django_db
@pytest.mark.parametrize("content", [PNG, PDF], ids=["png", "pdf"])
def test_an_image_or_pdf_named_csv_fails_with_a_clear_message(content, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    job = import_file(path)
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("This is not a CSV or XLSX file of citizens.")
    assert Citizen.objects.count() == 0


@pytest.mark.django_db
def test_an_xlsx_workbook_imports_the_same_records_as_the_csv(tmp_path, communes):
    rows = [person(1, communes[0]), person(2, communes[1], full_name="Lê Thị Hoa", sex="Nữ")]
    workbook = write_xlsx(tmp_path / "people.xlsx", [list(row.values()) for row in rows])
    first = import_file(workbook)
    assert (first.status, first.created_rows) == (ImportStatus.DONE, 2)
    # The CSV of the same rows finds nothing to change.
    again = import_file(write_csv(tmp_path / "people.csv", rows))
    assert (again.created_rows, again.updated_rows, again.unchanged_rows) == (0, 0, 2)


@pytest.mark.django_db
def test_xlsx_numbers_get_their_leading_zeros_back_and_date_cells_are_dates(tmp_path, communes):
    row = person(7, communes[0])
    cells = list(row.values())
    cells[0] = int(row["id_number"])  # 22085000007: Excel dropped the zero
    cells[2] = dt.datetime(1985, 4, 12)
    cells[8] = int(communes[0].code)
    job = import_file(write_xlsx(tmp_path / "people.xlsx", [cells]))
    assert job.created_rows == 1
    citizen = Citizen.objects.get(id_number=row["id_number"])
    assert citizen.birth_date == dt.date(1985, 4, 12)
    assert citizen.permanent_commune == communes[0]


@pytest.mark.django_db
def test_day_month_year_dates_and_vietnamese_sex_words_are_accepted(tmp_path, communes):
    row = person(1, communes[0], birth_date="1990-01-02", sex="female")
    row.update(birth_date="02/01/1990", sex="Nữ", last_verified_at="2025-06-01T08:30:00+07:00")
    import_file(write_csv(tmp_path / "people.csv", [row]))
    citizen = Citizen.objects.get()
    assert (citizen.birth_date, citizen.sex) == (dt.date(1990, 1, 2), "female")
    assert citizen.last_verified_at == dt.datetime(2025, 6, 1, 1, 30, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_a_semicolon_separated_file_from_a_vietnamese_spreadsheet_imports(tmp_path, communes):
    path = tmp_path / "excel.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerow(person(1, communes[0]))
    job = import_file(path)
    assert (job.created_rows, job.invalid_rows) == (1, 0)
    assert Citizen.objects.get().permanent_address == "Tổ 1, Khu 2"


@pytest.mark.django_db
def test_columns_absent_from_the_file_keep_their_stored_values(tmp_path, communes):
    import_file(write_csv(tmp_path / "full.csv", [person(1, communes[0], ethnicity="Tày")]))
    renamed = person(1, communes[0], full_name="Nguyễn Văn Ánh")
    path = write_csv(tmp_path / "names.csv", [renamed], header=("id_number", "full_name"))
    job = import_file(path)
    assert job.updated_rows == 1
    citizen = Citizen.objects.get()
    assert citizen.full_name == "Nguyễn Văn Ánh"
    assert (citizen.ethnicity, citizen.permanent_commune) == ("Tày", communes[0])


@pytest.mark.django_db
def test_each_import_writes_one_audit_record_with_counts_and_file_fingerprint(tmp_path, communes):
    import hashlib

    path = write_csv(tmp_path / "people.csv", [person(1, communes[0])])
    job = import_file(path)
    audit = AuditRecord.objects.get(object_type="registry.importjob", object_id=str(job.pk))
    assert audit.action == "update"
    assert audit.data["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (audit.data["created"], audit.data["invalid"]) == (1, 0)


@pytest.mark.django_db
def test_rows_are_written_in_batches_and_duplicates_are_found_across_them(
    tmp_path, communes, monkeypatch
):
    monkeypatch.setattr(runner, "BATCH_ROWS", 2)
    rows = [person(n, communes[0]) for n in range(1, 6)] + [person(1, communes[1])]
    job = import_file(write_csv(tmp_path / "people.csv", rows))
    assert (job.created_rows, job.invalid_rows, job.processed_rows) == (5, 1, 6)
    assert report(job) == {"7": "duplicate of row 2 (same ID number)"}


@pytest.mark.django_db
def test_an_import_stopped_mid_file_keeps_the_written_batches_and_says_how_far_it_got(
    tmp_path, communes, monkeypatch
):
    monkeypatch.setattr(runner, "BATCH_ROWS", 2)
    path = write_csv(tmp_path / "people.csv", [person(n, communes[0]) for n in range(1, 6)])

    def stop_after_first_batch(done: int, total: int) -> None:
        if done >= 2:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        import_file(path, progress=stop_after_first_batch)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert (job.processed_rows, job.created_rows, job.total_rows) == (2, 2, 5)
    assert "The first 2 rows were imported before it stopped." in job.message
    assert Citizen.objects.count() == 2


@pytest.mark.django_db
def test_progress_reports_rows_done_out_of_the_total(tmp_path, communes):
    seen: list[tuple[int, int]] = []
    path = write_csv(tmp_path / "people.csv", [person(n, communes[0]) for n in range(1, 4)])
    import_file(path, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3, 3)


@pytest.mark.django_db
def test_the_command_prints_the_counts(tmp_path, communes):
    rows = [person(1, communes[0]), person(2, communes[0], sex="?")]
    out = io.StringIO()
    call_command("registry", "import", str(write_csv(tmp_path / "p.csv", rows)), stdout=out)
    assert "2 rows: 1 new, 0 changed, 0 unchanged, 1 rejected." in out.getvalue()


@pytest.mark.django_db
def test_formula_like_values_are_defused_in_the_error_report(tmp_path, communes):
    row = person(1, communes[0], id_number="=HYPERLINK(1)")
    job = import_file(write_csv(tmp_path / "people.csv", [row]))
    with job.error_report.open("rb") as stream:
        assert "'=HYPERLINK(1)" in stream.read().decode("utf-8-sig")


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def _csv_bytes(tmp_path: Path, rows: list[dict]) -> bytes:
    return write_csv(tmp_path / "upload.csv", rows).read_bytes()


@pytest.mark.django_db
def test_start_import_stores_the_file_and_queues_the_import(
    tmp_path, communes, make_staff, province, django_capture_on_commit_callbacks
):
    officer = make_staff(Role.REGISTRY_OFFICER, agency=province)
    content = _csv_bytes(tmp_path, [person(1, communes[0])])
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(_upload("people.csv", content), by=officer)
    job.refresh_from_db()
    assert (job.status, job.created_by, job.original_name) == ("queued", officer, "people.csv")
    with job.file.open("rb") as stream:
        assert stream.read() == content
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"
    assert queued.args_kwargs["args"] == [job.pk]


@pytest.mark.django_db
def test_start_import_refuses_a_file_over_the_size_limit(
    tmp_path, communes, make_staff, province, settings
):
    settings.MOTCUA_REGISTRY_IMPORT_MAX_BYTES = 100
    officer = make_staff(Role.REGISTRY_OFFICER, agency=province)
    content = _csv_bytes(tmp_path, [person(n, communes[0]) for n in range(1, 4)])
    with pytest.raises(DomainError, match="the largest file accepted is 100"):
        start_import(_upload("people.csv", content), by=officer)
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("content", [PNG, PDF, b"ho_ten,ngay_sinh\nAn,1985\n"])
def test_start_import_refuses_a_file_of_the_wrong_kind(content, make_staff, province):
    officer = make_staff(Role.REGISTRY_OFFICER, agency=province)
    with pytest.raises(DomainError, match="This is not a CSV or XLSX file of citizens"):
        start_import(_upload("people.csv", content), by=officer)
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_start_import_accepts_an_xlsx_workbook_whatever_its_name(
    tmp_path, communes, make_staff, province
):
    officer = make_staff(Role.REGISTRY_OFFICER, agency=province)
    content = write_xlsx(tmp_path / "w.xlsx", [list(person(1, communes[0]).values())])
    job = start_import(_upload("danh-sach.dat", content.read_bytes()), by=officer)
    assert job.status == ImportStatus.QUEUED


@given(
    number=st.from_regex(r"0[0-9]{2}[0-9]{3}[0-9]{6}", fullmatch=True),
    birth=st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)),
    sex=st.sampled_from(["male", "female", ""]),
)
@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_row_is_rejected_for_its_id_exactly_when_idnumber_finds_a_problem(number, birth, sex):
    parser = RowParser(["id_number", "full_name", "birth_date", "sex"], {}, dt.date(2026, 1, 1),
                       dt.UTC)  # fmt: skip
    _, parsed, reasons = parser.parse(
        SourceRow(2, [number, "Nguyễn Văn An", birth.isoformat(), sex])
    )
    expected = idnumber.problems(number, birth_date=birth, sex=sex or None)
    assert reasons == [str(problem) for problem in expected]
    assert (parsed is None) == bool(expected)


def run_worker() -> None:
    """The real task worker, in its own process, until the queue is empty."""
    from django.conf import settings

    worker = subprocess.run(
        [sys.executable, "-m", "motcua", "db_worker", "--batch", "--no-startup-delay",
         "--no-reload"],
        env={**subprocess_env(), "MOTCUA_MEDIA_DIR": str(settings.MEDIA_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert worker.returncode == 0, worker.stderr


@pytest.mark.django_db(transaction=True)
def test_the_worker_imports_an_uploaded_file_and_its_error_report_can_be_downloaded(
    tmp_path, communes, make_staff, province, client
):
    officer = make_staff(Role.REGISTRY_OFFICER, agency=province)
    rows = [person(1, communes[0]), person(2, communes[0], birth_date="1985-13-40")]
    job = start_import(_upload("people.csv", _csv_bytes(tmp_path, rows)), by=officer)

    run_worker()

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    assert (job.created_rows, job.invalid_rows, job.processed_rows) == (1, 1, 2)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    client.force_login(officer)
    response = client.get(f"/backoffice/registry/import/{job.pk}/errors.csv")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    # The worker speaks the site's language; the row, the number and the value are there.
    assert lines[1][:2] == ["3", rows[1]["id_number"]]
    assert '"1985-13-40"' in lines[1][2]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_each_batch_commits_on_its_own(tmp_path, communes, monkeypatch):
    monkeypatch.setattr(runner, "BATCH_ROWS", 2)
    rows = [person(n, communes[0]) for n in range(1, 6)] + [person(1, communes[1])]
    job = import_file(write_csv(tmp_path / "people.csv", rows))
    assert (job.status, job.created_rows, job.invalid_rows) == (ImportStatus.DONE, 5, 1)
    assert Citizen.objects.count() == 5
    again = import_file(write_csv(tmp_path / "people.csv", rows))
    assert (again.created_rows, again.updated_rows, again.unchanged_rows) == (0, 0, 5)


@pytest.mark.django_db
def test_a_queued_job_whose_file_has_gone_ends_failed_with_a_message(tmp_path, communes):
    from motcua.registry.tasks import run_import

    job = ImportJob.objects.create(original_name="people.csv", file="registry/imports/gone.csv")
    counts = run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert counts["status"] == "failed"
    assert job.message.startswith("The file cannot be read")
