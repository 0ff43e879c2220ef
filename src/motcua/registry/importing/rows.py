"""Checking one import row and turning it into the values stored for a citizen.

A row is rejected only for what makes it unusable or wrong (a malformed or inconsistent
ID number, an unparseable or future date, an unknown code or value, undecodable text);
gaps are kept and left to the quality scan.

This runs once per row of files with millions of rows, so the common case (a valid row)
takes a short path of plain string operations; anything unusual falls back to the
reference functions of `idnumber` and `names`, which also give the reasons.
"""

from __future__ import annotations

import datetime as dt
from unicodedata import normalize

from django.utils.translation import gettext as _

from motcua.registry import idnumber
from motcua.registry.importing.fields import (
    FILLS,
    ParsedRow,
    date_from_text,
    shown,
    tidy,
)
from motcua.registry.importing.sources import COLUMNS, SourceRow
from motcua.registry.names import name_key

# Accepted spellings (looked up as written first, then stripped and lower-cased).
SEXES = {"": "", "male": "male", "female": "female", "nam": "male", "nữ": "female"}
STATUSES = {"": "alive", "alive": "alive", "dead": "dead", "moved_out": "moved_out"}
_UNKNOWN = -1
# Distinct dates remembered per file (a century of birth dates is ~36,500).
_CACHE_SIZE = 100_000
NAME_MAX, SHORT_MAX, ADDRESS_MAX = 150, 50, 255
# What an absent column reads as: blank, except nationality (the model's default).
_ABSENT_DEFAULTS = {"nationality": "VN"}


