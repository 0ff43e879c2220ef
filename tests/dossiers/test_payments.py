import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from motcua.catalog.models import Procedure
from motcua.core.exceptions import Conflict, DomainError
from motcua.dossiers import payments, services
from motcua.dossiers.models import DossierStatus, Notification, Satisfaction
from motcua.dossiers.tasks import send_status_email
from motcua.identity.models import Role

RESIDENCE = "1.004194"  # permanent residence registration: 10,000 VND online


@pytest.fixture
def approved_with_fees(catalog, applicant, staff):
    procedure = Procedure.objects.get(code=RESIDENCE)
    app = services.Application(procedure=procedure, form_data={"request": "Nhập hộ khẩu"})
    dossier = services.submit_online(applicant, app)
    officer = staff[Role.ONE_STOP_OFFICER]
    dossier = services.receive(dossier, officer)
    dossier = services.digitise(dossier, officer)
    dossier = services.appraise(dossier, staff[Role.SPECIALIST], opinion="Đủ điều kiện")
    return services.approve(dossier, staff[Role.LEADER], result_summary="Đã đăng ký thường trú")


def test_a_result_waits_in_status_6_until_the_fees_are_paid(approved_with_fees, staff):
    dossier = approved_with_fees
    assert dossier.status == DossierStatus.FEES_DUE
    assert dossier.fee_total == 10_000
    with pytest.raises(DomainError) as error:
        services.return_result(dossier, staff[Role.ONE_STOP_OFFICER])
    assert "10.000" in error.value.message
    payment = payments.record_payment(
        dossier, dossier.applicant_user, amount=10_000, method="e_wallet", reference="MOMO-889911"
    )
    assert payment.paid_at is not None
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESULT_READY
    returned = services.return_result(dossier, staff[Role.ONE_STOP_OFFICER])
    assert returned.status == DossierStatus.RESULT_RETURNED


def test_a_payment_notice_delivered_twice_counts_once(approved_with_fees):
    dossier = approved_with_fees
    payments.record_payment(
        dossier, dossier.applicant_user, amount=5_000, method="bank_transfer", reference="FT26-1"
    )
    with pytest.raises(Conflict):
        payments.record_payment(
            dossier,
            dossier.applicant_user,
            amount=5_000,
            method="bank_transfer",
            reference="FT26-1",
        )
    dossier.refresh_from_db()
    assert dossier.fees_paid == 5_000
    assert dossier.status == DossierStatus.FEES_DUE


def test_more_than_is_due_is_refused(approved_with_fees):
    with pytest.raises(DomainError):
        payments.record_payment(
            approved_with_fees,
            approved_with_fees.applicant_user,
            amount=20_000,
            method="card",
            reference="X1",
        )


def test_the_applicant_rates_once_after_the_return(approved_with_fees, staff, make_staff):
    dossier = approved_with_fees
    with pytest.raises(Conflict):
        payments.rate(dossier, dossier.applicant_user, level=Satisfaction.SATISFIED)
    payments.record_payment(
        dossier, dossier.applicant_user, amount=10_000, method="cash", reference="BL-0001"
    )
    dossier = services.return_result(dossier, staff[Role.ONE_STOP_OFFICER])
    with pytest.raises(PermissionDenied):
        payments.rate(dossier, staff[Role.ONE_STOP_OFFICER], level=Satisfaction.VERY_SATISFIED)
    rating = payments.rate(dossier, dossier.applicant_user, level=Satisfaction.VERY_SATISFIED)
    assert rating.get_level_display() == "Very satisfied"
    with pytest.raises(Conflict):
        payments.rate(dossier, dossier.applicant_user, level=Satisfaction.NEUTRAL)


def test_a_status_change_is_emailed_by_the_task(approved_with_fees, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notification = Notification.objects.filter(dossier=approved_with_fees).first()
    send_status_email.call(
        "tuyet@example.vn", notification.subject, notification.body, notification.pk
    )
    assert mail.outbox[0].to == ["tuyet@example.vn"]
    assert approved_with_fees.code in mail.outbox[0].subject
    notification.refresh_from_db()
    assert notification.emailed_at is not None
