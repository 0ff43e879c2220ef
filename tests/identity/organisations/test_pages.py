"""The citizen's organisation pages and the officers' queue."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.core.models import AdministrativeUnit
from motcua.identity.models import ApplicantRole, EidLevel, Organisation, OrganisationStatus, Role
from motcua.identity.organisations.services import apply_for_organisation, approve, reject
from motcua.security.models import AuditAction, AuditRecord

from .conftest import CODE, OTHER_CODE, pdf, pdf_bytes, png

pytestmark = pytest.mark.django_db


def form_data(commune, **changes):
    return {
        "name": "Công ty TNHH Hạ Long Xanh",
        "code": CODE,
        "address": "Số 5, đường Trần Hưng Đạo",
        "commune": commune.pk,
        "applicant_role": "legal_representative",
        "documents": [pdf(), png()],
        **changes,
    }


def filed(user, commune, *, code=CODE, name="Công ty TNHH Hạ Long Xanh"):
    return apply_for_organisation(
        user,
        name=name,
        code=code,
        address="Số 5",
        commune=commune,
        applicant_role="legal_representative",
        documents=[pdf()],
    )


def test_a_level_2_citizen_applies_through_the_form_and_sees_it_waiting(
    client, applicant, communes
):
    client.force_login(applicant)
    page = client.get("/organisations/apply/")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert "multiple" in page.content.decode()
    response = client.post("/organisations/apply/", form_data(communes[0]), follow=True)
    organisation = Organisation.objects.get()
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.documents.count() == 2
    assert "Waiting for review" in response.content.decode()


def test_a_level_1_citizen_is_told_level_2_is_needed(client, make_account, communes):
    client.force_login(make_account(eid_level=EidLevel.LEVEL_1))
    response = client.post("/organisations/apply/", form_data(communes[0]), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:level2_needed"))
    assert not Organisation.objects.exists()
    mine = client.get("/organisations/").content.decode()
    assert "level 2 electronic identity" in mine


def test_a_wrong_code_is_shown_on_the_form_and_nothing_is_created(client, applicant, communes):
    client.force_login(applicant)
    response = client.post("/organisations/apply/", form_data(communes[0], code="0100109107"))
    assert response.status_code == 200
    assert "does not match the others" in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_a_text_file_named_pdf_is_refused_on_the_form(client, applicant, communes, media):
    client.force_login(applicant)
    fake = SimpleUploadedFile("giay-phep.pdf", b"not a pdf at all", "application/pdf")
    response = client.post("/organisations/apply/", form_data(communes[0], documents=[fake]))
    assert "giay-phep.pdf is not a PDF, JPEG or PNG file" in response.content.decode()
    assert not Organisation.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_posting_the_form_twice_makes_one_application(client, applicant, communes):
    client.force_login(applicant)
    client.post("/organisations/apply/", form_data(communes[0]))
    again = client.post("/organisations/apply/", form_data(communes[0]))
    assert "already applied" in again.content.decode()
    assert Organisation.objects.count() == 1


def test_the_applicant_sees_the_reason_of_a_rejection(client, applicant, communes, officer):
    reject(filed(applicant, communes[0]), by=officer, reason="Giấy phép đã hết hạn")
    client.force_login(applicant)
    page = client.get("/organisations/").content.decode()
    assert "Rejected" in page and "Giấy phép đã hết hạn" in page


def test_an_officer_in_scope_approves_from_the_detail_page(client, applicant, communes, officer):
    organisation = filed(applicant, communes[0])
    client.force_login(officer)
    detail = client.get(f"/backoffice/organisations/{organisation.pk}/")
    assert detail.status_code == 200 and CODE in detail.content.decode()
    response = client.post(f"/backoffice/organisations/{organisation.pk}/approve/", follow=True)
    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED
    assert organisation.members.get().user == applicant
    assert AuditRecord.objects.filter(
        action=AuditAction.UPDATE, object_id=str(organisation.pk), actor=officer
    ).exists()


def test_an_officer_out_of_scope_gets_403_everywhere(client, applicant, communes, other_officer):
    organisation = filed(applicant, communes[0])
    document = organisation.documents.get()
    client.force_login(other_officer)
    base = f"/backoffice/organisations/{organisation.pk}/"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}documents/{document.pk}/").status_code == 403
    assert client.post(f"{base}approve/").status_code == 403
    assert client.post(f"{base}reject/", {"reason": "Sai"}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING
    assert CODE not in client.get("/backoffice/organisations/").content.decode()


def test_a_citizen_cannot_open_the_queue(client, applicant):
    client.force_login(applicant)
    assert client.get("/backoffice/organisations/").status_code == 403


def test_rejecting_without_a_reason_shows_an_error(client, applicant, communes, officer):
    organisation = filed(applicant, communes[0])
    client.force_login(officer)
    response = client.post(f"/backoffice/organisations/{organisation.pk}/reject/", {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason for rejecting" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING


def test_a_second_officer_deciding_gets_a_clear_conflict(
    client, applicant, communes, officer, make_staff
):
    organisation = filed(applicant, communes[0])
    approve(organisation, by=officer)
    client.force_login(make_staff(Role.REGISTRY_OFFICER, unit=communes[0]))
    response = client.post(f"/backoffice/organisations/{organisation.pk}/reject/", {"reason": "X"})
    assert response.status_code == 409
    assert "already decided" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED


def test_documents_download_for_an_officer_in_scope_and_the_read_is_audited(
    client, applicant, communes, officer
):
    organisation = filed(applicant, communes[0])
    document = organisation.documents.get()
    client.force_login(officer)
    response = client.get(f"/backoffice/organisations/{organisation.pk}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert "giay-chung-nhan.pdf" in response["Content-Disposition"]
    assert AuditRecord.objects.filter(
        action=AuditAction.READ, object_id=str(organisation.pk), data__document=document.pk
    ).exists()


def test_the_queue_counts_statuses_and_filters(
    client, applicant, make_account, communes, officer, make_staff
):
    province = AdministrativeUnit.objects.get(code="22", parent=None)
    pending = filed(applicant, communes[0], name="Hợp tác xã Vân Đồn")
    rejected = filed(make_account(), communes[0], code=OTHER_CODE)
    reject(rejected, by=officer, reason="Thiếu giấy tờ")
    elsewhere = filed(make_account(), communes[1], code="0100109106-001")
    client.force_login(make_staff(Role.REGISTRY_OFFICER, unit=province))

    page = client.get("/backoffice/organisations/")
    assert [(value, count) for value, _label, count in page.context["counts"]] == [
        ("pending", 2),
        ("approved", 0),
        ("rejected", 1),
    ]
    assert page.context["page"].paginator.count == 3

    def shown(query):
        return {o.pk for o in client.get(f"/backoffice/organisations/?{query}").context["page"]}

    assert shown("status=pending") == {pending.pk, elsewhere.pk}
    assert shown(f"commune={communes[1].pk}") == {elsewhere.pk}
    assert shown("q=hợp tác") == {pending.pk}
    assert shown("q=-001") == {elsewhere.pk}

    client.force_login(officer)
    assert shown("") == {pending.pk, rejected.pk}


def test_the_queue_is_paged_fifty_at_a_time(client, make_account, communes, superuser):
    applicant = make_account()
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Công ty số {n}",
            code=f"0100109106-{n:03d}",
            address="Số 1",
            commune=communes[0],
            applicant=applicant,
            applicant_role=ApplicantRole.LEGAL_REPRESENTATIVE,
        )
        for n in range(1, 121)
    )
    client.force_login(superuser)
    first = client.get("/backoffice/organisations/?status=pending")
    assert len(first.context["page"]) == 50
    assert "Page 1 of 3" in first.content.decode()
    assert "status=pending&amp;page=2" in first.content.decode()
    assert len(client.get("/backoffice/organisations/?status=pending&page=3").context["page"]) == 20
