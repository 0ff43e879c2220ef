"""External issuers: a system's credential delivers documents of the types it is scoped for
into the owner's warehouse, audited, rate-limited, and reads nothing."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from motcua.catalog.models import DocumentType
from motcua.identity.models import Organisation, OrganisationStatus
from motcua.registry.models import CitizenStatus
from motcua.security.models import AuditAction, AuditRecord
from motcua.warehouse import issuers
from motcua.warehouse.models import (
    Document,
    DocumentKind,
    IssuerCredential,
    IssuerDelivery,
    StoredFile,
)
from motcua.warehouse.selectors import documents_of
from motcua.warehouse.services import store_upload
from tests.warehouse.conftest import pdf, stored_files

URL = "/api/warehouse/issuer/documents"
SYSTEM = "Hệ thống lý lịch tư pháp"
RECORD = pdf(1, text="Phiếu lý lịch tư pháp số 1")


@pytest.fixture
def judicial(db) -> DocumentType:
    return DocumentType.objects.get_or_create(
        code="wh-judicial", defaults={"name": "Phiếu lý lịch tư pháp"}
    )[0]


@pytest.fixture
def system(judicial):
    return issuers.register_system(SYSTEM, document_types=[judicial])


@pytest.fixture
def token(system) -> str:
    return issuers.issue_credential(system)[1]


@pytest.fixture
def deliver(client, token, applicant, judicial):
    """deliver(**fields) → the response to a delivery with `token`, for the applicant."""

    def post(*, content=RECORD, auth=None, **fields):
        data = {
            "document_type": judicial.code,
            "id_number": applicant.citizen.id_number,
            "reference": "LLTP-2026-000001",
            "title": "Phiếu lý lịch tư pháp số 1",
            "valid_from": "2026-11-01",
            "valid_to": "2027-05-01",
            **fields,
        }
        data = {key: value for key, value in data.items() if value is not None}
        data["file"] = SimpleUploadedFile("phieu.pdf", content, "application/pdf")
        return client.post(URL, data, headers={"Authorization": f"Bearer {auth or token}"})

    return post


def test_a_delivery_in_scope_lands_in_the_citizens_warehouse_under_the_systems_name(
    deliver, applicant, media
):
    response = deliver()
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["id"])
    assert document in documents_of(applicant)
    assert document.issuer_name == SYSTEM
    assert document.issuer_agency is None
    assert document.kind == DocumentKind.RESULT
    assert document.citizen == applicant.citizen
    assert (document.valid_from, document.valid_to) == (dt.date(2026, 11, 1), dt.date(2027, 5, 1))
    assert document.created_by is None
    assert len(stored_files(media)) == 1


def test_the_delivery_is_audited_with_the_system_the_document_and_its_owner(deliver, applicant):
    document_id = deliver().json()["id"]
    audit = AuditRecord.objects.get(
        action=AuditAction.CREATE, object_type="warehouse.document", object_id=str(document_id)
    )
    assert audit.actor is None
    assert audit.actor_label.startswith(SYSTEM)
    assert audit.data["owner"] == f"registry.citizen:{applicant.citizen.pk}"
    assert audit.data["reference"] == "LLTP-2026-000001"
    assert audit.source_ip == "127.0.0.1"


def test_a_system_of_an_agency_issues_in_the_agencys_name(deliver, system, judicial, commune_pc):
    issuers.register_system(SYSTEM, document_types=[judicial], agency=commune_pc)
    document = Document.objects.get(pk=deliver().json()["id"])
    assert document.issuer_agency == commune_pc
    assert document.issuer_name == ""


def test_the_answer_tells_nothing_of_the_owner(deliver, applicant):
    response = deliver()
    assert set(response.json()) == {"id", "reference", "document_type", "sha256", "pages", "size"}
    assert applicant.citizen.full_name not in response.content.decode()


def test_a_type_outside_the_scope_is_refused_stores_nothing_and_is_audited(
    deliver, system, marriage, media
):
    response = deliver(document_type=marriage.code)
    assert response.status_code == 403
    assert response.json()["detail"] == "This system may not deliver documents of this type."
    assert stored_files(media) == []
    assert not Document.objects.exists()
    assert not StoredFile.objects.exists()
    denied = AuditRecord.objects.get(action=AuditAction.PERMISSION_DENIED)
    assert (denied.object_type, denied.object_id) == ("warehouse.issuersystem", str(system.pk))
    assert denied.actor_label.startswith(SYSTEM)
    assert denied.data["document_type"] == marriage.code


def test_an_unknown_type_is_refused_like_one_outside_the_scope(deliver, media):
    assert deliver(document_type="no-such-type").status_code == 403
    assert stored_files(media) == []


def test_a_revoked_credential_is_refused(deliver, token):
    key_id = token.split(".")[0]
    issuers.revoke_credential(IssuerCredential.objects.get(key_id=key_id))
    assert deliver().status_code == 401
    assert not Document.objects.exists()


def test_a_wrong_secret_is_refused(deliver, token):
    key_id, secret = token.split(".")
    assert deliver(auth=f"{key_id}.{secret[:-1]}x").status_code == 401
    assert deliver(auth=f"{key_id}.").status_code == 401
    assert deliver(auth="0123456789abcdef.whatever").status_code == 401
    assert deliver(auth=secret).status_code == 401


def test_a_credential_of_an_inactive_system_is_refused(deliver, judicial):
    issuers.register_system(SYSTEM, document_types=[judicial], active=False)
    assert deliver().status_code == 401


def test_a_delivery_without_a_credential_is_refused(client, applicant, judicial):
    response = client.post(URL, {"document_type": judicial.code, "reference": "x"})
    assert response.status_code == 401


def test_a_signed_in_user_cannot_deliver(client, applicant, judicial):
    client.force_login(applicant)
    response = client.post(
        URL,
        {
            "document_type": judicial.code,
            "id_number": applicant.citizen.id_number,
            "reference": "mine",
            "file": SimpleUploadedFile("a.pdf", RECORD),
        },
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/registry/citizens?purpose=check&q=Nguy%E1%BB%85n",
        "/api/registry/citizens/{id_number}?purpose=check",
        "/api/dossiers/",
        "/api/security/audit",
        "/api/core/agencies",
    ],
)
def test_the_credential_reads_nothing(client, token, applicant, path):
    response = client.get(
        path.format(id_number=applicant.citizen.id_number),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (401, 403)
    assert applicant.citizen.full_name not in response.content.decode()


def test_there_is_no_read_route_for_issuers(client, token):
    response = client.get(URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    bearer = {
        (path, method)
        for path, operations in schema.json()["paths"].items()
        for method, operation in operations.items()
        if any("IssuerAuth" in scheme for scheme in operation.get("security", []))
    }
    assert bearer == {(URL, "post")}
    warehouse = {path for path in schema.json()["paths"] if path.startswith("/api/warehouse/")}
    assert warehouse == {URL}


def test_an_unknown_or_dead_owner_is_not_found(deliver, make_citizen, media):
    response = deliver(id_number="022099000001")
    assert response.status_code == 404
    dead = make_citizen(full_name="Lê Văn Tư", status=CitizenStatus.DEAD)
    assert deliver(id_number=dead.id_number, reference="2").status_code == 404
    assert stored_files(media) == []


def test_an_approved_organisation_receives_a_delivery(deliver, applicant):
    company = Organisation.objects.create(
        name="Công ty TNHH Hạ Long Xanh",
        code="5701234567",
        address="Hạ Long",
        status=OrganisationStatus.APPROVED,
        applicant=applicant,
        applicant_role="legal_representative",
    )
    response = deliver(id_number=None, organisation_code=company.code)
    assert response.status_code == 201
    assert Document.objects.get(pk=response.json()["id"]).organisation == company


def test_an_organisation_not_approved_is_not_found(deliver, applicant):
    Organisation.objects.create(
        name="Công ty chờ duyệt",
        code="5709999999",
        address="Hạ Long",
        status=OrganisationStatus.PENDING,
        applicant=applicant,
        applicant_role="legal_representative",
    )
    assert deliver(id_number=None, organisation_code="5709999999").status_code == 404


def test_the_owner_is_a_citizen_or_an_organisation_not_both(deliver):
    response = deliver(organisation_code="5701234567")
    assert response.status_code == 400
    assert response.json()["code"] == "owner"


def test_a_refused_file_gets_its_reason_and_nothing_is_stored(deliver, media):
    response = deliver(content=pdf(1, password="bí-mật"))
    assert response.status_code == 422
    assert response.json()["code"] == "encrypted"
    assert "password" in response.json()["detail"]
    assert stored_files(media) == []
    assert not IssuerDelivery.objects.exists()


def test_a_validity_ending_before_it_starts_is_refused(deliver, media):
    response = deliver(valid_from="2027-01-01", valid_to="2026-01-01")
    assert response.status_code == 400
    assert stored_files(media) == []


def test_the_same_reference_delivered_again_is_the_same_document(deliver, media):
    first = deliver()
    again = deliver()
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Document.objects.count() == 1
    assert IssuerDelivery.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_another_document_under_a_used_reference_is_a_conflict(deliver, media):
    deliver()
    response = deliver(content=pdf(2, text="Một phiếu khác"))
    assert response.status_code == 409
    assert Document.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_the_owners_own_copy_of_the_same_bytes_becomes_the_original(deliver, applicant, judicial):
    held = store_upload(
        applicant, owner=applicant.citizen, document_type=judicial, files=io.BytesIO(RECORD)
    )
    response = deliver()
    assert response.status_code == 201
    assert response.json()["id"] == held.pk
    held.refresh_from_db()
    assert held.kind == DocumentKind.RESULT
    assert held.issuer_name == SYSTEM


def test_past_the_limit_a_minute_the_credential_gets_429(deliver, settings, system):
    settings.MOTCUA_ISSUER_REQUESTS_PER_MINUTE = 2
    assert deliver(reference="1").status_code == 201
    assert deliver(reference="2", content=pdf(2)).status_code == 201
    response = deliver(reference="3", content=pdf(3))
    assert response.status_code == 429
    assert "at most 2 a minute" in response.json()["detail"]
    assert IssuerDelivery.objects.count() == 2
    # Another credential of the same system has its own count.
    other = issuers.issue_credential(system)[1]
    assert deliver(reference="3", content=pdf(3), auth=other).status_code == 201


def test_the_count_starts_again_each_minute(system, settings):
    settings.MOTCUA_ISSUER_REQUESTS_PER_MINUTE = 1
    credential = issuers.issue_credential(system)[0]
    minute = dt.datetime(2026, 11, 23, 9, 0, 30, tzinfo=dt.UTC)
    issuers.count_request(credential, now=minute)
    with pytest.raises(issuers.RateLimited):
        issuers.count_request(credential, now=minute + dt.timedelta(seconds=20))
    issuers.count_request(credential, now=minute + dt.timedelta(seconds=31))
    credential.refresh_from_db()
    assert credential.last_used_at == minute + dt.timedelta(seconds=31)


def test_the_command_registers_a_system_and_prints_a_credential_once(judicial, capsys):
    out = io.StringIO()
    call_command("issuer", "system", "Sổ sức khỏe điện tử", "--type", judicial.code, stdout=out)
    call_command("issuer", "credential", "Sổ sức khỏe điện tử", stdout=out)
    token = out.getvalue().split("token: ")[1].split()[0]
    credential = issuers.authenticate(token)
    assert credential is not None
    assert credential.system.name == "Sổ sức khỏe điện tử"
    secret = token.split(".")[1]
    assert credential.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(IssuerCredential.objects.values()))
    listing = io.StringIO()
    call_command("issuer", "list", stdout=listing)
    assert secret not in listing.getvalue()
    call_command("issuer", "revoke", credential.key_id, stdout=out)
    assert issuers.authenticate(token) is None


def test_two_deliveries_of_one_reference_at_once_make_one_document(deliver, monkeypatch, media):
    first = deliver()
    # The second call does not see the first one's delivery until the database refuses it.
    real = issuers._held
    calls = []

    def late(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(issuers, "_held", late)
    again = deliver()
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert len(calls) == 2
    assert IssuerDelivery.objects.count() == 1
    assert len(stored_files(media)) == 1
