import datetime as dt

import pytest

from motcua.core.exceptions import Conflict, DomainError
from motcua.registry import services
from motcua.registry.models import CitizenStatus, IdCardStatus, Relation
from motcua.registry.signals import citizen_status_changed
from motcua.security.chain import verify_chain
from motcua.security.models import AuditAction, AuditRecord

pytestmark = pytest.mark.django_db


def born(number="022085000123", name="Trần Thị Bích Ngọc", date=dt.date(1985, 6, 1), sex="male",
         **extra):  # fmt: skip
    return services.register_birth(id_number=number, full_name=name, birth_date=date, sex=sex,
                                   **extra)  # fmt: skip


def test_birth_registration_stores_a_searchable_name_and_audits(communes):
    citizen = born(permanent_commune=communes[0])
    assert citizen.name_key == "tran thi bich ngoc"
    assert citizen.birth_province_code == "022"
    audit = AuditRecord.objects.get(object_type="registry.citizen", object_id=str(citizen.pk))
    assert audit.action == AuditAction.CREATE


def test_birth_with_an_inconsistent_id_number_is_refused_with_the_rule(communes):
    with pytest.raises(DomainError) as refused:
        born(number="022285000123")
    assert refused.value.code == "id_century"
    assert "1985" in refused.value.message


def test_the_same_id_number_cannot_be_registered_twice(communes):
    born()
    with pytest.raises(Conflict):
        born(name="Người khác")


def test_death_closes_membership_revokes_card_and_tells_listeners(
    communes, django_capture_on_commit_callbacks
):
    head = born()
    household = services.create_household("2200000001", head=head, commune=communes[0])
    card = services.issue_card(head, dt.date(2022, 1, 10))
    heard = []
    citizen_status_changed.connect(lambda **kw: heard.append(kw["new_status"]), weak=False,
                                   dispatch_uid="test_death")  # fmt: skip
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.record_death(head, dt.date(2026, 1, 2))
    finally:
        citizen_status_changed.disconnect(dispatch_uid="test_death")
    head.refresh_from_db()
    card.refresh_from_db()
    assert head.status == CitizenStatus.DEAD
    assert card.status == IdCardStatus.REVOKED
    assert not household.members.filter(left_on__isnull=True).exists()
    assert heard == [CitizenStatus.DEAD]
    with pytest.raises(Conflict):
        services.record_death(head, dt.date(2026, 1, 2))


def test_a_death_before_birth_is_refused(communes):
    with pytest.raises(DomainError):
        services.record_death(born(), dt.date(1970, 1, 1))


def test_a_household_keeps_exactly_one_head(communes):
    head = born()
    spouse = born(number="022185000124", name="Lê Thị Hoa", sex="female")
    household = services.create_household("2200000002", head=head)
    services.add_member(household, spouse, Relation.SPOUSE)
    with pytest.raises(Conflict):
        services.add_member(household, born(number="022090000125", date=dt.date(1990, 1, 1)),
                            Relation.HEAD)  # fmt: skip
    services.change_head(household, spouse, former_head_relation=Relation.SPOUSE)
    heads = household.members.filter(relation=Relation.HEAD, left_on__isnull=True)
    assert [member.citizen for member in heads] == [spouse]


def test_joining_a_new_household_leaves_the_old_one(communes):
    person = born()
    first = services.create_household("2200000003", head=person)
    elder = born(number="022070000001", date=dt.date(1970, 2, 2))
    second = services.create_household("2200000004", head=elder)
    services.add_member(second, person, Relation.CHILD)
    assert not first.members.filter(citizen=person, left_on__isnull=True).exists()
    assert second.members.filter(citizen=person, left_on__isnull=True).exists()


def test_a_new_card_replaces_the_valid_one_and_expires_at_the_next_renewal_age(communes):
    person = born(date=dt.date(2000, 5, 5), number="022200000777")
    first = services.issue_card(person, dt.date(2018, 1, 1))
    second = services.issue_card(person, dt.date(2024, 6, 1))
    first.refresh_from_db()
    assert first.status == IdCardStatus.REPLACED
    assert second.expiry_date == dt.date(2040, 5, 5)


def test_moving_out_of_the_province_changes_status_and_back_in_restores_it(communes):
    person = born(permanent_commune=communes[0])
    services.record_move(person, commune=None, out_of_province=True)
    person.refresh_from_db()
    assert person.status == CitizenStatus.MOVED_OUT
    services.record_move(person, commune=communes[1], address="Tổ 5")
    person.refresh_from_db()
    assert (person.status, person.permanent_commune) == (CitizenStatus.ALIVE, communes[1])


def test_a_correction_records_before_and_after_and_keeps_the_id_consistent(communes):
    person = born()
    services.correct_citizen(
        person, {"full_name": "Trần Thị Bích Ngọc Anh"}, reason="Giấy khai sinh"
    )
    change = AuditRecord.objects.filter(object_id=str(person.pk)).latest("sequence")
    assert change.data["before"] == {"full_name": "Trần Thị Bích Ngọc"}
    assert change.purpose == "Giấy khai sinh"
    with pytest.raises(DomainError) as refused:
        services.correct_citizen(person, {"birth_date": dt.date(2001, 1, 1)})
    assert refused.value.code == "id_mismatch"
    person.refresh_from_db()
    assert person.birth_date == dt.date(1985, 6, 1)
    assert verify_chain().ok
