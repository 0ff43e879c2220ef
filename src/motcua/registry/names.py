"""Name keys for diacritic-insensitive search: "Nguyễn Văn An" → "nguyen van an"."""

import unicodedata


class _BareLetters(dict[int, str]):
    """A str.translate table, filled on first use of each character, mapping it to its
    letters without marks. đ/Đ are letters of their own, not d with a mark, so
    decomposition would leave them alone: they map to d explicitly.

    Per character is exact: canonical decomposition works character by character, and
    only the order of combining marks can differ, which are dropped anyway.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in "đĐ":
            bare = "d"
        else:
            decomposed = unicodedata.normalize("NFD", char)
            bare = "".join(part for part in decomposed if not unicodedata.combining(part))
        self[code] = bare
        return bare


# One table lookup per character: the bulk import computes a key for every row.
_BARE_LETTERS = _BareLetters()


def name_key(name: str) -> str:
    """Lower case, no diacritics, đ→d, single spaces. The same on every database."""
    return " ".join(name.translate(_BARE_LETTERS).lower().split())


def clean_name(name: str) -> str:
    """How a name is stored: NFC, single spaces, each word capitalised as written."""
    return " ".join(unicodedata.normalize("NFC", name).split())
