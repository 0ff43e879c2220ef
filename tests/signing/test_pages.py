"""The signature pages through the web: a citizen's "My signature" (request, see, revoke,
history) and the administrators' "Certificates" (counts, issue, revoke, scope)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from motcua.core.services import province_unit
from motcua.identity.models import AccountKind, Role, User
from motcua.signing import services
from motcua.signing.models import Certificate, CertificateKind, RevocationReason
from tests.dossiers.conftest import other_pc  # noqa: F401

pytestmark = pytest.mark.django_db

MINE = "/account/signature/"
ADMIN = "/backoffice/signing/"


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def citizen_client(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture
def level1(make_citizen) -> User:
    person = make_citizen(full_name="Lê Văn Bình", birth_date=dt.date(1992, 2, 2))
    return User.objects.create_user(
        person.id_number, kind=AccountKind.CITIZEN, citizen=person, eid_level=1
    )


@pytest.fixture
def administrator(make_staff, province) -> User:
    return make_staff(Role.ADMINISTRATOR, unit=province_unit())


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def count_row(html: str, kind: str) -> tuple[int, int]:
    """(issued, in force) from the counts table's row of `kind`."""
    row = re.search(
        rf'id="count-{kind}">.*?class="issued">(\d+)</td><td class="live">(\d+)<', html, re.S
    )
    assert row, f"no count row for {kind}"
    return int(row.group(1)), int(row.group(2))


# --- the citizen's page --------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_citizen_login(client):
    response = client.get(MINE)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_level_2_citizen_requests_a_certificate_and_the_page_shows_it(
    ca, citizen_client, applicant
):
    page = text(citizen_client.get(MINE))
    assert "Request my free signing certificate" in page

    response = citizen_client.post(f"{MINE}request/")

    assert response.status_code == 302
    certificate = services.certificate_of(applicant, CertificateKind.CITIZEN)
    assert certificate is not None
    page = text(citizen_client.get(MINE))
    assert certificate.serial in page
    assert "Nguyễn Thị Ánh Tuyết" in page
    assert "In force" in page
    assert "Request my free signing certificate" not in page


def test_level_1_citizen_is_told_level_2_is_needed_and_gets_no_certificate(ca, client, level1):
    client.force_login(level1)
    page = text(client.get(MINE))
    assert "A signing certificate is issued to citizens whose e-ID is level 2." in page
    assert "Request my free signing certificate" not in page

    response = client.post(f"{MINE}request/")

    assert response.status_code == 400
    assert "A signing certificate is issued to citizens whose e-ID is level 2." in text(response)
    assert not Certificate.objects.filter(holder=level1).exists()


def test_a_second_request_while_one_is_in_force_shows_the_conflict_not_an_error(
    ca, citizen_client, applicant
):
    citizen_client.post(f"{MINE}request/")

    response = citizen_client.post(f"{MINE}request/")

    assert response.status_code == 409
    assert "A certificate of this kind is already in force" in text(response)
    assert Certificate.objects.filter(holder=applicant).count() == 1


def test_citizen_revokes_the_certificate_and_it_moves_to_the_history(ca, citizen_client, applicant):
    certificate = services.issue_certificate(
        CertificateKind.CITIZEN, actor=applicant, holder=applicant
    )

    response = citizen_client.post(
        f"{MINE}revoke/{certificate.serial}/",
        {"reason": RevocationReason.KEY_COMPROMISE, "confirm": "on"},
    )

    assert response.status_code == 302
    assert services.certificate_of(applicant, CertificateKind.CITIZEN) is None
    page = text(citizen_client.get(MINE))
    history = page[page.index('id="certificate-history"') :]
    assert certificate.serial in history
    assert "Revoked" in history
    assert "Key compromised" in history
    assert "Request my free signing certificate" in page


def test_revoking_without_confirming_changes_nothing(ca, citizen_client, applicant):
    certificate = services.issue_certificate(
        CertificateKind.CITIZEN, actor=applicant, holder=applicant
    )

    response = citizen_client.post(
        f"{MINE}revoke/{certificate.serial}/", {"reason": RevocationReason.UNSPECIFIED}
    )

    assert response.status_code == 400
    assert "Tick this box to confirm the revocation." in text(response)
    assert services.certificate_of(applicant, CertificateKind.CITIZEN) == certificate


def test_a_citizen_cannot_revoke_someone_elses_certificate(ca, client, applicant, make_citizen):
    certificate = services.issue_certificate(
        CertificateKind.CITIZEN, actor=applicant, holder=applicant
    )
    person = make_citizen(full_name="Phạm Văn Đức", birth_date=dt.date(1988, 6, 1))
    other = User.objects.create_user(
        person.id_number, kind=AccountKind.CITIZEN, citizen=person, eid_level=2
    )
    client.force_login(other)

    response = client.post(
        f"{MINE}revoke/{certificate.serial}/",
        {"reason": RevocationReason.UNSPECIFIED, "confirm": "on"},
    )

    assert response.status_code == 404
    assert services.certificate_of(applicant, CertificateKind.CITIZEN) == certificate


def test_the_account_page_links_to_my_signature(citizen_client):
    assert 'href="/account/signature/"' in text(citizen_client.get("/account/"))


# --- the administrators' page -------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_back_office_login(client):
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert "/backoffice/login/" in response["Location"]


def test_staff_without_the_administrator_role_is_refused(client, make_staff, province, ca):
    client.force_login(make_staff(Role.SPECIALIST, agency=province))
    assert client.get(ADMIN).status_code == 403
    assert client.post(f"{ADMIN}seals/", {"seal-agency": province.code}).status_code == 403


