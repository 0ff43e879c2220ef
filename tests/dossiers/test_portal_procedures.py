"""The portal's procedure index with its search, and a procedure's page: its facts, and for
each paper whether the visitor will have to bring it."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from motcua.catalog.models import Procedure, ProcedureFee
from motcua.security.models import AuditAction, AuditRecord
from tests.dossiers.conftest import BIRTH
from tests.warehouse.conftest import media, pdf  # noqa: F401
from tests.warehouse.test_reuse import WEDDING, hold, marriage_certificate, wedding  # noqa: F401

MARRIAGE = "1.000894"  # Đăng ký kết hôn, sector Hộ tịch
PASSPORT = "2.002286"  # Cấp hộ chiếu phổ thông trong nước, sector Quản lý xuất nhập cảnh
INDEX = "/dossiers/procedures/"


def page_of(code: str) -> str:
    return f"/dossiers/procedures/{code}/"


def text(response) -> str:
    return response.content.decode()


def listed_codes(response) -> set[str]:
    return set(re.findall(r'href="/dossiers/procedures/([^/"]+)/"', text(response)))


def paper(response, code: str) -> str:
    """The list item of one paper on a procedure's page."""
    html = text(response)
    start = html.index(f'data-document-type="{code}"')
    return html[start : html.index("</li>", start)]


@pytest.fixture
def logged_in(client, applicant):
    client.force_login(applicant)
    return client


# --- the index and its search -----------------------------------------------------------


def test_the_index_links_every_active_procedure_to_its_page(client, catalog):
    response = client.get(INDEX)
    assert response.status_code == 200
    assert listed_codes(response) == set(
        Procedure.objects.filter(is_active=True).values_list("code", flat=True)
    )


def test_search_by_name_ignores_case(client, catalog):
    response = client.get(INDEX, {"q": "ĐĂNG KÝ KẾT HÔN"})
    assert listed_codes(response) == {MARRIAGE}
    assert "1 procedure found" in text(response)


def test_search_by_name_typed_without_diacritics_finds_it(client, catalog):
    response = client.get(INDEX, {"q": "dang ky ket hon"})
    assert listed_codes(response) == {MARRIAGE}


def test_search_by_part_of_the_code_finds_it(client, catalog):
    response = client.get(INDEX, {"q": "000894"})
    assert listed_codes(response) == {MARRIAGE}


def test_the_sector_filter_keeps_only_that_sector(client, catalog):
    response = client.get(INDEX, {"sector": "Hộ tịch"})
    civil_status = set(
        Procedure.objects.filter(sector="Hộ tịch", is_active=True).values_list("code", flat=True)
    )
    assert listed_codes(response) == civil_status
    assert {BIRTH, MARRIAGE} <= civil_status
    assert PASSPORT not in listed_codes(response)


def test_name_and_sector_together_must_both_match(client, catalog):
    response = client.get(INDEX, {"q": "hộ chiếu", "sector": "Hộ tịch"})
    assert listed_codes(response) == set()
    assert "No procedure matches your search." in text(response)


def test_an_inactive_procedure_is_not_found_by_search(client, catalog):
    Procedure.objects.filter(code=MARRIAGE).update(is_active=False)
    response = client.get(INDEX, {"q": "kết hôn"})
    assert listed_codes(response) == set()


# --- a procedure's page -----------------------------------------------------------------


def test_an_unknown_code_is_404(client, catalog):
    assert client.get(page_of("9.999999")).status_code == 404


def test_an_inactive_procedure_is_404(client, catalog):
    Procedure.objects.filter(code=MARRIAGE).update(is_active=False)
    assert client.get(page_of(MARRIAGE)).status_code == 404


def test_the_page_shows_the_facts_fees_processing_time_and_a_submit_button(client, catalog):
    response = client.get(page_of(PASSPORT))
    html = text(response)
    assert response.status_code == 200
    assert "Cấp hộ chiếu phổ thông trong nước" in html
    assert "8 working days" in html
    fee = ProcedureFee.objects.get(procedure__code=PASSPORT)
    assert fee.label in html and "200,000 VND" in html
    assert "Tờ khai đề nghị cấp hộ chiếu (TK01)" in html
    assert f'href="/dossiers/submit/{PASSPORT}/"' in html


def test_anonymous_visitors_see_registry_papers_as_not_needed(client, wedding):  # noqa: F811
    response = client.get(page_of(WEDDING))
    assert "Not needed — read from the population registry" in paper(response, "id_card")
    assert "You will upload this" in paper(response, "marriage_certificate")
    assert "You will upload this" in paper(response, "birth_notice")


def test_anonymous_visitors_are_asked_to_log_in_to_see_what_is_held(client, wedding):  # noqa: F811
    html = text(client.get(page_of(WEDDING)))
    assert "to see which of these papers are already in your documents" in html
    assert f"/account/login/?next=/dossiers/procedures/{WEDDING}/" in html


def test_a_held_marriage_certificate_is_shown_as_already_in_your_documents(
    logged_in,
    applicant,
    wedding,  # noqa: F811
    marriage_certificate,  # noqa: F811
    media,  # noqa: F811
):
    hold(
        applicant,
        marriage_certificate,
        title="Giấy chứng nhận kết hôn số 12/2020",
        issuer_name="UBND phường Hồng Gai",
        valid_from=dt.date(2020, 5, 1),
    )
    response = logged_in.get(page_of(WEDDING))
    item = paper(response, "marriage_certificate")
    assert "Not needed — already in your documents" in item
    assert "Giấy chứng nhận kết hôn số 12/2020" in item
    assert "UBND phường Hồng Gai" in item
    assert "no end of validity" in item
    assert "to see which of these papers" not in text(response)


def test_an_expired_held_document_is_not_shown_as_held(
    logged_in,
    applicant,
    wedding,  # noqa: F811
    marriage_certificate,  # noqa: F811
    media,  # noqa: F811
):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    hold(
        applicant,
        marriage_certificate,
        valid_from=dt.date(2020, 5, 1),
        valid_to=yesterday,
    )
    item = paper(logged_in.get(page_of(WEDDING)), "marriage_certificate")
    assert "already in your documents" not in item
    assert "You will upload this" in item


def test_another_persons_held_document_is_not_shown(
    client,
    applicant,
    wedding,  # noqa: F811
    marriage_certificate,  # noqa: F811
    media,  # noqa: F811
):
    hold(applicant, marriage_certificate, content=pdf(text="theirs"))
    item = paper(client.get(page_of(WEDDING)), "marriage_certificate")
    assert "already in your documents" not in item


def test_seeing_what_is_held_opens_no_document(
    logged_in,
    applicant,
    wedding,  # noqa: F811
    marriage_certificate,  # noqa: F811
    media,  # noqa: F811
):
    """As on "my documents": listing one's own papers is not a read of their contents."""
    hold(applicant, marriage_certificate)
    logged_in.get(page_of(WEDDING))
    assert not AuditRecord.objects.filter(action=AuditAction.READ).exists()
