"""Vietnamese names for synthetic people, and the guard that keeps two different people
from looking like one.

The name lists start from Faker's vi_VN provider and add common names it lacks (Faker's
lists are short: ten surnames), weighted by how often they occur. Names are drawn with
the caller's `random.Random`, never through Faker per person, which is far too slow.
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect
from collections.abc import Sequence
from functools import cache
from itertools import accumulate

from faker.providers.person.vi_VN import Provider as FakerNames
from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from motcua.registry.names import name_key

# Share of the population per surname, in per cent (national surveys; the north has few
# Huỳnh/Võ). Faker's list has no weights; a surname it adds in a later version gets 0.3.
SURNAME_WEIGHTS: dict[str, float] = {
    "Nguyễn": 36, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 4, "Phan": 3, "Vũ": 4.5,
    "Đặng": 2.1, "Bùi": 2, "Đỗ": 1.8, "Hồ": 0.8, "Ngô": 1.3, "Dương": 1, "Lý": 0.5,
    "Đinh": 1, "Đào": 1, "Mai": 0.5, "Lương": 0.5, "Trịnh": 0.6, "Lưu": 0.3, "Tạ": 0.3,
    "Hà": 0.6, "Nông": 0.4, "Triệu": 0.4, "Chu": 0.3, "Lục": 0.2, "Lâm": 0.3, "Tô": 0.4,
    "Phùng": 0.3, "Cao": 0.4, "Vương": 0.2, "Đoàn": 0.6, "Thân": 0.2, "Quách": 0.2,
}  # fmt: skip

# Middle names by sex, with weights for people born before 1985 and from 1985 on: "Văn"
# and "Thị" were near universal and are much rarer among the young.
MIDDLE_MALE: dict[str, tuple[float, float]] = {
    "Văn": (45, 14), "Đức": (8, 10), "Quang": (6, 8), "Hữu": (5, 4), "Xuân": (5, 3),
    "Thế": (4, 4), "Tấn": (1, 1), "Hoàng": (3, 6), "Hải": (2, 4), "Trí": (1, 2),
    "Phú": (1, 1), "Minh": (5, 12), "Công": (4, 4), "Đình": (5, 4), "Mạnh": (2, 3),
    "Duy": (1, 5), "Tiến": (2, 3), "Thành": (2, 4), "Bảo": (0.5, 5), "Gia": (0.2, 6),
    "Anh": (0.5, 4), "Trung": (2, 3), "Ngọc": (2, 2),
}  # fmt: skip
MIDDLE_FEMALE: dict[str, tuple[float, float]] = {
    "Thị": (60, 22), "Ngọc": (6, 10), "Thu": (5, 6), "Thanh": (5, 7), "Phương": (2, 6),
    "Kim": (3, 4), "Hồng": (3, 4), "Mai": (2, 3), "Bảo": (0.5, 6), "Minh": (1, 6),
    "Thúy": (3, 4), "Khánh": (0.5, 5), "Quỳnh": (0.5, 4), "Diệu": (1, 3), "Lan": (1, 2),
    "Hải": (1, 3), "Mai Bảo": (0.1, 1), "Xuân": (2, 2), "Hoài": (1, 3),
}  # fmt: skip

_EXTRA_MALE = (
    "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hùng",
    "Khánh", "Kiên", "Long", "Lộc", "Mạnh", "Nghĩa", "Phong", "Quân", "Sơn", "Tài",
    "Thắng", "Thịnh", "Toàn", "Tuấn", "Việt", "Vinh", "Tâm", "Hiệp", "Chiến", "Đông",
    "Hậu", "Thái", "Lực", "Tiến", "Khải", "Định", "Luân", "Nguyên", "Trường", "Duy",
)  # fmt: skip
_EXTRA_FEMALE = (
    "Châu", "Diệp", "Dung", "Giang", "Hằng", "Hiền", "Hoa", "Huệ", "Hường", "Liên",
    "Loan", "My", "Nga", "Ngân", "Nhung", "Oanh", "Quyên", "Quỳnh", "Tâm", "Thơ",
    "Thủy", "Trang", "Trinh", "Tuyết", "Uyên", "Thúy", "Nhàn", "Huyền", "Phượng", "Thư",
    "Giao", "Hòa", "Luyến", "Thoa", "Nguyệt", "Lụa", "Đào", "Gấm", "Tươi", "Sen",
)  # fmt: skip
_FEMININE_UNISEX = {"Hà", "Hạnh", "Kim", "Phương"}
_MASCULINE_UNISEX = {"An", "Bảo", "Lâm", "Thành", "Khoa", "Hải", "Nhật", "Hà"}


def _unique(names: Sequence[str]) -> tuple[str, ...]:
    # Faker's tuples repeat some names ("Quang", "Nhật"); a repeat would double its weight.
    return tuple(dict.fromkeys(names))


GIVEN_MALE = _unique(
    [*FakerNames.first_names_male, *(n for n in FakerNames.first_names_unisex
     if n in _MASCULINE_UNISEX), *_EXTRA_MALE]
)  # fmt: skip
GIVEN_FEMALE = _unique(
    [*FakerNames.first_names_female, *(n for n in FakerNames.first_names_unisex
     if n in _FEMININE_UNISEX), *_EXTRA_FEMALE, "An"]
)  # fmt: skip
SURNAMES = _unique([*FakerNames.last_names, *SURNAME_WEIGHTS])


class WeightedChoice:
    """Draws from a fixed weighted list in O(log n) with precomputed cumulative weights
    (the same draw as `rng.choices`, without its per-call set-up)."""

    def __init__(self, items: Sequence[str], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]
        self.last = len(self.items) - 1

    def __call__(self, rng: random.Random) -> str:
        return self.items[bisect(self.cumulative, rng.random() * self.total, 0, self.last)]


_SURNAME = WeightedChoice(SURNAMES, [SURNAME_WEIGHTS.get(name, 0.3) for name in SURNAMES])
_MIDDLE = {
    ("male", False): WeightedChoice(list(MIDDLE_MALE), [w[0] for w in MIDDLE_MALE.values()]),
    ("male", True): WeightedChoice(list(MIDDLE_MALE), [w[1] for w in MIDDLE_MALE.values()]),
    ("female", False): WeightedChoice(list(MIDDLE_FEMALE), [w[0] for w in MIDDLE_FEMALE.values()]),
    ("female", True): WeightedChoice(list(MIDDLE_FEMALE), [w[1] for w in MIDDLE_FEMALE.values()]),
}


def surname(rng: random.Random) -> str:
    return _SURNAME(rng)


def given_and_middle(rng: random.Random, sex: str, birth_year: int) -> str:
    """'Văn Hùng', 'Thị Lan': the middle and given name of a person of that sex and age."""
    middle = _MIDDLE[(sex, birth_year >= 1985)](rng)
    given = rng.choice(GIVEN_MALE if sex == "male" else GIVEN_FEMALE)
    while middle.split()[-1] == given:  # not "Quang Quang"
        given = rng.choice(GIVEN_MALE if sex == "male" else GIVEN_FEMALE)
    return f"{middle} {given}"


@cache
def part_key(part: str) -> str:
    """names.name_key of a name part, remembered: a full key is the parts' keys joined
    by spaces, and there are only a few hundred parts."""
    return name_key(part)


class NameGuard:
    """Remembers who was generated on each birth date and sex, so that two different
    people never have near-identical names there: the duplicate rule would rightly take
    them for one person. Near-identical is judged more loosely than any sensible duplicate
    detector would (edit distance 2 or similarity 80 on the diacritic-free name).

    Memory grows with the population: one short key per person (about 15 MB for
    200,000 people)."""

    def __init__(self, max_distance: int = 2, min_ratio: float = 80.0) -> None:
        self.max_distance = max_distance
        self.min_ratio = min_ratio
        self._seen: dict[tuple[int, str], list[str]] = {}

    def clashes(self, key: str, birth_ordinal: int, sex: str, *, ignore: str = "") -> bool:
        for other in self._seen.get((birth_ordinal, sex), ()):
            if other == ignore:
                continue
            if (
                Levenshtein.distance(key, other, score_cutoff=self.max_distance)
                <= self.max_distance
                or ratio(key, other, score_cutoff=self.min_ratio) >= self.min_ratio
            ):
                return True
        return False

    def add(self, key: str, birth_ordinal: int, sex: str) -> None:
        self._seen.setdefault((birth_ordinal, sex), []).append(key)


# --- Misspellings for injected duplicates -------------------------------------------------

# Letters clerks confuse inside a word: neighbours on the keyboard (n/m), the same sound
# (i/y, s/x in the northern accent), l/n (a northern slip of the tongue).
_CONFUSABLE = {"n": "m", "m": "n", "i": "y", "y": "i", "s": "x", "x": "s", "l": "n"}


def drop_diacritic(name: str, rng: random.Random) -> str | None:
    """Remove one mark from one letter ('Nguyễn' → 'Nguyên', 'Đức' → 'Dức')."""
    decomposed = unicodedata.normalize("NFD", name)
    spots = [i for i, char in enumerate(decomposed) if unicodedata.combining(char)]
    spots += [i for i, char in enumerate(decomposed) if char in "đĐ"]
    if not spots:
        return None
    at = rng.choice(spots)
    char = decomposed[at]
    replacement = {"đ": "d", "Đ": "D"}.get(char, "")
    return unicodedata.normalize("NFC", decomposed[:at] + replacement + decomposed[at + 1 :])


def _plain_letter_spots(name: str) -> list[int]:
    """Positions of unaccented lower-case letters that are not the first of their word."""
    return [
        i
        for i, char in enumerate(name)
        if i > 0 and name[i - 1] != " " and char.isascii() and char.isalpha() and char.islower()
    ]


def change_letter(name: str, rng: random.Random) -> str | None:
    """Change one letter to one often confused with it ('Linh' → 'Lynh')."""
    spots = [i for i in _plain_letter_spots(name) if name[i] in _CONFUSABLE]
    if not spots:
        return None
    at = rng.choice(spots)
    return name[:at] + _CONFUSABLE[name[at]] + name[at + 1 :]


def double_letter(name: str, rng: random.Random) -> str | None:
    """Type one letter twice ('Lan' → 'Lann')."""
    spots = _plain_letter_spots(name)
    if not spots:
        return None
    at = rng.choice(spots)
    return name[: at + 1] + name[at:]


MISSPELLINGS = (drop_diacritic, change_letter, double_letter)


def misspell(name: str, rng: random.Random) -> list[str]:
    """Slight misspellings of `name`, in random order, each still recognisably it."""
    found = []
    for spell in rng.sample(MISSPELLINGS, len(MISSPELLINGS)):
        variant = spell(name, rng)
        if variant and variant != name:
            found.append(variant)
    return found
