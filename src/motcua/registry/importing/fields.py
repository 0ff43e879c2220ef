"""The columns an import writes, and the text helpers its row checks use."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from typing import Any

# The registry_citizen columns an import writes, in the order of a parsed row.
DB_COLUMNS = (
    "id_number",
    "full_name",
    "name_key",
    "birth_date",
    "sex",
    "birth_province_code",
    "nationality",
    "ethnicity",
    "religion",
    "permanent_commune_id",
    "permanent_address",
    "temporary_commune_id",
    "temporary_address",
    "status",
    "death_date",
    "last_verified_at",
)
# The database columns each file column fills.
FILLS = {
    "id_number": ("id_number",),
    "full_name": ("full_name", "name_key"),
    "birth_date": ("birth_date",),
    "sex": ("sex",),
    "birth_province_code": ("birth_province_code",),
    "nationality": ("nationality",),
    "ethnicity": ("ethnicity",),
    "religion": ("religion",),
    "permanent_commune_code": ("permanent_commune_id",),
    "permanent_address": ("permanent_address",),
    "temporary_commune_code": ("temporary_commune_id",),
    "temporary_address": ("temporary_address",),
    "status": ("status",),
    "death_date": ("death_date",),
    "last_verified_at": ("last_verified_at",),
}
ParsedRow = tuple[Any, ...]


def updated_columns(header: Iterable[str]) -> list[str]:
    """The database columns a file with this header may change (absent columns are kept)."""
    present = set(header)
    return [
        column
        for name, columns in FILLS.items()
        if name in present and name != "id_number"
        for column in columns
    ]


def tidy(value: str) -> str:
    """Stripped, and in NFC (the form names are stored in) when not plain ASCII."""
    value = value.strip()
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def shown(text: str, limit: int = 40) -> str:
    """A value quoted back in a reason, cut short so a report stays readable."""
    return text if len(text) <= limit else f"{text[:limit]}…"


def date_from_text(text: str) -> dt.date | None:
    """YYYY-MM-DD or DD/MM/YYYY; None when the text is neither."""
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return dt.date.fromisoformat(text)
        parts = text.split("/")
        if len(parts) == 3 and all(part.isdigit() for part in parts) and len(parts[2]) == 4:
            return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None
    return None
