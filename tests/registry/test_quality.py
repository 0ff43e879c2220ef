import datetime as dt

import pytest

from motcua.core.exceptions import Conflict, DomainError
from motcua.core.models import AdministrativeUnit
from motcua.registry import idnumber
from motcua.registry.models import (
    Household,
    HouseholdMember,
    IdCard,
    IssueStatus,
    QualityIssue,
    QualityScan,
)
from motcua.registry.quality.rules import RULES
from motcua.registry.quality.scan import run_scan
from motcua.registry.quality.scores import commune_scores, province_scores, score_against_defects
from motcua.registry.quality.services import resolve_issue
from motcua.registry.quality.tasks import run_quality_scan
from motcua.security.models import AuditRecord

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)
numbers = iter(range(1, 1_000_000))


def open_subjects(rule: str, today: dt.date = TODAY) -> set[int]:
    """Scan, then the ids (citizen or household) of the open issues of one rule."""
    run_scan(today=today)
    issues = QualityIssue.objects.filter(rule=rule, status=IssueStatus.OPEN)
    by_household = RULES[rule].subject == "household"
    return {issue.household_id if by_household else issue.citizen_id for issue in issues}


def household(*members, commune=None) -> Household:
    """A household with (citizen, relation) members, written directly."""
    home = Household.objects.create(number=f"22{next(numbers):08d}", commune=commune)
    for citizen, relation in members:
        HouseholdMember.objects.create(household=home, citizen=citizen, relation=relation)
    return home


def card(citizen, expiry: dt.date | None, status: str = "valid") -> IdCard:
    return IdCard.objects.create(
        citizen=citizen,
        number=citizen.id_number,
        issue_date=dt.date(2021, 5, 1),
        expiry_date=expiry,
        status=status,
    )


def mismatched_id(birth_year: int, sex: str, province: str = "022") -> str:
    return idnumber.compose(province, birth_year, sex, 900_000 + next(numbers))


# --- correct ------------------------------------------------------------------------


def test_an_id_number_from_another_century_than_the_birth_date_is_found(make_citizen):
    wrong = make_citizen(id_number=mismatched_id(2085, "male"), birth_date=dt.date(1985, 4, 12))
    right = make_citizen()
    found = open_subjects("id_century_mismatch")
    assert wrong.pk in found
    assert right.pk not in found


def test_an_id_number_whose_sex_digit_contradicts_the_record_is_found(make_citizen):
    wrong = make_citizen(id_number=mismatched_id(1985, "female"), sex="male")
    right = make_citizen(full_name="Trần Thị Mai", sex="female")
    found = open_subjects("id_sex_mismatch")
    assert wrong.pk in found
    assert right.pk not in found


def test_an_id_number_with_the_wrong_year_digits_is_found(make_citizen):
    wrong = make_citizen(id_number=mismatched_id(1986, "male"), birth_date=dt.date(1985, 4, 12))
    right = make_citizen()
    found = open_subjects("id_year_mismatch")
    assert wrong.pk in found
    assert right.pk not in found


def test_a_wrong_century_is_not_also_reported_as_wrong_year_digits(make_citizen):
    wrong = make_citizen(id_number=mismatched_id(2085, "male"), birth_date=dt.date(1985, 4, 12))
    assert wrong.pk not in open_subjects("id_year_mismatch")


def test_an_id_number_with_an_unknown_province_code_is_found(make_citizen):
    wrong = make_citizen(id_number=mismatched_id(1985, "male", province="999"))
    right = make_citizen(id_number=mismatched_id(1985, "male", province="001"))
    found = open_subjects("id_bad_province")
    assert wrong.pk in found
    assert right.pk not in found


