"""Clean synthetic households: who lives together, their ages, names, ID numbers and cards.

Everything drawn here breaks no data-quality rule: ID numbers agree with birth date and
sex and never repeat; relations respect the ages (children 20+ years younger than the
head, parents 20+ years older); everyone 14 or older holds a valid, unexpired card; nobody
crosses an age threshold of the rules (14, 25, 40, 60) within days of today, so a scan
run a few days later still finds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from motcua.registry import idnumber
from motcua.registry.cards import RENEWAL_AGES, birthday, card_expiry
from motcua.registry.generation import names

# Chip cards were first issued in 2021; a renewal before that would be a card we do not
# model, so issue dates start there unless the last renewal age was reached later.
CHIP_CARDS_FROM = dt.date(2021, 1, 1)
MAX_AGE = 99
# Births whose 14th/25th/40th/60th anniversary falls this close to today are moved a
# few weeks earlier, so a scan run days after the generation sees the same ages.
THRESHOLD_MARGIN = (dt.timedelta(days=-3), dt.timedelta(days=14))
VERIFIED_WITHIN = dt.timedelta(days=3 * 365)
OFFICE_HOURS = (7 * 3600 + 1800, 17 * 3600)  # seconds after midnight: 07:30 to 17:00

HEAD = "head"
SPOUSE = "spouse"
CHILD = "child"
PARENT = "parent"
GRANDCHILD = "grandchild"
OTHER = "other"

# Heads of household by age band (lower bound, weight): few under 25, most 30–65.
_HEAD_AGE_BANDS = (
    (20, 2), (25, 7), (30, 10), (35, 11), (40, 11), (45, 10), (50, 10), (55, 9),
    (60, 8), (65, 5), (70, 3.2), (75, 2.2), (80, 1.4), (85, 0.5), (90, 0.2), (95, 0.03),
)  # fmt: skip
# Share of heads living alone, by age: young singles and the widowed old.
_ALONE_BY_HEAD_AGE = ((20, 0.2), (30, 0.05), (60, 0.1), (75, 0.2))
# Co-resident children of the head, by the head's age: weights for 0, 1, 2, … children.
_CHILDREN_BY_HEAD_AGE = (
    (20, (0.6, 0.35, 0.05)),
    (25, (0.3, 0.45, 0.22, 0.03)),
    (30, (0.12, 0.33, 0.43, 0.1, 0.02)),
    (40, (0.08, 0.25, 0.45, 0.18, 0.04)),
    (50, (0.2, 0.4, 0.3, 0.1)),
    (60, (0.4, 0.4, 0.2)),
    (70, (0.55, 0.38, 0.07)),
)
_ETHNICITIES_URBAN = (("Kinh", 95.5), ("Hoa", 1.5), ("Tày", 1.2), ("Sán Dìu", 1), ("Dao", 0.8))
_ETHNICITIES_RURAL = (
    ("Kinh", 74), ("Dao", 10), ("Tày", 7), ("Sán Chay", 4), ("Sán Dìu", 3.5), ("Hoa", 1.5),
)  # fmt: skip
_RELIGIONS = (("", 86), ("Phật giáo", 9), ("Công giáo", 5))
VILLAGES = (
    "Đồng Tâm", "Tân Tiến", "Đoàn Kết", "Bắc Sơn", "Nam Hải", "Đông Sơn", "Tân Lập",
    "Quyết Thắng", "Hòa Bình", "Thống Nhất", "Khe Lạc", "Nà Làng", "Pắc Phai", "Cửa Tràng",
    "Đồng Mô", "Tân Hợp", "Bình Minh", "Trung Tâm", "Đồng Giữa", "Làng Bang", "Khe Tiền",
    "Nà Bắp", "Cái Lim", "Xóm Mới", "Phúc Tiến", "Yên Hưng",
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    """A current commune of the province, as the generator needs it."""

    pk: int
    code: str
    urban: bool  # a ward (phường): addresses are "Tổ …, Khu …"


@dataclass(slots=True)
class PersonDraft:
    """One person as the writers will store them (card and membership included)."""

    id_number: str
    full_name: str
    name_key: str
    birth_date: dt.date | None
    sex: str
    birth_province_code: str
    ethnicity: str
    religion: str
    place: Place | None
    address: str
    last_verified_at: dt.datetime | None
    # An administrative unit that is not a current commune (the commune_invalid defect).
    unit_pk_override: int | None = None
    relation: str | None = None
    joined_on: dt.date | None = None
    left_on: dt.date | None = None
    status: str = "alive"
    death_date: dt.date | None = None
    card_issue: dt.date | None = None
    card_expiry: dt.date | None = None
    card_status: str | None = None  # None: no card at all
    # The rule injected into this record (or claimed by a duplicate pair), if any.
    defect: str | None = None

    @property
    def commune_pk(self) -> int | None:
        if self.unit_pk_override is not None:
            return self.unit_pk_override
        return self.place.pk if self.place else None


@dataclass(slots=True)
class HouseholdDraft:
    number: str
    place: Place
    address: str
    since: dt.date
    members: list[PersonDraft] = field(default_factory=list)


class UniqueNumbers:
    """Unique numbers `prefix + width digits`, scattered over the whole range.

    Each prefix has its own counter mapped through an affine bijection of the range, so
    numbers look random but can never repeat; numbers already in `taken` are skipped.
    """

    STEP = 7919  # prime, so coprime with every power of ten

    def __init__(self, width: int, seed: int, taken: set[str] | None = None) -> None:
        self.width = width
        self.size = 10**width
        self.seed = seed
        self.taken = taken or set()
        self._counts: dict[str, int] = {}
        self._offsets: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        count = self._counts.get(prefix)
        if count is None:
            count = 0
            self._offsets[prefix] = zlib.crc32(f"{self.seed}:{prefix}".encode()) % self.size
        offset = self._offsets[prefix]
        while True:
            if count >= self.size:
                raise RuntimeError(f"no numbers left after prefix {prefix}")
            number = f"{prefix}{(count * self.STEP + offset) % self.size:0{self.width}d}"
            count += 1
            if number not in self.taken:
                break
        self._counts[prefix] = count
        return number


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 Feb for 29 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class PopulationBuilder:
    """Draws clean households one at a time; same seed and day, same households."""

    def __init__(
        self,
        rng: random.Random,
        *,
        places: Sequence[Place],
        home_code: str,
        household_prefix: str,
        today: dt.date,
        day_start: dt.datetime,
        id_numbers: UniqueNumbers,
        household_numbers: UniqueNumbers,
    ) -> None:
        self.rng = rng
        self.places = list(places)
        self.place_weights = list(accumulate(3 if p.urban else 1 for p in self.places))
        self.home_code = home_code
        self.other_codes = sorted(idnumber.province_codes() - {home_code})
        self.household_prefix = household_prefix
        self.today = today
        self.day_start = day_start
        self.ids = id_numbers
        self.household_numbers = household_numbers
        self.guard = names.NameGuard()

    # --- households ---------------------------------------------------------------------

    def household(self, max_size: int) -> HouseholdDraft:
        """A household of 1 to min(7, max_size) people with exactly one head."""
        rng = self.rng
        place = rng.choices(self.places, cum_weights=self.place_weights)[0]
        layout = self._layout()[: max(1, min(7, max_size))]
        ethnicity = _weighted(rng, _ETHNICITIES_URBAN if place.urban else _ETHNICITIES_RURAL)
        religion = _weighted(rng, _RELIGIONS)
        address = (
            f"Tổ {rng.randint(1, 40)}, Khu {rng.randint(1, 12)}"
            if place.urban
            else f"Thôn {rng.choice(VILLAGES)}"
        )
        head_surname = names.surname(rng)
        head_sex = layout[0][2]
        spouse_surname = names.surname(rng)
        # Children carry their father's surname.
        father_surname = head_surname if head_sex == "male" else spouse_surname
        members: list[PersonDraft] = []
        for relation, age, sex in layout:
            family = {
                HEAD: head_surname,
                SPOUSE: spouse_surname,
                CHILD: father_surname,
                PARENT: head_surname if sex == "male" else None,
                GRANDCHILD: father_surname if rng.random() < 0.6 else None,
            }.get(relation)
            person = self.person(
                age, sex, family or names.surname(rng), place, address, ethnicity, religion
            )
            person.relation = relation
            members.append(person)
        head_birth = members[0].birth_date
        assert head_birth is not None
        earliest = max(birthday(head_birth, 18), self.today - dt.timedelta(days=40 * 365))
        since = earliest + dt.timedelta(days=rng.randrange(max(1, (self.today - earliest).days)))
        for person in members:
            assert person.birth_date is not None
            person.joined_on = max(since, person.birth_date)
        number = self.household_numbers.next(self.household_prefix)
        return HouseholdDraft(number, place, address, since, members)

    def _head_age(self) -> int:
        low = self.rng.choices(_HEAD_AGE_BANDS, weights=[b[1] for b in _HEAD_AGE_BANDS])[0][0]
        return min(MAX_AGE, low + self.rng.randrange(5))

    def _layout(self) -> list[tuple[str, int, str]]:
        """(relation, age, sex) of each member, head first."""
        rng = self.rng
        head = self._head_age()
        head_sex = "male" if rng.random() < (0.78 if head < 65 else 0.55) else "female"
        other_sex = "female" if head_sex == "male" else "male"
        layout = [(HEAD, head, head_sex)]
        alone = next(share for low, share in reversed(_ALONE_BY_HEAD_AGE) if head >= low)
        if rng.random() < alone:
            return layout
        if rng.random() < (0.88 if head < 70 else 0.65 if head < 80 else 0.45):
            husband_older = rng.randint(-2, 7)
            spouse_age = head - husband_older if head_sex == "male" else head + husband_older
            layout.append((SPOUSE, max(18, min(MAX_AGE, spouse_age)), other_sex))
        if head <= 65 and rng.random() < 0.1 and head + 20 <= MAX_AGE:
            parent_age = min(MAX_AGE, head + rng.randint(20, 35))
            layout.append((PARENT, parent_age, "female" if rng.random() < 0.65 else "male"))
        weights = next(w for low, w in reversed(_CHILDREN_BY_HEAD_AGE) if head >= low)
        count = rng.choices(range(len(weights)), weights=weights)[0]
        children = sorted(
            ((head - rng.randint(20, min(42, head)), rng.choice(("male", "female")))
             for _ in range(count)),
            reverse=True,
        )  # fmt: skip
        layout += [(CHILD, age, sex) for age, sex in children]
        adults = [(age, sex) for age, sex in children if age >= 22]
        if adults and head >= 50 and rng.random() < 0.5:
            # The eldest grown child's wife or husband.
            age, sex = adults[0]
            in_law = max(18, age + rng.randint(-3, 3))
            layout.append((OTHER, in_law, "female" if sex == "male" else "male"))
        grandchildren = 0
        if adults and head >= 45:
            grandchildren = rng.choices(range(4), weights=(0.5, 0.3, 0.17, 0.03))[0]
        elif head >= 50 and rng.random() < 0.08:
            grandchildren = rng.randint(1, 2)
        parent_age = adults[0][0] if adults else head - 25
        for _ in range(grandchildren):
            age = max(0, min(parent_age - rng.randint(20, 35), head - 40))
            layout.append((GRANDCHILD, age, rng.choice(("male", "female"))))
        return layout

    # --- people ---------------------------------------------------------------------------

    def person(
        self,
        age: int,
        sex: str,
        family_name: str,
        place: Place,
        address: str,
        ethnicity: str,
        religion: str,
    ) -> PersonDraft:
        """A clean person of that age and sex, with a unique ID number and, from 14 on, a
        valid card."""
        birth = self.birth_date(age)
        full_name, key = self.unique_name(family_name, sex, birth)
        code = self.home_code if self.rng.random() < 0.9 else self.rng.choice(self.other_codes)
        person = PersonDraft(
            id_number=self.ids.next(self.id_prefix(code, birth, sex)),
            full_name=full_name,
            name_key=key,
            birth_date=birth,
            sex=sex,
            birth_province_code=code,
            ethnicity=ethnicity,
            religion=religion,
            place=place,
            address=address,
            last_verified_at=self.verified_at(birth),
        )
        self.give_card(person)
        return person

    @staticmethod
    def id_prefix(code: str, birth: dt.date, sex: str) -> str:
        return idnumber.compose(code, birth.year, sex, 0)[:6]

    def birth_date(self, age: int) -> dt.date:
        """A birth date that makes the person exactly `age` today, away from the rules'
        age thresholds."""
        latest = years_before(self.today, age)
        earliest = years_before(self.today, age + 1) + dt.timedelta(days=1)
        birth = earliest + dt.timedelta(days=self.rng.randrange((latest - earliest).days + 1))
        if age + 1 in RENEWAL_AGES or age in RENEWAL_AGES:
            low, high = THRESHOLD_MARGIN
            for threshold in (age, age + 1):
                if (
                    threshold in RENEWAL_AGES
                    and low <= birthday(birth, threshold) - self.today <= high
                ):
                    birth -= high - low + dt.timedelta(days=1)
        return birth

    def unique_name(self, family_name: str, sex: str, birth: dt.date) -> tuple[str, str]:
        """A name nobody else born that day of that sex comes close to, and its key."""
        ordinal = birth.toordinal()
        for attempt in range(60):
            family = family_name if attempt < 30 else names.surname(self.rng)
            rest = names.given_and_middle(self.rng, sex, birth.year)
            key = f"{names.part_key(family)} {names.part_key(rest)}"
            if not self.guard.clashes(key, ordinal, sex):
                self.guard.add(key, ordinal, sex)
                return f"{family} {rest}", key
        raise RuntimeError("cannot find a distinct name")  # pragma: no cover

    def verified_at(self, birth: dt.date) -> dt.datetime:
        """A moment in office hours within the last three years (not before birth's eve)."""
        days = self.rng.randint(1, max(1, min(VERIFIED_WITHIN.days, (self.today - birth).days)))
        seconds = self.rng.randrange(OFFICE_HOURS[0], OFFICE_HOURS[1])
        return self.day_start - dt.timedelta(days=days) + dt.timedelta(seconds=seconds)

    def give_card(self, person: PersonDraft) -> None:
        """A valid card issued after the last renewal age reached, so not expired; none
        under 14."""
        birth = person.birth_date
        if birth is None or birthday(birth, 14) > self.today:
            return
        age = age_on(birth, self.today)
        reached = max(a for a in RENEWAL_AGES if a <= age)
        if birthday(birth, reached) > self.today:  # born 29 Feb, birthday on 1 Mar
            reached = max(a for a in RENEWAL_AGES if birthday(birth, a) <= self.today)
        start = max(birthday(birth, reached), CHIP_CARDS_FROM)
        issue = start + dt.timedelta(days=self.rng.randrange((self.today - start).days + 1))
        person.card_issue = issue
        person.card_expiry = card_expiry(birth, issue)
        person.card_status = "valid"
