"""The 12-digit personal identification number: PPP G YY NNNNNN.

PPP is the 3-digit (pre-2025) code of the province where the birth was registered; G
gives century and sex (0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s,
8/9 = 2300s); YY is the birth year within the century; NNNNNN is random. No check digit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

HISTORIC_UNITS = Path(__file__).resolve().parents[1] / "core" / "data" / "historic_units.json"


@cache
def province_codes() -> frozenset[str]:
    """The 3-digit province codes an ID number may start with."""
    data = json.loads(HISTORIC_UNITS.read_text(encoding="utf-8"))
    return frozenset(item["code"] for item in data["provinces"])


@dataclass(frozen=True)
class ParsedId:
    number: str
    province_code: str
    century_sex_digit: int
    birth_year: int
    sex: str  # "male" | "female"

    @property
    def century_start(self) -> int:
        return 1900 + 100 * (self.century_sex_digit // 2)


@dataclass(frozen=True)
class IdProblem:
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


class InvalidIdNumber(ValueError):
    def __init__(self, problems: list[IdProblem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


def parse(number: str) -> ParsedId:
    """Split a well-formed number into its parts; raise InvalidIdNumber if malformed."""
    text = number.strip() if isinstance(number, str) else ""
    if len(text) != 12 or not text.isascii() or not text.isdigit():
        raise InvalidIdNumber(
            [IdProblem("format", _("A personal ID number has exactly 12 digits."))]
        )
    digit = int(text[3])
    century_start = 1900 + 100 * (digit // 2)
    return ParsedId(
        number=text,
        province_code=text[:3],
        century_sex_digit=digit,
        birth_year=century_start + int(text[4:6]),
        sex="male" if digit % 2 == 0 else "female",
    )


def problems(
    number: str, *, birth_date: dt.date | None = None, sex: str | None = None
) -> list[IdProblem]:
    """Every rule the number breaks, alone or against the person's birth date and sex."""
    try:
        parsed = parse(number)
    except InvalidIdNumber as exc:
        return exc.problems
    found: list[IdProblem] = []
    if parsed.province_code not in province_codes():
        found.append(
            IdProblem(
                "province",
                _("%(code)s is not a province code of birth registration.")
                % {"code": parsed.province_code},
            )
        )
    if birth_date is not None:
        start = parsed.century_start
        if not start <= birth_date.year <= start + 99:
            found.append(
                IdProblem(
                    "century",
                    _(
                        "the century/sex digit %(digit)s means born %(start)s–%(end)s, "
                        "but birth year is %(year)s"
                    )
                    % {
                        "digit": parsed.century_sex_digit,
                        "start": start,
                        "end": start + 99,
                        "year": birth_date.year,
                    },
                )
            )
        elif parsed.birth_year != birth_date.year:
            found.append(
                IdProblem(
                    "year",
                    _("the year digits %(yy)s do not match birth year %(year)s")
                    % {"yy": number.strip()[4:6], "year": birth_date.year},
                )
            )
    if sex in ("male", "female") and parsed.sex != sex:
        found.append(
            IdProblem(
                "sex",
                _(
                    "the century/sex digit %(digit)s is for a %(id_sex)s, "
                    "but the record says %(sex)s"
                )
                % {
                    "digit": parsed.century_sex_digit,
                    "id_sex": _sex_word(parsed.sex),
                    "sex": _sex_word(sex),
                },
            )
        )
    return found


def _sex_word(sex: str) -> str:
    return _("man") if sex == "male" else _("woman")


def validate(number: str, *, birth_date: dt.date | None = None, sex: str | None = None) -> ParsedId:
    """Return the parsed number, or raise InvalidIdNumber listing every broken rule."""
    found = problems(number, birth_date=birth_date, sex=sex)
    if found:
        raise InvalidIdNumber(found)
    return parse(number)


def century_sex_digit(birth_year: int, sex: str) -> int:
    """The G digit for someone born in `birth_year` of `sex`."""
    return 2 * ((birth_year - 1900) // 100) + (0 if sex == "male" else 1)


def compose(province_code: str, birth_year: int, sex: str, serial: int) -> str:
    """Build a number from its parts (for tests and synthetic data)."""
    return f"{province_code}{century_sex_digit(birth_year, sex)}{birth_year % 100:02d}{serial:06d}"