@pytest.mark.parametrize(
    ("birth", "death"),
    [
        (dt.date(2026, 7, 1), None),  # born after the scan day
        (dt.date(1899, 12, 31), None),
        (dt.date(1950, 1, 1), dt.date(1949, 12, 31)),  # died before birth
        (dt.date(1950, 1, 1), dt.date(2026, 6, 2)),  # died after the scan day
    ],
    ids=["born-in-future", "born-before-1900", "died-before-birth", "died-in-future"],
)
def test_implausible_birth_or_death_dates_are_found(make_citizen, birth, death):
    # The digits 0YY: a man born in 19YY, whatever the (implausible) date says.
    number = f"0220{birth.year % 100:02d}{next(numbers):06d}"
    status = "dead" if death else "alive"
    wrong = make_citizen(id_number=number, birth_date=birth, death_date=death, status=status)
    assert wrong.pk in open_subjects("dates_implausible")


def test_plausible_birth_and_death_dates_are_not_reported(make_citizen):
    died = make_citizen(birth_date=dt.date(1930, 2, 1), death_date=TODAY, status="dead")
    newborn = make_citizen(birth_date=TODAY)
    found = open_subjects("dates_implausible")
    assert died.pk not in found
    assert newborn.pk not in found


def test_a_residence_that_is_not_a_current_commune_is_found(make_citizen, communes):
    province = AdministrativeUnit.objects.current().get(level="province", code="22")
    district = AdministrativeUnit.objects.filter(level="district").first()
    in_province = make_citizen(permanent_commune=province)
    in_district = make_citizen(permanent_commune=district)
    right = make_citizen(permanent_commune=communes[1])
    found = open_subjects("commune_invalid")
    assert {in_province.pk, in_district.pk} <= found
    assert right.pk not in found


# --- sufficient ---------------------------------------------------------------------


def test_a_living_person_missing_required_fields_is_found_with_the_fields(make_citizen):
    wrong = make_citizen(ethnicity="", permanent_commune=None)
    right = make_citizen()
    found = open_subjects("missing_required_fields")
    assert wrong.pk in found
    assert right.pk not in found
    issue = QualityIssue.objects.get(rule="missing_required_fields", citizen=wrong)
    assert issue.details == {"fields": ["permanent_commune", "ethnicity"]}


def test_a_dead_person_missing_fields_is_not_asked_for_them(make_citizen):
    dead = make_citizen(ethnicity="", status="dead", death_date=dt.date(2020, 1, 1))
    assert dead.pk not in open_subjects("missing_required_fields")


# --- clean --------------------------------------------------------------------------


def test_a_household_without_a_current_head_is_found(make_citizen, communes):
    former_head = make_citizen()
    headless = household((make_citizen(), "spouse"), (former_head, "head"), commune=communes[0])
    HouseholdMember.objects.filter(citizen=former_head).update(left_on=dt.date(2025, 1, 1))
    headed = household((make_citizen(), "head"), (make_citizen(), "child"))
    found = open_subjects("household_without_head")
    assert headless.pk in found
    assert headed.pk not in found
    assert QualityIssue.objects.get(household=headless).commune == communes[0]


def test_a_household_whose_members_all_left_is_not_reported_headless(make_citizen):
    empty = household((make_citizen(), "spouse"))
    empty.members.update(left_on=dt.date(2025, 1, 1))
    assert empty.pk not in open_subjects("household_without_head")


def test_a_household_with_two_current_heads_is_found(make_citizen):
    two = household((make_citizen(), "head"), (make_citizen(), "head"))
    one = household((make_citizen(), "head"), (make_citizen(), "spouse"))
    found = open_subjects("household_multiple_heads")
    assert two.pk in found
    assert one.pk not in found
    assert QualityIssue.objects.get(household=two).details == {"heads": 2}


@pytest.mark.parametrize(
    ("relation", "born"),
    [
        ("child", dt.date(1980, 1, 1)),  # born before the head
        ("child", dt.date(1990, 1, 1)),  # less than 12 years after
        ("grandchild", dt.date(1997, 4, 11)),  # a day short of 12 years after
        ("parent", dt.date(1980, 1, 1)),  # less than 12 years before
        ("grandparent", dt.date(1990, 1, 1)),  # after the head
    ],
)
def test_a_relation_impossible_by_age_is_found(make_citizen, relation, born):
    head = make_citizen(birth_date=dt.date(1985, 4, 12))
    relative = make_citizen(full_name="Trần Văn Bình", birth_date=born)
    household((head, "head"), (relative, relation))
    assert relative.pk in open_subjects("impossible_relation")


