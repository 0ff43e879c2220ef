"""Two officers, or two clicks, at the same moment: one wins, the other is told why."""

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from motcua.core.exceptions import Conflict
from motcua.identity.models import Organisation, OrganisationStatus
from motcua.identity.organisations.services import apply_for_organisation, approve, reject

from .conftest import CODE, pdf

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*actions: Callable[[], object]) -> list[BaseException]:
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            action()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def submit(user, commune):
    return lambda: apply_for_organisation(
        user,
        name="Công ty TNHH Hạ Long Xanh",
        code=CODE,
        address="Số 5",
        commune=commune,
        applicant_role="legal_representative",
        documents=[pdf()],
    )


def test_two_officers_deciding_at_once_make_one_decision(
    applicant, communes, officer, other_officer
):
    organisation = submit(applicant, communes[0])()
    first = Organisation.objects.get(pk=organisation.pk)
    second = Organisation.objects.get(pk=organisation.pk)
    errors = at_once(
        lambda: approve(first, by=officer),
        lambda: reject(second, by=other_officer, reason="Thiếu giấy tờ"),
    )
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    organisation.refresh_from_db()
    if organisation.status == OrganisationStatus.APPROVED:
        assert organisation.reviewed_by == officer and organisation.rejection_reason == ""
        assert organisation.members.count() == 1
    else:
        assert organisation.reviewed_by == other_officer
        assert not organisation.members.exists()


def test_two_submissions_at_once_make_one_application(applicant, communes):
    errors = at_once(submit(applicant, communes[0]), submit(applicant, communes[0]))
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    assert Organisation.objects.count() == 1
