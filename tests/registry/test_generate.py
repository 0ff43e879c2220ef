"""The synthetic population generator: realistic, clean at rate 0, and every injected
defect breaks its rule and nothing else.

The rules are checked here directly from their shared definitions (small queries and
idnumber), independently of the quality scanner.
"""

import csv
import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone
from rapidfuzz.distance import Levenshtein

from motcua.core.models import AdministrativeUnit
from motcua.registry import idnumber
from motcua.registry.cards import birthday
from motcua.registry.generate import (
    ALL_RULES,
    CSV_RULES,
    IMPORT_HEADER,
    generate_population,
    write_defects,
    write_import_csv,
)
from motcua.registry.models import Citizen, Household, HouseholdMember, IdCard
from motcua.registry.names import name_key
from motcua.security.models import AuditRecord

pytestmark = pytest.mark.django_db

REQUIRED = ("full_name", "birth_date", "sex", "permanent_commune_id", "ethnicity", "nationality")


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def violations() -> dict[str, set]:
    """Every subject breaking each shared rule: an ID number, a household number, or (for
    duplicates) the pair of ID numbers."""
    today = timezone.localdate()
    found: dict[str, set] = defaultdict(set)
    citizens = list(Citizen.objects.all())
    communes = set(
        AdministrativeUnit.objects.current().filter(level="commune").values_list("pk", flat=True)
    )
    valid_cards = {card.citizen_id: card for card in IdCard.objects.filter(status="valid")}
    current = list(
        HouseholdMember.objects.filter(left_on__isnull=True).select_related("citizen", "household")
    )
    current_ids = {member.citizen_id for member in current}
    verify_limit = timezone.now() - dt.timedelta(days=5 * 365.25)
    for c in citizens:
        alive = c.status == "alive"
        for problem in idnumber.problems(c.id_number, birth_date=c.birth_date, sex=c.sex or None):
            rule = {
                "century": "id_century_mismatch",
                "sex": "id_sex_mismatch",
                "year": "id_year_mismatch",
                "province": "id_bad_province",
            }[problem.code]
            found[rule].add(c.id_number)
        if (
            (c.birth_date and not dt.date(1900, 1, 1) <= c.birth_date <= today)
            or (c.death_date and c.death_date > today)
            or (c.death_date and c.birth_date and c.death_date < c.birth_date)
        ):
            found["dates_implausible"].add(c.id_number)
        if c.permanent_commune_id and c.permanent_commune_id not in communes:
            found["commune_invalid"].add(c.id_number)
        if alive and any(getattr(c, name) in (None, "") for name in REQUIRED):
            found["missing_required_fields"].add(c.id_number)
        if alive and (c.last_verified_at is None or c.last_verified_at < verify_limit):
            found["not_verified"].add(c.id_number)
        if (c.death_date and alive) or (
            c.status == "dead" and (c.pk in current_ids or c.pk in valid_cards)
        ):
            found["death_not_applied"].add(c.id_number)
        card = valid_cards.get(c.pk)
        if alive and card and card.expiry_date and card.expiry_date < today:
            found["card_expired"].add(c.id_number)
        if alive and c.birth_date and _age(c.birth_date, today) >= 14 and not card:
            found["no_card"].add(c.id_number)
    by_day: dict[tuple, list[Citizen]] = defaultdict(list)
    for c in citizens:
        if c.birth_date and c.sex:
            by_day[(c.birth_date, c.sex)].append(c)
    for same_day in by_day.values():
        for i, a in enumerate(same_day):
            for b in same_day[i + 1 :]:
                if Levenshtein.distance(a.name_key, b.name_key) <= 1:
                    found["duplicate_person"].add(frozenset((a.id_number, b.id_number)))
    households: dict[str, list[HouseholdMember]] = defaultdict(list)
    for member in current:
        households[member.household.number].append(member)
    for number, members in households.items():
        heads = [m for m in members if m.relation == "head"]
        if not heads:
            found["household_without_head"].add(number)
        elif len(heads) > 1:
            found["household_multiple_heads"].add(number)
        for head in heads:
            head_birth = head.citizen.birth_date
            for m in members:
                birth = m.citizen.birth_date
                if head_birth is None or birth is None:
                    continue
                younger = m.relation in ("child", "grandchild")
                older = m.relation in ("parent", "grandparent")
                if (younger and birth < birthday(head_birth, 12)) or (
                    older and birthday(birth, 12) > head_birth
                ):
                    found["impossible_relation"].add(m.citizen.id_number)
    return found


def subject(defect) -> object:
    if defect.rule == "duplicate_person":
        return frozenset((defect.id_number, defect.other_id_number))
    if defect.rule in ("household_without_head", "household_multiple_heads"):
        return defect.household_number
    return defect.id_number


def injected(defects) -> dict[str, set]:
    by_rule: dict[str, set] = defaultdict(set)
    for defect in defects:
        by_rule[defect.rule].add(subject(defect))
    return by_rule


# --- without defects ------------------------------------------------------------------


