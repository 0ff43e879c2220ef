"""Scanners every uploaded file passes before it is stored (`MOTCUA_UPLOAD_SCANNERS`).

A scanner is a callable `scan(data: bytes, content_type: str) -> None` that raises
`uploads.Rejected` with a translated reason. The pipeline has already checked the type,
size, pages and that the file opens; `structure` refuses active or hidden content. A virus
scanner (ClamAV) will be added behind the same interface.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from pypdf.generic import DictionaryObject, IndirectObject

from motcua.warehouse.uploads import JPEG, PDF, PNG, Rejected, open_pdf

# Action types that run code, start programs or reach outside the document.
SCRIPT_ACTIONS = {"/JavaScript"}
LAUNCH_ACTIONS = {"/Launch", "/ImportData", "/GoToE", "/RichMediaExecute"}
# More objects than this is not a scanned paper: refuse rather than walk them all.
MAX_OBJECTS = 200_000


def structure(data: bytes, content_type: str) -> None:
    """Refuse PDFs with JavaScript, launch actions or embedded files, and images with
    data hidden after their end."""
    if content_type == PDF:
        _check_pdf(data)
    elif content_type == JPEG:
        # Zero padding after the end marker is common; anything else is a hidden payload.
        if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
            raise _trailing()
    elif content_type == PNG and not data.endswith(b"IEND\xaeB`\x82"):
        raise _trailing()


def _trailing() -> Rejected:
    return Rejected(
        _("The image has data after its end, which is not accepted."), code="hidden_data"
    )


def _check_pdf(data: bytes) -> None:
    reader = open_pdf(data)
    numbers: list[tuple[int, int]] = [
        (number, generation) for generation, objects in reader.xref.items() for number in objects
    ]
    numbers += [(number, 0) for number in reader.xref_objStm]
    if len(numbers) > MAX_OBJECTS:
        raise Rejected(_("The PDF has too many objects to be checked."), code="too_complex")
    for number, generation in numbers:
        try:
            obj = reader.get_object(IndirectObject(number, generation, reader))
        except Exception as error:
            raise Rejected(
                _("The PDF file is damaged and cannot be read."), code="corrupt"
            ) from error
        if isinstance(obj, DictionaryObject):
            _check_dictionary(obj)
    # Direct (not indirect) dictionaries in the catalog and its name tree.
    root = reader.trailer.get("/Root")
    if root is not None:
        _check_dictionary(root.get_object())


def _check_dictionary(obj: DictionaryObject) -> None:
    action = _name(obj.get("/S"))
    if action in SCRIPT_ACTIONS or "/JS" in obj or "/XFA" in obj:
        raise Rejected(
            _("The PDF contains JavaScript or scripted forms, which are not accepted."),
            code="javascript",
        )
    names = _resolved(obj.get("/Names"))
    if isinstance(names, DictionaryObject) and "/JavaScript" in names:
        raise Rejected(
            _("The PDF contains JavaScript or scripted forms, which are not accepted."),
            code="javascript",
        )
    if action in LAUNCH_ACTIONS:
        raise Rejected(
            _("The PDF starts programs or opens other files, which is not accepted."),
            code="launch",
        )
    embedded = (
        "/EF" in obj
        or "/RichMediaContent" in obj
        or _name(obj.get("/Type"))
        in {
            "/EmbeddedFile",
            "/RichMedia",
        }
    )
    if embedded or (isinstance(names, DictionaryObject) and "/EmbeddedFiles" in names):
        raise Rejected(
            _("The PDF carries embedded files, which are not accepted."), code="embedded_file"
        )


def _resolved(value: Any) -> Any:
    try:
        return value.get_object() if value is not None else None
    except Exception:
        return None


def _name(value: Any) -> str | None:
    resolved = _resolved(value)
    return str(resolved) if resolved is not None else None
