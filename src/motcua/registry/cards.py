"""ID card validity (Law on Identification 2023, art. 21): a card is renewed at 14, 25, 40
and 60; a card issued within two years before one of those ages lasts until the next;
from 60 (so from 58) it lasts for life."""

import datetime as dt

RENEWAL_AGES = (14, 25, 40, 60)
GRACE_YEARS = 2


def birthday(birth_date: dt.date, age: int) -> dt.date:
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:  # 29 February in a common year
        return dt.date(birth_date.year + age, 3, 1)


def card_expiry(birth_date: dt.date, issue_date: dt.date) -> dt.date | None:
    """The date the card must be renewed by, or None when it is valid for life."""
    for age in RENEWAL_AGES:
        renewal = birthday(birth_date, age)
        if issue_date < birthday(birth_date, age - GRACE_YEARS):
            return renewal
    return None
