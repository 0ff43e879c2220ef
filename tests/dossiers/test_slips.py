import io

from pypdf import PdfReader

from motcua.dossiers import interruptions, services, slips
from motcua.identity.models import Role
from tests.dossiers.conftest import local


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_refused_dossier_has_its_receipt_refusal_and_control_slip_with_the_name(submit, staff):
    at = local(2026, 11, 23, 9)
    dossier = services.receive(submit(at=at), staff[Role.ONE_STOP_OFFICER], at=at)
    dossier = interruptions.refuse(
        dossier, staff[Role.ONE_STOP_OFFICER], reason="Giấy chứng sinh giả"
    )
    assert slips.available_forms(dossier) == ["01", "03", "05"]
    for number in ("01", "03", "05"):
        text = text_of(slips.render(dossier, number))
        assert "Nguyễn Thị Ánh Tuyết" in text
        assert dossier.code in text
    assert "Giấy chứng sinh giả" in text_of(slips.render(dossier, "03"))


def test_the_control_slip_names_each_hand_over(submit, staff):
    at = local(2026, 11, 23, 9)
    officer = staff[Role.ONE_STOP_OFFICER]
    dossier = services.receive(submit(at=at), officer, at=at)
    dossier = services.digitise(dossier, officer, at=at, to_user=staff[Role.SPECIALIST])
    staff[Role.SPECIALIST].full_name = "Lê Thị Mai"
    staff[Role.SPECIALIST].save()
    text = text_of(slips.render(dossier, "05"))
    assert "Lê Thị Mai" in text
    assert dossier.agency.name.split()[-1] in text
