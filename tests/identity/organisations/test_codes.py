"""Enterprise / tax codes: 10 digits with a check digit, or a branch's 10 + "-" + 3 digits."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.exceptions import DomainError
from motcua.identity.organisations.codes import check_digit, normalise, validate_code

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)
branch = st.integers(min_value=1, max_value=999).map(lambda n: f"{n:03d}")


@pytest.mark.parametrize("code", ["0100109106", "0300588569", "0100109106-001"])
def test_real_enterprise_codes_are_accepted(code):
    assert validate_code(code) == code


@given(nine_digits)
def test_nine_digits_with_their_check_digit_are_accepted(body):
    code = body + str(check_digit(body))
    assert validate_code(code) == code


@given(nine_digits, branch)
def test_a_branch_of_a_valid_code_is_accepted(body, serial):
    code = f"{body}{check_digit(body)}-{serial}"
    assert validate_code(code) == code


@given(nine_digits, st.integers(min_value=1, max_value=9))
def test_a_wrong_check_digit_is_refused_as_a_typo(body, shift):
    wrong = (check_digit(body) + shift) % 10
    with pytest.raises(DomainError) as error:
        validate_code(f"{body}{wrong}")
    assert error.value.code == "code_check_digit"


@given(nine_digits, st.integers(min_value=0, max_value=8))
def test_changing_any_one_digit_is_caught(body, position):
    code = body + str(check_digit(body))
    changed = str((int(code[position]) + 1) % 10)
    typo = code[:position] + changed + code[position + 1 :]
    # A single changed digit always changes the weighted sum modulo 11 (weights are
    # prime to 11), so the check fails unless both remainders map to the same digit.
    if check_digit(typo[:9]) != int(typo[9]):
        with pytest.raises(DomainError):
            validate_code(typo)


@given(st.text(max_size=20).filter(lambda s: any(c not in "0123456789-" for c in normalise(s))))
def test_anything_not_shaped_like_a_code_is_refused_with_the_format_rule(text):
    with pytest.raises(DomainError) as error:
        validate_code(text)
    assert error.value.code in {"code_missing", "code_format"}


@pytest.mark.parametrize(
    "code", ["010010910", "01001091060", "0100109106-01", "0100109106/001", "٠١٠٠١٠٩١٠٦"]
)
def test_wrong_lengths_and_separators_say_what_a_code_looks_like(code):
    with pytest.raises(DomainError) as error:
        validate_code(code)
    assert error.value.code == "code_format"
    assert "10 digits" in error.value.message


def test_branch_zero_is_refused():
    with pytest.raises(DomainError) as error:
        validate_code("0100109106-000")
    assert error.value.code == "code_branch"


def test_spaces_and_dots_typed_between_digits_are_ignored():
    assert validate_code(" 0100 109 106 ") == "0100109106"
    assert validate_code("0100.109.106") == "0100109106"
