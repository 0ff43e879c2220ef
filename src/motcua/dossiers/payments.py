"""Fees (payment records, status 6 until paid) and the applicant's satisfaction rating."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core.exceptions import Conflict, DomainError
from motcua.dossiers import transitions as t
from motcua.dossiers.models import (
    Dossier,
    DossierStatus,
    EventKind,
    Payment,
    PaymentMethod,
    Rating,
    Satisfaction,
)
from motcua.identity.models import Role, User

PAYABLE = [
    DossierStatus.SUBMITTED,
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.FEES_DUE,
]


@transaction.atomic
def record_payment(
    dossier: Dossier,
    actor: User,
    *,
    amount: int,
    method: str,
    reference: str,
    at: dt.datetime | None = None,
) -> Payment:
    """Record a payment of the dossier's fees (method, reference, time). A reference is
    recorded once per method, so a payment notice delivered twice counts once. When the
    fees are covered, a dossier waiting for them (status 6) has its result ready (9)."""
    at = t.now_or(at)
    if method not in PaymentMethod.values:
        raise DomainError(_("Unknown payment method."), code="method")
    reference = reference.strip()
    if not reference or len(reference) > 64:
        raise DomainError(_("Give the payment reference (at most 64 characters)."), code="ref")
    locked = t.lock(dossier, None)
    if locked.applicant_user_id != actor.pk:
        t.require(actor, {Role.ONE_STOP_OFFICER}, locked)
    t.require_status(locked, PAYABLE)
    if amount <= 0 or amount > locked.fees_outstanding:
        raise DomainError(
            _("The amount must be between 1 and the %(due)s VND still due.")
            % {"due": locked.fees_outstanding},
            code="amount",
        )
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                dossier=locked,
                amount=amount,
                method=method,
                reference=reference,
                paid_at=at,
                recorded_by=actor,
            )
    except IntegrityError:
        raise Conflict(
            _("A payment with this reference is already recorded."), code="duplicate"
        ) from None
    old = locked.status
    locked.fees_paid += amount
    if locked.status == DossierStatus.FEES_DUE and not locked.fees_outstanding:
        locked.status = DossierStatus.RESULT_READY
    t.save(locked, ["fees_paid", "status"])
    t.event(locked, EventKind.FEE_PAID, at, actor, old, "", amount=amount, method=method)
    if locked.status != old:
        t.notify(locked, at)
    t.audit(locked, actor, "fee_paid", amount=amount, method=method, reference=reference)
    return payment


@transaction.atomic
def rate(
    dossier: Dossier,
    user: User,
    *,
    level: int,
    comment: str = "",
    at: dt.datetime | None = None,
) -> Rating:
    """The applicant rates the service once, after the result is returned."""
    at = t.now_or(at)
    if level not in Satisfaction.values:
        raise DomainError(_("Choose one of the five levels."), code="level")
    locked = t.lock(dossier, None)
    if locked.applicant_user_id != user.pk:
        raise t.deny(user, locked, ["applicant"])
    t.require_status(locked, [DossierStatus.RESULT_RETURNED])
    if Rating.objects.filter(dossier=locked).exists():
        raise Conflict(_("You have already rated this dossier."), code="rated")
    rating = Rating.objects.create(
        dossier=locked, level=level, comment=comment.strip()[:2000], rated_at=at
    )
    t.event(locked, EventKind.RATED, at, user, locked.status, "", level=level)
    t.audit(locked, user, "rated", level=level)
    return rating