@pytest.mark.parametrize(
    ("relation", "born"),
    [
        ("child", dt.date(1997, 4, 12)),  # exactly 12 years after
        ("grandchild", dt.date(2015, 1, 1)),
        ("parent", dt.date(1973, 4, 12)),  # exactly 12 years before
        ("spouse", dt.date(1990, 1, 1)),  # spouses may be of any age
    ],
)
def test_a_relation_possible_by_age_is_not_reported(make_citizen, relation, born):
    head = make_citizen(birth_date=dt.date(1985, 4, 12))
    relative = make_citizen(full_name="Trần Văn Bình", birth_date=born)
    household((head, "head"), (relative, relation))
    assert relative.pk not in open_subjects("impossible_relation")


# --- live ---------------------------------------------------------------------------


def test_a_record_never_or_long_ago_verified_is_found(make_citizen):
    never = make_citizen(last_verified_at=None)
    long_ago = make_citizen(last_verified_at=dt.datetime(2021, 5, 31, tzinfo=dt.UTC))
    recent = make_citizen(last_verified_at=dt.datetime(2021, 6, 2, tzinfo=dt.UTC))
    found = open_subjects("not_verified")
    assert {never.pk, long_ago.pk} <= found
    assert recent.pk not in found


def test_the_verification_period_comes_from_the_settings(make_citizen, settings):
    settings.MOTCUA_REGISTRY_VERIFY_YEARS = 1
    last_year = make_citizen(last_verified_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC))
    assert last_year.pk in open_subjects("not_verified")


def test_a_death_date_on_a_living_record_is_found(make_citizen):
    wrong = make_citizen(death_date=dt.date(2025, 1, 1))
    assert wrong.pk in open_subjects("death_not_applied")


def test_a_dead_person_still_in_a_household_or_holding_a_card_is_found(make_citizen):
    in_household = make_citizen(status="dead", death_date=dt.date(2025, 1, 1))
    household((make_citizen(), "head"), (in_household, "spouse"))
    with_card = make_citizen(status="dead", death_date=dt.date(2025, 1, 1))
    card(with_card, dt.date(2030, 1, 1))
    applied = make_citizen(status="dead", death_date=dt.date(2025, 1, 1))
    card(applied, dt.date(2030, 1, 1), status="revoked")
    found = open_subjects("death_not_applied")
    assert {in_household.pk, with_card.pk} <= found
    assert applied.pk not in found


def test_a_valid_card_past_its_expiry_is_found(make_citizen):
    expired = make_citizen()
    card(expired, TODAY - dt.timedelta(days=1))
    current = make_citizen()
    card(current, TODAY)
    replaced = make_citizen()
    card(replaced, dt.date(2020, 1, 1), status="replaced")
    found = open_subjects("card_expired")
    assert expired.pk in found
    assert {current.pk, replaced.pk}.isdisjoint(found)


def test_someone_aged_14_without_a_valid_card_is_found(make_citizen):
    fourteen_today = make_citizen(birth_date=dt.date(2012, 6, 1))
    thirteen = make_citizen(birth_date=dt.date(2012, 6, 2))
    with_card = make_citizen()
    card(with_card, None)
    found = open_subjects("no_card")
    assert fourteen_today.pk in found
    assert {thirteen.pk, with_card.pk}.isdisjoint(found)


# --- scans over time ----------------------------------------------------------------


def test_a_new_issue_carries_the_rules_attribute_severity_and_the_records_commune(
    make_citizen, communes
):
    wrong = make_citizen(id_number=mismatched_id(1985, "female"), permanent_commune=communes[1])
    run_scan(today=TODAY)
    issue = QualityIssue.objects.get(rule="id_sex_mismatch", citizen=wrong)
    assert (issue.attribute, issue.severity, issue.status) == ("correct", "high", "open")
    assert issue.commune == communes[1]
    assert issue.subject_key == f"c:{wrong.pk}"


