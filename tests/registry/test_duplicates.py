import datetime as dt

import pytest

from motcua.registry.models import IssueStatus, QualityIssue
from motcua.registry.names import name_key
from motcua.registry.quality.duplicates import (
    Person,
    candidate_pairs,
    judge,
    name_difference,
)
from motcua.registry.quality.scan import run_scan

pytestmark = pytest.mark.django_db

BORN = dt.date(1985, 4, 12)


def pairs() -> set[frozenset[int]]:
    """Scan, then the open duplicate pairs as sets of two citizen ids."""
    run_scan(today=dt.date(2026, 6, 1))
    return {
        frozenset((issue.citizen_id, issue.other_citizen_id))
        for issue in QualityIssue.objects.filter(rule="duplicate_person", status=IssueStatus.OPEN)
    }


def person(name: str, born: dt.date = BORN, **fields) -> Person:
    values = {
        "id": 1,
        "sex": "male",
        "commune_id": 7,
        "birth_province": "022",
        "address": "Tổ 3, Khu 5",
        **fields,
    }
    return Person(full_name=name, name_key=name_key(name), birth_date=born, **values)


@pytest.mark.parametrize("variant", ["Nguyễn Văn Ân", "Nguyen Van An", "Nguyễn Vănn An"])
def test_a_slightly_misspelt_name_born_the_same_day_is_a_duplicate(make_citizen, variant):
    first = make_citizen(full_name="Nguyễn Văn An")
    second = make_citizen(full_name=variant)
    assert pairs() == {frozenset((first.pk, second.pk))}


def test_a_one_letter_typo_in_the_same_commune_is_a_duplicate(make_citizen):
    first = make_citizen(full_name="Nguyễn Thị Linh", sex="female")
    second = make_citizen(full_name="Nguyễn Thị Lynh", sex="female")
    assert pairs() == {frozenset((first.pk, second.pk))}


def test_different_people_born_the_same_day_are_not_paired(make_citizen):
    make_citizen(full_name="Nguyễn Văn An")
    make_citizen(full_name="Trần Văn Bình")
    make_citizen(full_name="Nguyễn Văn Anh")  # a different name, not a slip
    make_citizen(full_name="Nguyễn Văn Hùng")
    make_citizen(full_name="Nguyễn Văn Dũng")
    assert pairs() == set()


def test_the_same_name_of_the_other_sex_is_not_paired(make_citizen):
    make_citizen(full_name="Nguyễn Văn An")
    make_citizen(full_name="Nguyễn Văn Ân", sex="female")
    assert pairs() == set()


def test_the_same_name_born_another_day_is_not_paired(make_citizen):
    make_citizen(full_name="Nguyễn Văn An")
    make_citizen(full_name="Nguyễn Văn An", birth_date=dt.date(1985, 7, 30))
    assert pairs() == set()


def test_a_one_letter_difference_in_another_commune_is_not_paired(make_citizen, communes):
    make_citizen(full_name="Lê Thị Lan", sex="female", permanent_commune=communes[0])
    make_citizen(full_name="Lê Thị Lam", sex="female", permanent_commune=communes[1])
    assert pairs() == set()


def test_a_birth_date_with_day_and_month_swapped_is_a_duplicate_in_the_same_commune(
    make_citizen,
):
    first = make_citizen(full_name="Phạm Văn Hải", birth_date=dt.date(1985, 4, 12))
    second = make_citizen(full_name="Phạm Văn Hải", birth_date=dt.date(1985, 12, 4))
    assert pairs() == {frozenset((first.pk, second.pk))}


def test_a_mistyped_birth_date_in_another_commune_is_not_paired(make_citizen, communes):
    make_citizen(full_name="Phạm Văn Hải", birth_date=dt.date(1985, 4, 12))
    make_citizen(
        full_name="Phạm Văn Hải", birth_date=dt.date(1985, 4, 13), permanent_commune=communes[1]
    )
    assert pairs() == set()


def test_a_pair_is_one_issue_from_the_lower_id_to_the_higher(make_citizen):
    first = make_citizen(full_name="Nguyễn Văn An")
    second = make_citizen(full_name="Nguyễn Văn Ân")
    pairs()
    issue = QualityIssue.objects.get(rule="duplicate_person")
    assert (issue.citizen, issue.other_citizen) == (first, second)
    assert issue.subject_key == f"p:{first.pk}:{second.pk}"
    assert issue.details["name_difference"] == "diacritics"
    assert (issue.attribute, issue.severity) == ("clean", "high")


def test_three_records_of_one_person_make_three_pairs(make_citizen):
    records = [make_citizen(full_name=name) for name in ("Đỗ Văn An", "Do Van An", "Đỗ Vănn An")]
    assert len(pairs()) == 3
    assert set().union(*pairs()) == {record.pk for record in records}


def test_merging_a_duplicate_closes_the_pair_on_rescan(make_citizen):
    make_citizen(full_name="Nguyễn Văn An")
    copy = make_citizen(full_name="Nguyen Van An")
    pairs()
    copy.delete()
    assert pairs() == set()


@pytest.mark.parametrize(
    ("other", "difference"),
    [
        ("Nguyễn Văn An", "identical"),
        ("Nguyễn Văn Ân", "diacritics"),
        ("Nguyen Van An", "diacritics"),
        ("Nguyễn Văn Ann", "doubled_letter"),
        ("Nguyễn Văn Am", "one_letter"),
        ("Nguyễn Văn Anh", None),
        ("Nguyễn Văn Bn", None),  # a word's first letter
        ("Nguyễn An", None),
        ("Trần Văn Ám", None),
    ],
)
def test_names_are_told_apart_by_how_they_differ(other, difference):
    assert name_difference(person("Nguyễn Văn An"), person(other)) == difference


def test_candidates_stream_in_chunks_of_any_size(make_citizen):
    for name in ("Nguyễn Văn An", "Nguyễn Văn Ân", "Nguyễn Văn Âm", "Nguyen Van An"):
        make_citizen(full_name=name)
    assert len(list(candidate_pairs(chunk=1))) == 6


def test_people_without_a_birth_date_or_sex_are_never_candidates(make_citizen):
    make_citizen(birth_date=None)
    make_citizen(birth_date=None)
    make_citizen(sex="")
    make_citizen(sex="")
    assert list(candidate_pairs()) == []


def test_the_same_name_in_another_commune_is_not_judged_a_duplicate():
    assert judge(person("Nguyễn Văn An"), person("Nguyễn Văn An", id=2, commune_id=8)) is None


def test_a_mistyped_birth_date_needs_the_same_address():
    first = person("Phạm Văn Hải", born=dt.date(1985, 4, 12))
    elsewhere = person("Phạm Văn Hải", id=2, born=dt.date(1985, 12, 4), address="Thôn Tân Lập")
    same_home = person("Phạm Văn Hải", id=3, born=dt.date(1985, 12, 4))
    assert judge(first, elsewhere) is None
    assert judge(first, same_home) is not None


def test_a_birth_date_differing_in_more_than_one_digit_is_not_a_slip():
    first = person("Phạm Văn Hải", born=dt.date(1985, 4, 12))
    assert judge(first, person("Phạm Văn Hải", id=2, born=dt.date(1985, 7, 30))) is None
