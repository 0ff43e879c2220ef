"""Injecting data-quality defects into clean households, one rule per record.

Each rule gets an even share of `rate × people` defects, spread over the run: after each
household, a rule whose share is behind by half a defect or more is injected into the
first record it fits. A record takes at most one defect, and each change is chosen so it
breaks its own rule and no other (a copy made for a duplicate has its own card and was
verified recently; a head is never declared dead and left out of the household; …).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Sequence

from motcua.registry import idnumber
from motcua.registry.cards import RENEWAL_AGES, birthday, card_expiry
from motcua.registry.generation import names
from motcua.registry.generation.population import (
    CHILD,
    GRANDCHILD,
    HEAD,
    OTHER,
    PARENT,
    SPOUSE,
    HouseholdDraft,
    PersonDraft,
    PopulationBuilder,
    age_on,
)
from motcua.registry.generation.report import HOUSEHOLD_RULES, InjectedDefect
from motcua.registry.names import name_key

# Prefixes that are no pre-2025 province code (filtered again against the real list).
BAD_PROVINCE_CODES = ("099", "000", "100", "003", "023", "050", "097", "098", "120")
# Gaps the relation rule must tolerate when a spouse becomes a second head: keep a margin
# over its 12 years.
SAFE_GAP_YEARS = 13


class DefectInjector:
    """Decides which records of each household get which defect, and applies them."""

    def __init__(
        self,
        rng: random.Random,
        builder: PopulationBuilder,
        *,
        rules: Sequence[str],
        people: int,
        rate: float,
        invalid_unit_pks: Sequence[int] = (),
        in_database: bool = True,
    ) -> None:
        self.rng = rng
        self.builder = builder
        self.people = max(1, people)
        self.in_database = in_database
        self.invalid_unit_pks = list(invalid_unit_pks)
        total = round(rate * people)
        share, extra = divmod(total, len(rules))
        order = list(rules)
        rng.shuffle(order)
        self.quota = {rule: share + (1 if i < extra else 0) for i, rule in enumerate(order)}
        self.household_rules = [rule for rule in rules if rule in HOUSEHOLD_RULES]
        self.person_rules = [rule for rule in rules if rule not in HOUSEHOLD_RULES]
        self.done: Counter[str] = Counter()
        self.defects: list[InjectedDefect] = []
        self.bad_codes = [c for c in BAD_PROVINCE_CODES if c not in idnumber.province_codes()]
        self._person_appliers: dict[str, Callable[[PersonDraft], bool]] = {
            "id_century_mismatch": self._id_century,
            "id_sex_mismatch": self._id_sex,
            "id_year_mismatch": self._id_year,
            "id_bad_province": self._id_province,
            "dates_implausible": self._dates,
            "commune_invalid": self._commune,
            "missing_required_fields": self._missing,
            "not_verified": self._not_verified,
            "death_not_applied": self._death_not_applied,
            "card_expired": self._card_expired,
            "no_card": self._no_card,
        }

    def _due(self, rules: Sequence[str], written: int) -> list[str]:
        """The rules behind their share by half a defect or more, most behind first."""
        progress = min(1.0, written / self.people)
        behind = {rule: self.quota[rule] * progress - self.done[rule] for rule in rules}
        return sorted((r for r in rules if behind[r] >= 0.5), key=lambda r: -behind[r])

    def inject(self, household: HouseholdDraft, written: int, room: int) -> list[PersonDraft]:
        """Apply the defects due once `written` people (this household included) are
        written. Returns the extra records to write after the household (copies for
        duplicates), never more than `room`."""
        for rule in self._due(self.household_rules, written):
            defect = self._household_defect(rule, household)
            if defect is not None:
                self._record(defect)
                return []
        due = self._due(self.person_rules, written)
        if not due:
            return []
        extra: list[PersonDraft] = []
        members = list(household.members)
        self.rng.shuffle(members)
        for person in members:
            for rule in due:
                if rule == "duplicate_person":
                    if len(extra) >= room:
                        continue
                    copy = self._duplicate(person)
                    if copy is None:
                        continue
                    extra.append(copy)
                    self._record(InjectedDefect(rule, copy.id_number, None, person.id_number))
                    person.defect = copy.defect = rule
                    break
                if self._person_appliers[rule](person):
                    person.defect = rule
                    self._record(InjectedDefect(rule, person.id_number))
                    break
            else:
                continue
            due = self._due(self.person_rules, written)
            if not due:
                break
        return extra

    def _record(self, defect: InjectedDefect) -> None:
        self.defects.append(defect)
        self.done[defect.rule] += 1

    # --- household rules ------------------------------------------------------------------

    def _household_defect(self, rule: str, household: HouseholdDraft) -> InjectedDefect | None:
        """Break `rule` in the household if its members allow it (the household is the
        subject; for impossible_relation, the member too)."""
        members = household.members
        head = members[0]
        by_relation: dict[str, list[PersonDraft]] = {}
        for person in members:
            by_relation.setdefault(person.relation or "", []).append(person)
        if rule == "household_without_head":
            head.relation = OTHER
        elif rule == "household_multiple_heads":
            spouse = next(iter(by_relation.get(SPOUSE, ())), None)
            if spouse is None or not _fits_as_head(spouse, members):
                return None
            spouse.relation = HEAD
        elif rule == "impossible_relation":
            # A parent called a child is born before the head; a child called a parent is
            # born after; a spouse called a child is born less than 12 years after.
            if PARENT in by_relation:
                concerned, relation = by_relation[PARENT][0], CHILD
            elif CHILD in by_relation:
                concerned, relation = by_relation[CHILD][0], PARENT
            elif SPOUSE in by_relation:
                concerned, relation = by_relation[SPOUSE][0], CHILD
            else:
                return None
            concerned.relation = relation
            return InjectedDefect(rule, concerned.id_number, household.number)
        else:  # pragma: no cover - rules are fixed
            raise ValueError(rule)
        return InjectedDefect(rule, None, household.number)

    # --- person rules ---------------------------------------------------------------------

    def _renumber(self, person: PersonDraft, prefix: str) -> None:
        person.id_number = self.builder.ids.next(prefix)

    def _id_century(self, person: PersonDraft) -> bool:
        digit = int(person.id_number[3])
        wrong = digit + 2 if digit < 2 else digit - 2
        self._renumber(person, f"{person.id_number[:3]}{wrong}{person.id_number[4:6]}")
        return True

    def _id_sex(self, person: PersonDraft) -> bool:
        digit = int(person.id_number[3]) ^ 1
        self._renumber(person, f"{person.id_number[:3]}{digit}{person.id_number[4:6]}")
        return True

    def _id_year(self, person: PersonDraft) -> bool:
        year = int(person.id_number[4:6])
        shift = self.rng.randint(1, 9)
        wrong = year + shift if year + shift <= 99 else year - shift
        self._renumber(person, f"{person.id_number[:4]}{wrong:02d}")
        return True

    def _id_province(self, person: PersonDraft) -> bool:
        self._renumber(person, f"{self.rng.choice(self.bad_codes)}{person.id_number[3:6]}")
        return True

    def _dates(self, person: PersonDraft) -> bool:
        birth = person.birth_date
        assert birth is not None
        today = self.builder.today
        if self.in_database and person.relation in (CHILD, GRANDCHILD):
            # Born in the future: a consistent new ID, no card (not yet 14), and a day on
            # which nobody with a similar name is born.
            future = today + dt.timedelta(days=self.rng.randint(30, 3 * 365))
            while self.builder.guard.clashes(person.name_key, future.toordinal(), person.sex):
                future += dt.timedelta(days=1)
            self.builder.guard.add(person.name_key, future.toordinal(), person.sex)
            person.birth_date = future
            person.id_number = self.builder.ids.next(
                self.builder.id_prefix(person.birth_province_code, future, person.sex)
            )
            person.card_status = person.card_issue = person.card_expiry = None
            return True
        if person.relation == HEAD:
            return False  # a dead head would leave the household without one
        # Died before being born; the death itself is applied (out of the household, card
        # revoked) so only the dates are wrong.
        person.death_date = birth - dt.timedelta(days=self.rng.randint(30, 20 * 365))
        self._apply_death(person)
        return True

    def _apply_death(self, person: PersonDraft) -> None:
        person.status = "dead"
        person.left_on = max(
            person.death_date or self.builder.today, person.joined_on or dt.date.min
        )
        if person.card_status == "valid":
            person.card_status = "revoked"

    def _commune(self, person: PersonDraft) -> bool:
        if not self.invalid_unit_pks:
            return False
        person.unit_pk_override = self.rng.choice(self.invalid_unit_pks)
        return True

    def _missing(self, person: PersonDraft) -> bool:
        field = self.rng.choice(("ethnicity", "sex", "birth_date", "permanent_commune"))
        if field == "ethnicity":
            person.ethnicity = ""
        elif field == "sex":
            person.sex = ""
        elif field == "birth_date":
            person.birth_date = None
        else:
            person.place = None
        return True

    def _not_verified(self, person: PersonDraft) -> bool:
        birth = person.birth_date
        assert birth is not None
        if age_on(birth, self.builder.today) < 13 or self.rng.random() < 0.4:
            person.last_verified_at = None
        else:
            years = self.rng.uniform(6, 12)
            person.last_verified_at = self.builder.day_start - dt.timedelta(days=365.25 * years)
        return True

    def _death_not_applied(self, person: PersonDraft) -> bool:
        birth = person.birth_date
        today = self.builder.today
        assert birth is not None
        if (today - birth).days < 60:
            return False
        earliest = max(birth + dt.timedelta(days=1), today - dt.timedelta(days=3 * 365))
        person.death_date = earliest + dt.timedelta(
            days=self.rng.randrange(max(1, (today - earliest).days - 1))
        )
        variant = self.rng.randrange(3) if self.in_database else 0
        if variant == 2 and (person.relation == HEAD or person.card_status != "valid"):
            variant = 1
        if variant == 1:  # dead, still counted in the household
            person.status = "dead"
            if person.card_status == "valid":
                person.card_status = "revoked"
        elif variant == 2:  # dead and out of the household, card still valid
            person.status = "dead"
            person.left_on = max(person.death_date, person.joined_on or dt.date.min)
        return True  # variant 0: the death date is known, the status still says alive

    def _card_expired(self, person: PersonDraft) -> bool:
        birth = person.birth_date
        assert birth is not None
        age = age_on(birth, self.builder.today)
        if age < 14:
            return False
        reached = max(a for a in RENEWAL_AGES if a <= age)
        # Issued before the grace period of the last renewal age, so it expired then.
        earliest = birthday(birth, max(6, reached - 10))
        latest = birthday(birth, reached - 2) - dt.timedelta(days=1)
        issue = earliest + dt.timedelta(days=self.rng.randrange((latest - earliest).days))
        expiry = card_expiry(birth, issue)
        if expiry is None or expiry >= self.builder.today:  # pragma: no cover - by design
            return False
        person.card_issue, person.card_expiry, person.card_status = issue, expiry, "valid"
        return True

    def _no_card(self, person: PersonDraft) -> bool:
        if person.card_status != "valid":
            return False
        # Never issued, or the only card revoked (lost) and not replaced.
        person.card_status = "revoked" if self.rng.random() < 0.4 else None
        return True

    def _duplicate(self, person: PersonDraft) -> PersonDraft | None:
        """A second record of the same person under a new, consistent ID number."""
        birth = person.birth_date
        if birth is None or person.defect:
            return None
        builder = self.builder
        ordinal = birth.toordinal()
        for variant in names.misspell(person.full_name, self.rng):
            key = name_key(variant)
            if builder.guard.clashes(key, ordinal, person.sex, ignore=person.name_key):
                continue
            builder.guard.add(key, ordinal, person.sex)
            copy = PersonDraft(
                id_number=builder.ids.next(
                    builder.id_prefix(person.birth_province_code, birth, person.sex)
                ),
                full_name=variant,
                name_key=key,
                birth_date=birth,
                sex=person.sex,
                birth_province_code=person.birth_province_code,
                ethnicity=person.ethnicity,
                religion=person.religion,
                place=person.place,
                address=person.address,
                last_verified_at=builder.verified_at(birth),
            )
            builder.give_card(copy)
            return copy
        return None


def _fits_as_head(candidate: PersonDraft, members: list[PersonDraft]) -> bool:
    """Whether the relations of the others hold against `candidate` too, with a margin."""
    birth = candidate.birth_date
    assert birth is not None
    for person in members:
        other = person.birth_date
        assert other is not None
        if person.relation in (CHILD, GRANDCHILD) and other < birthday(birth, SAFE_GAP_YEARS):
            return False
        if person.relation == PARENT and birthday(other, SAFE_GAP_YEARS) > birth:
            return False
    return True
