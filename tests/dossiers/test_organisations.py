import pytest

from motcua.catalog.models import Procedure, Step
from motcua.core.exceptions import DomainError
from motcua.dossiers import services
from motcua.identity.models import Organisation, OrganisationMember, Role

SEAL = "1.000451"  # new seal and seal certificate: received at the Service Centre, police handle


@pytest.fixture
def company(applicant):
    organisation = Organisation.objects.create(
        name="Công ty TNHH Hạ Long Xanh",
        code="5701234567",
        address="Số 5 đường Trần Hưng Đạo",
        status="approved",
        applicant=applicant,
        applicant_role="legal_representative",
    )
    OrganisationMember.objects.create(
        organisation=organisation, user=applicant, role="representative"
    )
    return organisation


def seal_application(organisation):
    return services.Application(
        procedure=Procedure.objects.get(code=SEAL),
        form_data={"request": "Đăng ký mẫu con dấu mới"},
        organisation=organisation,
    )


def test_a_member_submits_in_the_organisations_name(catalog, applicant, company, make_staff):
    dossier = services.submit_online(applicant, seal_application(company))
    assert dossier.applicant_name == "Công ty TNHH Hạ Long Xanh"
    assert dossier.owner_id_number == "5701234567"
    assert dossier.representative_name == "Nguyễn Thị Ánh Tuyết"
    assert dossier.receiving_agency.kind == "service_centre"
    assert dossier.agency.kind == "police"
    assert dossier.code.startswith(dossier.receiving_agency.code)
    # Step 1 waits at the Service Centre's desk, not at the police.
    desk = make_staff(Role.ONE_STOP_OFFICER, agency=dossier.receiving_agency)
    received = services.receive(dossier, desk)
    assert received.steps.get(step=Step.DIGITISE).agency == dossier.receiving_agency


def test_a_non_member_cannot_submit_for_an_organisation(catalog, applicant, company, make_citizen):
    from motcua.identity.models import User

    stranger_citizen = make_citizen(full_name="Phạm Văn Đức")
    stranger = User.objects.create_user(
        stranger_citizen.id_number,
        password="x",
        kind="citizen",
        citizen=stranger_citizen,
        eid_level=2,
    )
    with pytest.raises(DomainError):
        services.submit_online(stranger, seal_application(company))
