"""Many clicks at the same moment: distinct consecutive codes, one dossier per submission,
one winner when two officers act on one dossier."""

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from motcua.core.exceptions import Conflict
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.identity.models import Role
from tests.dossiers.conftest import BIRTH_FORM

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(actions: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(len(actions))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results.append(action())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_twenty_concurrent_intakes_at_one_agency_get_twenty_consecutive_codes(
    birth, applicant, staff, commune_pc
):
    officer = staff[Role.ONE_STOP_OFFICER]
    id_number = applicant.citizen.id_number

    def intake() -> Dossier:
        app = services.Application(procedure=birth, form_data=dict(BIRTH_FORM))
        return services.intake_at_counter(officer, app, id_number)

    results, errors = at_once([intake] * 20)
    assert errors == []
    codes = sorted(dossier.code for dossier in results)  # type: ignore[attr-defined]
    assert len(set(codes)) == 20
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, 21))
    assert all(code.startswith(f"{commune_pc.code}-") for code in codes)
    assert Dossier.objects.count() == 20


def test_the_same_submission_sent_twice_at_once_makes_one_dossier(submit):
    results, errors = at_once([lambda: submit(idempotency_key="double-click-1")] * 2)
    assert errors == []
    assert Dossier.objects.count() == 1
    assert {d.pk for d in results} == {Dossier.objects.get().pk}  # type: ignore[attr-defined]


def test_two_officers_receiving_one_dossier_at_once_make_one_receipt(
    submit, staff, make_staff, commune_pc
):
    dossier = submit()
    version = dossier.version
    second = make_staff(Role.ONE_STOP_OFFICER, agency=commune_pc)
    results, errors = at_once(
        [
            lambda: services.receive(dossier, staff[Role.ONE_STOP_OFFICER], version=version),
            lambda: services.receive(dossier, second, version=version),
        ]
    )
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.steps.filter(step="receive").count() == 1
