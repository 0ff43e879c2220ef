import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from motcua.registry import idnumber
from motcua.registry.cards import card_expiry

provinces = st.sampled_from(sorted(idnumber.province_codes()))
sexes = st.sampled_from(["male", "female"])
birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
serials = st.integers(min_value=0, max_value=999_999)


@given(province=provinces, birth=birth_dates, sex=sexes, serial=serials)
def test_a_composed_number_parses_back_to_its_parts(province, birth, sex, serial):
    number = idnumber.compose(province, birth.year, sex, serial)
    parsed = idnumber.validate(number, birth_date=birth, sex=sex)
    assert (parsed.province_code, parsed.birth_year, parsed.sex) == (province, birth.year, sex)
    assert len(number) == 12 and number.isdigit()


@given(
    province=provinces,
    birth=birth_dates,
    sex=sexes,
    serial=serials,
    shift=st.sampled_from([-200, -100, 100, 200]),
)
def test_a_birth_year_in_another_century_is_named_as_the_failing_rule(
    province, birth, sex, serial, shift
):
    number = idnumber.compose(province, birth.year, sex, serial)
    other = (
        birth.replace(year=birth.year + shift)
        if not (birth.month == 2 and birth.day == 29)
        else None
    )
    assume(other is not None and 1 <= other.year <= 9999)
    codes = [problem.code for problem in idnumber.problems(number, birth_date=other, sex=sex)]
    assert codes == ["century"]


@given(province=provinces, birth=birth_dates, sex=sexes, serial=serials)
def test_the_wrong_sex_is_named(province, birth, sex, serial):
    number = idnumber.compose(province, birth.year, sex, serial)
    other = "female" if sex == "male" else "male"
    assert [p.code for p in idnumber.problems(number, birth_date=birth, sex=other)] == ["sex"]


@given(text=st.text(max_size=20))
def test_anything_that_is_not_twelve_ascii_digits_is_malformed(text):
    assume(not (len(text.strip()) == 12 and text.strip().isascii() and text.strip().isdigit()))
    assert [p.code for p in idnumber.problems(text)] == ["format"]


@given(code=st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}"), birth=birth_dates)
def test_unknown_province_codes_are_refused(code, birth):
    number = idnumber.compose(code, birth.year, "male", 1)
    codes = [p.code for p in idnumber.problems(number, birth_date=birth)]
    assert ("province" in codes) == (code not in idnumber.province_codes())


def test_the_message_says_which_century_the_digit_means():
    problems = idnumber.problems("022285000001", birth_date=dt.date(1985, 6, 1), sex="male")
    assert problems[0].code == "century"
    assert "2000" in problems[0].message and "2099" in problems[0].message
    assert "1985" in problems[0].message


def test_year_digits_are_checked_within_the_right_century():
    problems = idnumber.problems("022084000001", birth_date=dt.date(1985, 6, 1))
    assert [p.code for p in problems] == ["year"]


def test_quang_ninh_is_022_and_full_width_digits_are_not_digits():
    assert "022" in idnumber.province_codes()
    assert idnumber.problems("０２２０８５０００００１")[0].code == "format"


@pytest.mark.parametrize(
    ("issued_at_age", "expires_at_age"),
    [
        (5, 14),
        (11, 14),
        (12, 25),
        (20, 25),
        (23, 40),
        (30, 40),
        (38, 60),
        (50, 60),
        (58, None),
        (70, None),
    ],
)
def test_card_expiry_follows_the_renewal_ages_with_two_years_grace(issued_at_age, expires_at_age):
    born = dt.date(1980, 3, 15)
    issued = born.replace(year=born.year + issued_at_age) + dt.timedelta(days=10)
    expiry = card_expiry(born, issued)
    if expires_at_age is None:
        assert expiry is None
    else:
        assert expiry == born.replace(year=born.year + expires_at_age)


def test_card_for_someone_born_on_29_february_expires_on_1_march():
    assert card_expiry(dt.date(2004, 2, 29), dt.date(2020, 1, 1)) == dt.date(2029, 3, 1)
