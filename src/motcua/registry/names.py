"""Name keys for diacritic-insensitive search: "Nguyễn Văn An" → "nguyen van an"."""

import unicodedata

# đ/Đ are letters of their own, not d with a mark: decomposition leaves them alone.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})


def name_key(name: str) -> str:
    """Lower case, no diacritics, đ→d, single spaces. The same on every database."""
    decomposed = unicodedata.normalize("NFD", name.translate(_LETTERS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.lower().split())


def clean_name(name: str) -> str:
    """How a name is stored: NFC, single spaces, each word capitalised as written."""
    return " ".join(unicodedata.normalize("NFC", name).split())