def test_a_scan_records_its_figures_and_a_count_for_every_rule(make_citizen):
    make_citizen(id_number=mismatched_id(1985, "female"))
    scan = run_scan(today=TODAY)
    assert QualityScan.objects.first() == scan
    assert set(scan.counts) == set(RULES)
    assert scan.counts["id_sex_mismatch"] >= 1
    assert scan.opened == QualityIssue.objects.count()
    assert scan.citizens >= 1
    assert scan.finished_at >= scan.started_at


def test_a_second_scan_of_unchanged_records_opens_and_closes_nothing(make_citizen):
    make_citizen(id_number=mismatched_id(1985, "female"), last_verified_at=None)
    run_scan(today=TODAY)
    again = run_scan(today=TODAY)
    assert (again.opened, again.closed) == (0, 0)


def test_a_rescan_after_the_record_is_fixed_closes_the_issue(make_citizen):
    wrong = make_citizen(last_verified_at=None)
    run_scan(today=TODAY)
    wrong.last_verified_at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    wrong.save()
    scan = run_scan(today=TODAY)
    issue = QualityIssue.objects.get(rule="not_verified", citizen=wrong)
    assert issue.status == IssueStatus.FIXED
    assert issue.resolved_at is not None
    assert scan.closed >= 1


def test_a_dismissed_issue_stays_dismissed_on_rescan(make_citizen, superuser):
    wrong = make_citizen(last_verified_at=None)
    run_scan(today=TODAY)
    issue = QualityIssue.objects.get(rule="not_verified", citizen=wrong)
    resolve_issue(issue, status="dismissed", by=superuser, note="Người cao tuổi, đã xác minh")
    run_scan(today=TODAY)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DISMISSED
    assert QualityIssue.objects.filter(rule="not_verified", citizen=wrong).count() == 1


def test_a_fixed_issue_that_breaks_again_is_reopened(make_citizen):
    wrong = make_citizen(last_verified_at=None)
    run_scan(today=TODAY)
    wrong.last_verified_at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    wrong.save()
    run_scan(today=TODAY)
    wrong.last_verified_at = None
    wrong.save()
    scan = run_scan(today=TODAY)
    issue = QualityIssue.objects.get(rule="not_verified", citizen=wrong)
    assert issue.status == IssueStatus.OPEN
    assert issue.resolved_at is None
    assert scan.opened >= 1


def test_an_issue_follows_its_record_to_a_new_commune(make_citizen, communes):
    wrong = make_citizen(last_verified_at=None, permanent_commune=communes[0])
    run_scan(today=TODAY)
    wrong.permanent_commune = communes[1]
    wrong.save()
    run_scan(today=TODAY)
    assert QualityIssue.objects.get(rule="not_verified", citizen=wrong).commune == communes[1]


def test_the_background_task_returns_the_counts_per_rule(make_citizen):
    make_citizen(last_verified_at=None)
    result = run_quality_scan.call()
    assert result["counts"]["not_verified"] >= 1
    assert result["opened"] >= 1


# --- scores -------------------------------------------------------------------------


def open_issue(rule: str, attribute: str, *, citizen=None, home=None) -> QualityIssue:
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    key = f"h:{home.pk}" if home else f"c:{citizen.pk}"
    return QualityIssue.objects.create(
        rule=rule,
        attribute=attribute,
        severity="high",
        subject_key=key,
        citizen=citizen,
        household=home,
        commune=(home.commune if home else citizen.permanent_commune),
        detected_at=now,
        last_seen_at=now,
    )


def score_of(commune):
    return next(row for row in commune_scores() if row.commune == commune)


def test_one_of_four_residents_with_a_correctness_issue_scores_75_for_correct(
    make_citizen, communes
):
    residents = [make_citizen(permanent_commune=communes[1]) for _ in range(4)]
    open_issue("id_sex_mismatch", "correct", citizen=residents[0])
    row = score_of(communes[1])
    assert row.citizens == 4
    assert row.scores == {"correct": 75.0, "sufficient": 100.0, "clean": 100.0, "live": 100.0}
    assert row.open_issues == 1