def test_generates_exactly_the_people_asked_for_with_households_and_cards(province):
    report = generate_population(500, seed=1)

    assert Citizen.objects.count() == report.people == 500
    assert Household.objects.count() == report.households > 0
    assert IdCard.objects.count() == report.cards > 0
    assert report.defects == []


def test_every_household_has_exactly_one_head(province):
    generate_population(1000, seed=2)

    heads = Counter(
        HouseholdMember.objects.filter(relation="head").values_list("household_id", flat=True)
    )
    assert set(heads.values()) == {1}
    assert len(heads) == Household.objects.count()


def test_households_hold_one_to_seven_people_three_and_a_half_on_average(province):
    generate_population(2000, seed=3)

    sizes = Counter(HouseholdMember.objects.values_list("household_id", flat=True))
    assert min(sizes.values()) >= 1
    assert max(sizes.values()) <= 7
    assert 3.0 <= sum(sizes.values()) / len(sizes) <= 4.0


def test_ages_and_sexes_look_like_vietnams_population(province):
    generate_population(2000, seed=4)

    today = timezone.localdate()
    ages = [_age(b, today) for b in Citizen.objects.values_list("birth_date", flat=True)]
    sexes = Counter(Citizen.objects.values_list("sex", flat=True))
    assert min(ages) >= 0 and max(ages) <= 100
    assert 0.18 <= sum(a < 15 for a in ages) / len(ages) <= 0.29
    assert 0.05 <= sum(a >= 65 for a in ages) / len(ages) <= 0.12
    assert 0.45 <= sexes["male"] / len(ages) <= 0.55


def test_people_are_spread_over_all_communes_of_the_province(province):
    generate_population(2000, seed=5)

    communes = AdministrativeUnit.objects.current().filter(level="commune", parent__code="22")
    used = set(Citizen.objects.values_list("permanent_commune_id", flat=True))
    assert used == set(communes.values_list("pk", flat=True))


def test_id_numbers_agree_with_birth_date_and_sex(province):
    generate_population(1000, seed=6)

    for number, birth, sex in Citizen.objects.values_list("id_number", "birth_date", "sex"):
        idnumber.validate(number, birth_date=birth, sex=sex)


def test_most_births_are_registered_in_the_province(province):
    generate_population(1000, seed=7)

    codes = Counter(Citizen.objects.values_list("birth_province_code", flat=True))
    assert 0.85 <= codes["022"] / 1000 <= 0.95
    assert set(codes) <= idnumber.province_codes()


def test_everyone_aged_14_or_more_holds_a_valid_unexpired_card(province):
    generate_population(1000, seed=8)

    today = timezone.localdate()
    for citizen in Citizen.objects.prefetch_related("cards"):
        cards = [card for card in citizen.cards.all() if card.status == "valid"]
        if _age(citizen.birth_date, today) >= 14:
            assert len(cards) == 1
            assert cards[0].number == citizen.id_number
            assert cards[0].expiry_date is None or cards[0].expiry_date > today
            assert birthday(citizen.birth_date, 14) <= cards[0].issue_date <= today
        else:
            assert cards == []


def test_population_without_defects_breaks_no_quality_rule(province):
    generate_population(2000, seed=9)

    assert {rule: subjects for rule, subjects in violations().items() if subjects} == {}


def test_names_are_vietnamese_and_searchable_without_diacritics(province):
    generate_population(300, seed=10)

    for full_name, key in Citizen.objects.values_list("full_name", "name_key"):
        assert len(full_name.split()) >= 3
        assert key == name_key(full_name)


# --- with defects -------------------------------------------------------------------------


@pytest.fixture
def defective(province):
    """A population of 2,000 with a fifth of its records defective."""
    return generate_population(2000, defect_rate=0.2, seed=22)


def test_defects_file_lists_every_rule(defective, tmp_path):
    path = tmp_path / "out" / "defects.csv"
    write_defects(defective.defects, path)

    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["rule", "id_number", "household_number", "other_id_number"]
    assert len(rows) == len(defective.defects)
    assert {row["rule"] for row in rows} == set(ALL_RULES)


def test_defects_are_spread_evenly_over_the_rules(defective):
    counts = Counter(defect.rule for defect in defective.defects)

    assert 0.17 * 2000 <= sum(counts.values()) <= 0.21 * 2000
    assert max(counts.values()) - min(counts.values()) <= 3


def test_each_injected_defect_breaks_its_rule(defective):
    found = violations()

    for rule, subjects in injected(defective.defects).items():
        assert subjects <= found[rule], rule


def test_injected_defects_break_no_other_rule(defective):
    expected = injected(defective.defects)

    for rule, subjects in violations().items():
        assert subjects <= expected[rule], rule


