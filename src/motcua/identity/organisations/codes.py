"""Enterprise / tax codes (mã số doanh nghiệp, mã số thuế).

A code is 10 digits, or, for a dependent unit (a branch), the parent's 10 digits, "-" and a
3-digit serial from 001. The 10th digit is a check digit over the first nine: with weights
31, 29, 23, 19, 17, 13, 7, 5, 3, it is 10 − (Σ digit × weight mod 11). When the remainder
is 0 the formula gives 10, which is not a digit; such codes are accepted with a 0 there,
the tolerant reading, so no genuine code is ever refused.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError

WEIGHTS: tuple[int, ...] = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_SHAPE = re.compile(r"[0-9]{10}(?:-[0-9]{3})?")


def check_digit(first_nine: str) -> int:
    """The check digit (0–9) for nine digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, WEIGHTS, strict=True))
    return (10 - total % 11) % 10


def normalise(raw: str) -> str:
    """Strip spaces and dots people type between groups of digits."""
    return re.sub(r"[\s.]", "", raw or "")


def validate_code(raw: str) -> str:
    """Return the normalised code, or raise DomainError naming the rule it breaks."""
    code = normalise(raw)
    if not code:
        raise DomainError(_("Enter the enterprise or tax code."), code="code_missing")
    if not _SHAPE.fullmatch(code):
        raise DomainError(
            _(
                "An enterprise or tax code is 10 digits, or 10 digits, a hyphen and 3 digits "
                "for a branch (for example 0100109106 or 0100109106-001)."
            ),
            code="code_format",
        )
    if code[9] != str(check_digit(code[:9])):
        raise DomainError(
            _("The last of the 10 digits does not match the others: check the code for typos."),
            code="code_check_digit",
        )
    if code.endswith("-000"):
        raise DomainError(
            _("A branch number runs from 001 to 999; 000 is not a branch."), code="code_branch"
        )
    return code
