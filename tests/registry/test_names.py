import unicodedata

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from motcua.registry.names import name_key


def reference_key(name: str) -> str:
    """The definition: whole-string decomposition, marks dropped, đ→d, lower case."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "d"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.lower().split())


@given(st.text(max_size=40))
@hypothesis_settings(max_examples=300, deadline=None)
def test_the_per_character_table_gives_the_defined_key_for_any_text(name):
    assert name_key(name) == reference_key(name)


def test_vietnamese_names_lose_their_marks_and_d_with_stroke():
    assert name_key("  Đỗ Thị   Ngọc Ánh ") == "do thi ngoc anh"
