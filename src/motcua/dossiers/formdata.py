"""Validating an application's form data against the procedure's declared fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.exceptions import DomainError
from motcua.registry.idnumber import InvalidIdNumber, parse

FIELD_TYPES = ("text", "date", "id_number", "choice", "number")
MAX_TEXT = 2000


class InvalidFormData(DomainError):
    """Carries every field's problem at once, so a form can show them all."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(
            _("The application form has mistakes: %(fields)s.")
            % {"fields": "; ".join(f"{name}: {text}" for name, text in errors.items())},
            code="form_data",
        )
        self.errors = errors


def _clean(spec: dict[str, Any], raw: Any) -> Any:
    kind = spec.get("type", "text")
    text = "" if raw is None else str(raw).strip()
    if kind == "date":
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
        return day.isoformat()
    if kind == "id_number":
        try:
            return parse(text).number
        except InvalidIdNumber as error:
            raise ValueError(str(error)) from None
    if kind == "choice":
        if text not in spec.get("choices", []):
            raise ValueError(_("Choose one of the listed values."))
        return text
    if kind == "number":
        try:
            return int(text)
        except ValueError:
            raise ValueError(_("Enter a whole number.")) from None
    if len(text) > MAX_TEXT:
        raise ValueError(_("At most %(count)s characters.") % {"count": MAX_TEXT})
    return text


def validate_form_data(procedure: Procedure, data: dict[str, Any] | None) -> dict[str, Any]:
    """The cleaned form data for `procedure`: every required field present and well-formed,
    unknown fields dropped. Raises InvalidFormData naming every field at fault."""
    data = data or {}
    if not isinstance(data, dict):
        raise InvalidFormData({"form": _("The form data must be an object.")})
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in procedure.form_fields or []:
        name = spec["name"]
        raw = data.get(name)
        if raw is None or str(raw).strip() == "":
            if spec.get("required"):
                errors[name] = _("This field is required.")
            continue
        try:
            cleaned[name] = _clean(spec, raw)
        except ValueError as error:
            errors[name] = str(error)
    if errors:
        raise InvalidFormData(errors)
    return cleaned