def test_resolved_issues_do_not_lower_the_score(make_citizen, communes, superuser):
    resident = make_citizen(permanent_commune=communes[1])
    resolve_issue(
        open_issue("id_sex_mismatch", "correct", citizen=resident), status="fixed", by=superuser
    )
    assert score_of(communes[1]).scores["correct"] == 100.0


def test_a_household_issue_counts_against_each_current_member(make_citizen, communes):
    members = [make_citizen(permanent_commune=communes[1]) for _ in range(2)]
    make_citizen(permanent_commune=communes[1])
    home = household((members[0], "spouse"), (members[1], "child"), commune=communes[1])
    open_issue("household_without_head", "clean", home=home)
    assert score_of(communes[1]).scores["clean"] == pytest.approx(33.3)


def test_a_commune_without_residents_scores_100(communes):
    row = score_of(communes[1])
    assert row.citizens == 0
    assert set(row.scores.values()) == {100.0}


def test_every_current_commune_of_the_province_has_a_row_sorted_by_name(communes):
    rows = commune_scores()
    assert len(rows) == AdministrativeUnit.objects.current().filter(parent__code="22").count()
    assert {communes[0], communes[1]} <= {row.commune for row in rows}


def test_the_province_score_counts_residents_with_no_commune(make_citizen, communes):
    make_citizen(permanent_commune=communes[0])
    homeless = make_citizen(permanent_commune=None)
    open_issue("missing_required_fields", "sufficient", citizen=homeless)
    scores = province_scores()
    assert scores["sufficient"] == 50.0
    assert scores["correct"] == 100.0


# --- resolving by hand --------------------------------------------------------------


def test_an_officer_marks_an_issue_fixed_and_it_is_audited(make_citizen, superuser):
    issue = open_issue("no_card", "live", citizen=make_citizen())
    resolved = resolve_issue(issue, status="fixed", by=superuser, note="Đã cấp thẻ")
    assert (resolved.status, resolved.resolved_by, resolved.note) == (
        "fixed",
        superuser,
        "Đã cấp thẻ",
    )
    audit = AuditRecord.objects.get(object_type="registry.qualityissue", object_id=str(issue.pk))
    assert audit.data["status"] == "fixed"
    assert audit.actor == superuser


def test_resolving_with_a_status_other_than_fixed_or_dismissed_is_refused(make_citizen, superuser):
    issue = open_issue("no_card", "live", citizen=make_citizen())
    with pytest.raises(DomainError):
        resolve_issue(issue, status="open", by=superuser)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN
    assert not AuditRecord.objects.filter(object_type="registry.qualityissue").exists()


def test_an_issue_already_resolved_cannot_be_resolved_again(make_citizen, superuser):
    issue = open_issue("no_card", "live", citizen=make_citizen())
    resolve_issue(issue, status="dismissed", by=superuser)
    with pytest.raises(Conflict):
        resolve_issue(issue, status="fixed", by=superuser)


# --- measuring against injected defects ---------------------------------------------


def test_scoring_against_injected_defects_gives_recall_and_duplicate_precision(
    make_citizen, tmp_path
):
    stale = make_citizen(last_verified_at=None)
    original = make_citizen(full_name="Vũ Thị Hạnh", sex="female")
    copy = make_citizen(full_name="Vu Thi Hanh", sex="female")
    missed = make_citizen(birth_date=dt.date(1990, 1, 1))  # listed, but not broken
    defects = tmp_path / "defects.csv"
    defects.write_text(
        "rule,id_number,household_number,other_id_number\n"
        f"not_verified,{stale.id_number},,\n"
        f"not_verified,{missed.id_number},,\n"
        f"duplicate_person,{copy.id_number},,{original.id_number}\n",
        encoding="utf-8",
    )
    run_scan(today=TODAY)
    report = score_against_defects(defects)
    assert report["rules"]["not_verified"]["injected"] == 2
    assert report["rules"]["not_verified"]["recall"] == 0.5
    assert report["duplicates"] == {
        "injected": 1,
        "found": 1,
        "issues": 1,
        "precision": 1.0,
        "recall": 1.0,
    }