def test_duplicate_copies_are_the_same_person_with_a_slightly_different_name(defective):
    pairs = [d for d in defective.defects if d.rule == "duplicate_person"]
    assert pairs
    for pair in pairs:
        copy = Citizen.objects.get(id_number=pair.id_number)
        original = Citizen.objects.get(id_number=pair.other_id_number)
        assert copy.full_name != original.full_name
        assert Levenshtein.distance(copy.name_key, original.name_key) <= 1
        assert (copy.birth_date, copy.sex, copy.permanent_commune_id) == (
            original.birth_date,
            original.sex,
            original.permanent_commune_id,
        )
        idnumber.validate(copy.id_number, birth_date=copy.birth_date, sex=copy.sex)


def test_each_record_carries_at_most_one_defect(defective):
    concerned = [d.id_number for d in defective.defects if d.id_number]
    concerned += [d.other_id_number for d in defective.defects if d.other_id_number]

    assert len(concerned) == len(set(concerned))


# --- runs, seeds, audit -------------------------------------------------------------------


def _people() -> list[tuple]:
    return list(
        Citizen.objects.order_by("id_number").values_list(
            "id_number", "full_name", "birth_date", "sex", "permanent_commune_id"
        )
    )


def test_same_seed_gives_the_same_people(province):
    generate_population(400, defect_rate=0.1, seed=5)
    first = _people()
    Household.objects.all().delete()
    Citizen.objects.all().delete()

    generate_population(400, defect_rate=0.1, seed=5)

    assert _people() == first


def test_another_seed_gives_other_people(province):
    generate_population(200, seed=5)
    first = {row[1:] for row in _people()}
    Household.objects.all().delete()
    Citizen.objects.all().delete()

    generate_population(200, seed=6)

    assert len(first & {row[1:] for row in _people()}) < 20


def test_a_second_run_adds_people_without_reusing_numbers(province):
    generate_population(300, seed=5)

    report = generate_population(300, seed=5)

    assert report.people == 300
    assert Citizen.objects.count() == 600
    assert Household.objects.count() == 2 * report.households


def test_a_run_leaves_one_audit_record(province):
    before = AuditRecord.objects.count()

    generate_population(300, defect_rate=0.1, seed=5)

    assert AuditRecord.objects.count() == before + 1
    audit = AuditRecord.objects.order_by("-sequence").first()
    assert (audit.action, audit.object_type) == ("create", "registry.population")
    assert audit.data["people"] == 300
    assert audit.data["defects"] > 0


def test_progress_reports_every_person_written(province):
    steps: list[int] = []

    generate_population(700, seed=5, progress=steps.append)

    assert sum(steps) == 700


def test_zero_people_are_refused(province):
    from motcua.core.exceptions import DomainError

    with pytest.raises(DomainError):
        generate_population(0)


def test_command_writes_people_and_the_defects_file(province, tmp_path):
    path = tmp_path / "defects.csv"

    call_command(
        "registry", "generate", "--people", "300", "--defects", "0.1", "--defects-file", str(path)
    )

    assert Citizen.objects.count() == 300
    assert path.read_text(encoding="utf-8").startswith("rule,id_number,")


# --- import file --------------------------------------------------------------------------


def _read(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_rows_follow_the_import_format_header(province, tmp_path):
    path = tmp_path / "people.csv"

    report = write_import_csv(path, 500, seed=3)

    rows = _read(path)
    assert rows[0] == [
        "id_number", "full_name", "birth_date", "sex", "birth_province_code", "nationality",
        "ethnicity", "religion", "permanent_commune_code", "permanent_address",
        "temporary_commune_code", "temporary_address", "status", "death_date", "last_verified_at",
    ]  # fmt: skip
    assert len(rows) == 501 == report.people + 1
    assert all(len(row) == len(IMPORT_HEADER) for row in rows)


def test_csv_rows_without_defects_are_well_formed_and_consistent(province, tmp_path):
    path = tmp_path / "people.csv"
    communes = set(
        AdministrativeUnit.objects.current()
        .filter(level="commune", parent__code="22")
        .values_list("code", flat=True)
    )

    write_import_csv(path, 500, seed=3)

    for row in csv.DictReader(path.open(encoding="utf-8")):
        birth = dt.date.fromisoformat(row["birth_date"])
        idnumber.validate(row["id_number"], birth_date=birth, sex=row["sex"])
        assert row["permanent_commune_code"] in communes
        assert row["status"] == "alive" and row["death_date"] == ""
        dt.datetime.fromisoformat(row["last_verified_at"])


def test_csv_writes_nothing_to_the_database(province, tmp_path):
    write_import_csv(tmp_path / "people.csv", 300, defect_rate=0.2, seed=3)

    assert Citizen.objects.count() == 0


def test_csv_defects_are_the_ones_a_row_can_carry(province, tmp_path):
    report = write_import_csv(tmp_path / "people.csv", 2000, defect_rate=0.2, seed=3)

    assert {defect.rule for defect in report.defects} == set(CSV_RULES)


def test_same_seed_writes_the_same_file(province, tmp_path):
    write_import_csv(tmp_path / "a.csv", 300, defect_rate=0.1, seed=8)
    write_import_csv(tmp_path / "b.csv", 300, defect_rate=0.1, seed=8)

    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