def test_without_a_ca_the_page_says_to_run_the_init_command(admin_client):
    page = text(admin_client.get(ADMIN))
    assert "motcua signing init" in page
    assert "Issue the seal certificate" not in page


def test_the_page_shows_the_cas_with_their_crl_links(ca, admin_client):
    root, issuing = ca
    page = text(admin_client.get(ADMIN))
    assert f'href="/pki/crl/{root.serial}.crl"' in page
    assert f'href="/pki/crl/{issuing.serial}.crl"' in page


def test_administrator_issues_an_officer_certificate_and_a_seal_revokes_one_and_counts_follow(
    ca, admin_client, staff, commune_pc
):
    leader = staff[Role.LEADER]
    assert count_row(text(admin_client.get(ADMIN)), "officer") == (0, 0)

    response = admin_client.post(
        f"{ADMIN}officers/",
        {"officer-username": leader.username, "officer-agency": commune_pc.code},
    )
    assert response.status_code == 302, text(response)
    response = admin_client.post(f"{ADMIN}seals/", {"seal-agency": commune_pc.code})
    assert response.status_code == 302, text(response)

    personal = services.certificate_of(leader)
    seal = services.seal_of(commune_pc)
    assert personal is not None and personal.agency == commune_pc
    assert seal is not None
    page = text(admin_client.get(ADMIN))
    assert count_row(page, "officer") == (1, 1)
    assert count_row(page, "seal") == (1, 1)
    assert personal.serial in page and seal.serial in page

    confirm = admin_client.get(f"{ADMIN}{seal.serial}/revoke/")
    assert confirm.status_code == 200
    response = admin_client.post(
        f"{ADMIN}{seal.serial}/revoke/",
        {"reason": RevocationReason.CESSATION_OF_OPERATION, "confirm": "on"},
    )
    assert response.status_code == 302

    assert services.seal_of(commune_pc) is None
    page = text(admin_client.get(ADMIN))
    assert count_row(page, "seal") == (1, 0)
    assert count_row(page, "officer") == (1, 1)
    assert services.counts_by_kind() == {
        "officer": 1,
        "officer_live": 1,
        "seal": 1,
        "seal_live": 0,
        "citizen": 0,
        "citizen_live": 0,
    }


def test_the_list_filters_by_kind_status_and_name(ca, admin_client, signer_certificates):
    personal, seal = signer_certificates
    services.revoke(seal, actor=None)

    revoked = text(admin_client.get(ADMIN, {"status": "revoked"}))
    officers = text(admin_client.get(ADMIN, {"kind": "officer", "status": "live"}))
    by_serial = text(admin_client.get(ADMIN, {"q": personal.serial.upper()}))

    listed = 'id="certificate-list"'
    assert seal.serial in revoked[revoked.index(listed) :]
    assert personal.serial not in revoked[revoked.index(listed) :]
    assert personal.serial in officers[officers.index(listed) :]
    assert seal.serial not in officers[officers.index(listed) :]
    assert personal.serial in by_serial[by_serial.index(listed) :]
    assert seal.serial not in by_serial[by_serial.index(listed) :]


def test_a_second_seal_for_the_same_agency_is_refused_with_the_message(
    ca, admin_client, commune_pc
):
    admin_client.post(f"{ADMIN}seals/", {"seal-agency": commune_pc.code})

    response = admin_client.post(f"{ADMIN}seals/", {"seal-agency": commune_pc.code})

    assert response.status_code == 409
    assert "A certificate of this kind is already in force" in text(response)


def test_an_officer_certificate_goes_only_to_someone_working_at_the_agency(
    ca, admin_client, staff, justice
):
    response = admin_client.post(
        f"{ADMIN}officers/",
        {"officer-username": staff[Role.LEADER].username, "officer-agency": justice.code},
    )
    assert response.status_code == 400
    assert "holds no role at" in text(response)
    assert services.certificate_of(staff[Role.LEADER]) is None


def test_an_agency_administrator_sees_and_revokes_only_within_their_agency(
    ca,
    client,
    make_staff,
    commune_pc,
    other_pc,  # noqa: F811
):
    mine = services.issue_certificate(CertificateKind.SEAL, actor=None, agency=commune_pc)
    theirs = services.issue_certificate(CertificateKind.SEAL, actor=None, agency=other_pc)
    client.force_login(make_staff(Role.ADMINISTRATOR, agency=commune_pc))

    page = text(client.get(ADMIN))
    assert mine.serial in page
    assert theirs.serial not in page
    response = client.post(
        f"{ADMIN}{theirs.serial}/revoke/", {"reason": "unspecified", "confirm": "on"}
    )
    assert response.status_code == 403
    assert client.post(f"{ADMIN}seals/", {"seal-agency": other_pc.code}).status_code == 403
    assert services.seal_of(other_pc) == theirs


def test_listing_citizens_certificates_is_an_audited_read(ca, admin_client, applicant):
    from motcua.security.models import AuditAction, AuditRecord

    certificate = services.issue_certificate(
        CertificateKind.CITIZEN, actor=applicant, holder=applicant
    )
    page = text(admin_client.get(ADMIN))
    assert certificate.serial in page
    read = AuditRecord.objects.filter(action=AuditAction.READ, object_type="signing.certificate")
    assert read.count() == 1
    assert read.get().data == {"certificates": [certificate.serial]}
    # A page with officers' and seals' certificates only reads no citizen's data.
    text(admin_client.get(ADMIN + "?kind=seal"))
    assert read.count() == 1
