"""The reuse rules: registry papers are never asked for, a valid held document is reused,
everything else is uploaded."""

import datetime as dt
import io

import pytest

from motcua.catalog.models import DocumentType, Procedure, ReuseSource
from motcua.catalog.services import DocumentSpec, ProcedureSpec, save_procedure
from motcua.identity.models import AccountKind, User
from motcua.warehouse import reuse
from motcua.warehouse.reuse import Source
from motcua.warehouse.services import store_upload
from tests.warehouse.conftest import pdf

TODAY = dt.date(2026, 11, 23)
WEDDING = "T.REUSE.1"


@pytest.fixture
def marriage_certificate(catalog) -> DocumentType:
    return DocumentType.objects.get_or_create(
        code="marriage_certificate",
        defaults={"name": "Giấy chứng nhận kết hôn", "reuse_source": ReuseSource.WAREHOUSE},
    )[0]


@pytest.fixture
def wedding(catalog, marriage_certificate) -> Procedure:
    """A procedure asking for the marriage certificate, a birth notice and the ID card."""
    return save_procedure(
        ProcedureSpec(
            code=WEDDING,
            name="Đăng ký khai sinh cho con (thử nghiệm tái sử dụng)",
            sector="Hộ tịch",
            agency_level="commune",
            online_level="full",
            eid_level=2,
            processing_hours=8,
            documents=[
                DocumentSpec("marriage_certificate"),
                DocumentSpec("birth_notice"),
                DocumentSpec("id_card"),
            ],
        )
    )


def hold(user, document_type, *, content=None, **details):
    """A document of the user's own in their warehouse."""
    return store_upload(
        user,
        owner=user.citizen,
        document_type=document_type,
        files=io.BytesIO(content or pdf(text=f"{document_type.code} {details}")),
        **details,
    )


def sources(plan) -> dict[str, str]:
    return {paper.code: paper.source for paper in plan.papers}


def test_registry_papers_are_read_from_the_registry_even_when_nothing_is_held(wedding, applicant):
    plan = reuse.plan(wedding, applicant.citizen, today=TODAY)
    assert sources(plan)["id_card"] == Source.REGISTRY
    assert [paper.code for paper in plan.from_registry] == ["id_card"]


def test_a_valid_held_document_is_reused(wedding, applicant, marriage_certificate):
    held = hold(
        applicant,
        marriage_certificate,
        valid_from=dt.date(2020, 5, 1),
        issuer_name="UBND phường Hồng Gai",
    )
    plan = reuse.plan(wedding, applicant.citizen, today=TODAY)
    assert sources(plan) == {
        "marriage_certificate": Source.WAREHOUSE,
        "birth_notice": Source.UPLOAD,
        "id_card": Source.REGISTRY,
    }
    assert plan.reused[0].held == held


def test_an_expired_document_is_not_reused(wedding, applicant, marriage_certificate):
    hold(
        applicant,
        marriage_certificate,
        valid_from=dt.date(2020, 1, 1),
        valid_to=TODAY.replace(day=22),
    )
    plan = reuse.plan(wedding, applicant.citizen, today=TODAY)
    assert sources(plan)["marriage_certificate"] == Source.UPLOAD


def test_a_document_valid_only_from_tomorrow_is_not_reused(
    wedding, applicant, marriage_certificate
):
    hold(applicant, marriage_certificate, valid_from=TODAY + dt.timedelta(days=1))
    plan = reuse.plan(wedding, applicant.citizen, today=TODAY)
    assert sources(plan)["marriage_certificate"] == Source.UPLOAD


def test_a_document_valid_until_today_is_reused(wedding, applicant, marriage_certificate):
    hold(applicant, marriage_certificate, valid_to=TODAY)
    plan = reuse.plan(wedding, applicant.citizen, today=TODAY)
    assert sources(plan)["marriage_certificate"] == Source.WAREHOUSE


def test_of_two_valid_documents_the_open_ended_one_is_reused(
    wedding, applicant, marriage_certificate
):
    hold(applicant, marriage_certificate, valid_to=dt.date(2030, 1, 1))
    open_ended = hold(applicant, marriage_certificate)
    plan = reuse.plan(wedding, applicant.citizen, today=TODAY)
    assert plan.reused[0].held == open_ended


def test_a_type_marked_not_reusable_is_asked_for_even_when_held(wedding, applicant):
    hold(applicant, DocumentType.objects.get(code="birth_notice"))
    plan = reuse.plan(wedding, applicant.citizen, today=TODAY)
    assert sources(plan)["birth_notice"] == Source.UPLOAD


def test_another_persons_document_is_not_reused(
    wedding, applicant, marriage_certificate, make_citizen
):
    other = make_citizen(full_name="Phạm Quốc Bảo", birth_date=dt.date(1988, 6, 1))
    neighbour = User.objects.create_user(other.id_number, kind=AccountKind.CITIZEN, citizen=other)
    hold(neighbour, marriage_certificate)
    plan = reuse.plan(wedding, applicant.citizen, today=TODAY)
    assert sources(plan)["marriage_certificate"] == Source.UPLOAD


def test_required_papers_do_not_count_what_the_registry_answers(
    wedding, applicant, marriage_certificate
):
    hold(applicant, marriage_certificate)
    plan = reuse.plan(wedding, applicant.citizen, today=TODAY)
    assert plan.required_count == 2
    assert plan.not_asked_count == 2
    assert [paper.code for paper in plan.to_upload] == ["birth_notice"]


def test_nobody_logged_in_still_is_never_asked_for_registry_papers(wedding):
    plan = reuse.plan(wedding, None, today=TODAY)
    assert sources(plan) == {
        "marriage_certificate": Source.UPLOAD,
        "birth_notice": Source.UPLOAD,
        "id_card": Source.REGISTRY,
    }