class RowParser:
    """Checks the rows of one file against the registry's codes as they were at its start."""

    def __init__(
        self, header: list[str], communes: dict[str, int], today: dt.date, tz: dt.tzinfo
    ) -> None:
        # "" → None: a blank code is a gap, not an error.
        self.communes: dict[str, int | None] = {"": None, **communes}
        self.today = today
        self.tz = tz
        self.provinces = idnumber.province_codes()
        # Absent columns point past the row's cells, at these padding values.
        absent = [name for name in COLUMNS if name not in header]
        self.padding = [_ABSENT_DEFAULTS.get(name, "") for name in absent]
        self.width = len(header)
        positions = {name: index for index, name in enumerate(header) if name in FILLS}
        positions.update({name: self.width + i for i, name in enumerate(absent)})
        self.index = tuple(positions[name] for name in COLUMNS)
        # Text → value, for the valid values met so far (files repeat them a lot).
        self.dates: dict[str, dt.date] = {}
        self.moments: dict[str, dt.datetime] = {}
        self.labels = {
            "birth_date": _("birth date"),
            "death_date": _("death date"),
            "last_verified_at": _("last verification date"),
            "full_name": _("full name"),
            "ethnicity": _("ethnicity"),
            "religion": _("religion"),
            "permanent_address": _("permanent address"),
            "temporary_address": _("temporary address"),
        }

    def parse(self, row: SourceRow) -> tuple[str, ParsedRow | None, list[str]]:
        """(ID number as written, the values to store or None, the reasons to reject)."""
        cells = row.cells
        if self.padding:
            cells = cells + self.padding
        (
            i_id,
            i_name,
            i_birth,
            i_sex,
            i_province,
            i_nationality,
            i_ethnicity,
            i_religion,
            i_permanent,
            i_permanent_address,
            i_temporary,
            i_temporary_address,
            i_status,
            i_death,
            i_verified,
        ) = self.index
        number = cells[i_id].strip()
        if row.problem:
            return number, None, [row.problem]
        reasons: list[str] = []
        dates = self.dates

        text = cells[i_birth]
        birth_date = dates.get(text) if text else None
        if birth_date is None and text:
            birth_date = self._date(text, "birth_date", reasons)
        text = cells[i_death]
        death_date = dates.get(text) if text else None
        if death_date is None and text:
            death_date = self._date(text, "death_date", reasons)
        text = cells[i_verified]
        verified = self.moments.get(text) if text else None
        if verified is None and text:
            verified = self._moment(text, reasons)

        text = cells[i_sex]
        sex = SEXES.get(text)
        if sex is None:
            sex = self._choice(text, SEXES, reasons, "sex")
        text = cells[i_status]
        status = STATUSES.get(text)
        if status is None:
            status = self._choice(text, STATUSES, reasons, "status")

        # The usual case, checked inline: 12 ASCII digits, a known province, the G digit's
        # parity (even: male) and century + YY agreeing with sex and birth year. Anything
        # else goes to idnumber.problems, which names the broken rules.
        if not (
            len(number) == 12
            and number.isdigit()
            and number.isascii()
            and number[:3] in self.provinces
            and (not sex or (ord(number[3]) & 1) == (sex == "female"))
            and (
                birth_date is None
                or 1900 + 100 * ((ord(number[3]) - 48) >> 1) + int(number[4:6]) == birth_date.year
            )
        ):
            if not number:
                reasons.append(_("the ID number is missing"))
            else:
                reasons.extend(
                    map(str, idnumber.problems(number, birth_date=birth_date, sex=sex or None))
                )
        text = cells[i_name]
        full_name = (
            " ".join(text.split()) if text.isascii() else " ".join(normalize("NFC", text).split())
        )
        if not full_name:
            reasons.append(_("the full name is missing"))

        communes = self.communes
        text = cells[i_permanent]
        permanent = communes.get(text, _UNKNOWN)
        if permanent is _UNKNOWN:
            permanent = self._commune(text, reasons, False)
        text = cells[i_temporary]
        temporary = communes.get(text, _UNKNOWN)
        if temporary is _UNKNOWN:
            temporary = self._commune(text, reasons, True)

        province = cells[i_province].strip()
        if province and province not in self.provinces:
            reasons.append(
                _("birth province code %(code)s is unknown") % {"code": shown(tidy(province))}
            )
        nationality = cells[i_nationality].strip()
        if nationality != "VN":
            nationality = self._nationality(nationality, reasons)
        # tidy(), inlined: this runs for every cell of millions of rows.
        ethnicity = cells[i_ethnicity].strip()
        if not ethnicity.isascii():
            ethnicity = normalize("NFC", ethnicity)
        religion = cells[i_religion].strip()
        if not religion.isascii():
            religion = normalize("NFC", religion)
        permanent_address = cells[i_permanent_address].strip()
        if not permanent_address.isascii():
            permanent_address = normalize("NFC", permanent_address)
        temporary_address = cells[i_temporary_address].strip()
        if not temporary_address.isascii():
            temporary_address = normalize("NFC", temporary_address)
        if (
            len(full_name) > NAME_MAX
            or len(ethnicity) > SHORT_MAX
            or len(religion) > SHORT_MAX
            or len(permanent_address) > ADDRESS_MAX
            or len(temporary_address) > ADDRESS_MAX
        ):
            self._too_long(
                reasons,
                full_name=full_name,
                ethnicity=ethnicity,
                religion=religion,
                permanent_address=permanent_address,
                temporary_address=temporary_address,
            )
        if reasons:
            return number, None, reasons
        return (
            number,
            (
                number,
                full_name,
                name_key(full_name),
                birth_date,
                sex,
                province,
                nationality,
                ethnicity,
                religion,
                permanent,
                permanent_address,
                temporary,
                temporary_address,
                status,
                death_date,
                verified,
            ),
            reasons,
        )

    def _choice(self, text: str, choices: dict[str, str], reasons: list[str], field: str) -> str:
        """A sex or status written other than exactly as the file format says."""
        value = tidy(text)
        found = choices.get(value.lower())
        if found is not None:
            return found
        if field == "sex":
            reasons.append(
                _('unknown sex "%(value)s" (use male, female, Nam or Nữ)') % {"value": shown(value)}
            )
        else:
            reasons.append(
                _('unknown status "%(value)s" (use alive, dead or moved_out)')
                % {"value": shown(value)}
            )
        return ""

    def _nationality(self, text: str, reasons: list[str]) -> str:
        code = text.upper()
        if code and not (len(code) == 2 and code.isascii() and code.isalpha()):
            reasons.append(
                _('nationality "%(value)s" is not a two-letter country code')
                % {"value": shown(tidy(code))}
            )
        return code

    def _too_long(self, reasons: list[str], **values: str) -> None:
        limits = {
            "full_name": NAME_MAX,
            "ethnicity": SHORT_MAX,
            "religion": SHORT_MAX,
            "permanent_address": ADDRESS_MAX,
            "temporary_address": ADDRESS_MAX,
        }
        for field, text in values.items():
            if len(text) > limits[field]:
                reasons.append(
                    _("%(field)s is longer than %(max)s characters")
                    % {"field": self.labels[field], "max": limits[field]}
                )

    def _date(self, value: str, field: str, reasons: list[str]) -> dt.date | None:
        """A date not met before in this file: parse, check, remember if valid."""
        text = value.strip()
        if not text:
            return None
        day = date_from_text(text)
        if day is None:
            reasons.append(
                _('%(field)s "%(value)s" is not a date (YYYY-MM-DD or DD/MM/YYYY)')
                % {"field": self.labels[field], "value": shown(tidy(value))}
            )
            return None
        if day > self.today:
            reasons.append(
                _("%(field)s %(value)s is in the future")
                % {"field": self.labels[field], "value": day.isoformat()}
            )
            return None
        if len(self.dates) < _CACHE_SIZE:
            self.dates[value] = day
        return day

    def _moment(self, value: str, reasons: list[str]) -> dt.datetime | None:
        """last_verified_at not met before: a date (midnight, local time) or an ISO
        date-time; remembered if valid."""
        text = value.strip()
        if not text:
            return None
        day = date_from_text(text)
        moment: dt.datetime | None
        if day is not None:
            moment = dt.datetime.combine(day, dt.time())
        else:
            try:
                moment = dt.datetime.fromisoformat(text)
            except ValueError:
                moment = None
        label = self.labels["last_verified_at"]
        if moment is None:
            reasons.append(
                _('%(field)s "%(value)s" is not a date or an ISO date-time')
                % {"field": label, "value": shown(tidy(text))}
            )
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        if moment.astimezone(self.tz).date() > self.today:
            reasons.append(
                _("%(field)s %(value)s is in the future") % {"field": label, "value": shown(text)}
            )
            return None
        if len(self.moments) < _CACHE_SIZE:
            self.moments[value] = moment
        return moment

    def _commune(self, value: str, reasons: list[str], temporary: bool) -> int | None:
        """A commune code not written exactly as a current code."""
        code = value.strip()
        if not code:
            return None
        # Spreadsheets drop the leading zeros of codes that look like numbers.
        if code.isdigit() and len(code) < 5:
            code = code.zfill(5)
        unit = self.communes.get(code)
        if unit is None:
            if temporary:
                reasons.append(
                    _("unknown commune code %(code)s for the temporary residence")
                    % {"code": shown(tidy(code))}
                )
            else:
                reasons.append(_("unknown commune code %(code)s") % {"code": shown(tidy(code))})
        return unit
