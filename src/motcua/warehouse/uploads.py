"""The upload pipeline: every file passes it before anything is written to storage.

A document is one PDF, or one or more JPEG/PNG images that become one PDF. Types are
recognised by content, never by name; sizes, pages and pixels are limited by settings;
then each file goes through the scanners of `MOTCUA_UPLOAD_SCANNERS` (dotted paths to
callables `scan(data: bytes, content_type: str) -> None` that raise `Rejected`). Nothing
here writes anything: `prepare` returns the PDF to store, or raises `Rejected`.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

import img2pdf
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

from motcua.core.exceptions import DomainError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

# Types are recognised by their first bytes, never by the file name.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}

Scanner = Callable[[bytes, str], None]


class Rejected(DomainError):
    """A file the warehouse will not store; the message says why, in the user's language."""

    status_code = 422

    def __init__(self, message: str, *, code: str = "rejected") -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class Prepared:
    """A document ready to store: always a PDF."""

    data: bytes
    sha256: str
    page_count: int
    sources: tuple[str, ...]  # the content type of each file handed in

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(head: bytes) -> str | None:
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def prepare(files: IO[bytes] | bytes | Iterable[IO[bytes] | bytes]) -> Prepared:
    """Check the file(s) of one document and return the PDF to store.

    Guarantees: the result is a PDF pypdf opens, not encrypted, with between one page and
    `MOTCUA_UPLOAD_MAX_PAGES` pages, no larger than `MOTCUA_UPLOAD_MAX_BYTES`, and every
    file handed in passed every configured scanner. Otherwise `Rejected` is raised.
    """
    if isinstance(files, bytes | bytearray) or hasattr(files, "read"):
        files = [files]  # type: ignore[list-item]
    limit = settings.MOTCUA_UPLOAD_MAX_BYTES
    read = [_read(item, limit) for item in files]  # type: ignore[union-attr]
    if not read:
        raise Rejected(_("No file was uploaded."), code="empty")
    typed = [(data, _type_of(data)) for data in read]
    if sum(len(data) for data, _type in typed) > limit:
        raise Rejected(
            _("The files together are larger than %(mb)s MB.") % {"mb": _megabytes(limit)},
            code="too_large",
        )
    kinds = [content_type for _data, content_type in typed]
    if PDF in kinds and len(kinds) > 1:
        raise Rejected(
            _("A document is either one PDF file or one or more JPEG or PNG images."),
            code="mixed",
        )
    scanners = load_scanners()
    if kinds == [PDF]:
        data = typed[0][0]
        pages = check_pdf(data)
        _scan(scanners, data, PDF)
    else:
        pages = len(typed)
        _check_pages(pages)
        for image, content_type in typed:
            check_image(image, content_type)
            _scan(scanners, image, content_type)
        # nodate: the same images always give the same PDF, so they are stored once.
        try:
            data = img2pdf.convert([image for image, _type in typed], nodate=True)
        except Exception as error:  # an image Pillow decoded but img2pdf cannot embed
            raise Rejected(_("The image is damaged and cannot be read."), code="corrupt") from error
        if len(data) > limit:
            raise Rejected(
                _("The file is larger than %(mb)s MB.") % {"mb": _megabytes(limit)},
                code="too_large",
            )
    return Prepared(
        data=data, sha256=hashlib.sha256(data).hexdigest(), page_count=pages, sources=tuple(kinds)
    )


def _read(item: IO[bytes] | bytes, limit: int) -> bytes:
    # One byte more than allowed is enough to know the file is too large.
    data = bytes(item) if isinstance(item, bytes | bytearray) else item.read(limit + 1)
    if len(data) > limit:
        raise Rejected(
            _("The file is larger than %(mb)s MB.") % {"mb": _megabytes(limit)},
            code="too_large",
        )
    if not data:
        raise Rejected(_("The file is empty."), code="empty")
    return data


def _megabytes(limit: int) -> str:
    mb = limit / (1024 * 1024)
    return f"{mb:g}" if mb >= 1 else f"{mb:.2f}"


def _type_of(data: bytes) -> str:
    content_type = sniff(data[:16])
    if content_type is None:
        raise Rejected(
            _("Only PDF, JPEG and PNG files are accepted; this file is none of them."),
            code="file_type",
        )
    return content_type


def _check_pages(pages: int) -> None:
    limit = settings.MOTCUA_UPLOAD_MAX_PAGES
    if pages > limit:
        raise Rejected(
            _("The document has %(pages)s pages; at most %(limit)s are accepted.")
            % {"pages": pages, "limit": limit},
            code="too_many_pages",
        )


def open_pdf(data: bytes) -> PdfReader:
    """pypdf's reader over the bytes, or `Rejected` if the file is damaged or encrypted."""
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as error:  # pypdf raises many kinds on malformed input
        raise _damaged() from error
    if encrypted:
        raise Rejected(
            _("The PDF is protected by a password or encrypted; upload it unprotected."),
            code="encrypted",
        )
    return reader


def check_pdf(data: bytes) -> int:
    """The page count of a readable, unencrypted PDF within the page limit."""
    reader = open_pdf(data)
    try:
        pages = len(reader.pages)
        # Reading every page object finds a broken page tree before the file is stored.
        for page in reader.pages:
            page.mediabox  # noqa: B018
    except Rejected:
        raise
    except Exception as error:
        raise _damaged() from error
    if pages == 0:
        raise Rejected(_("The PDF has no pages."), code="no_pages")
    _check_pages(pages)
    return pages


def _damaged() -> Rejected:
    return Rejected(_("The PDF file is damaged and cannot be read."), code="corrupt")


def check_image(data: bytes, content_type: str) -> None:
    """The image decodes completely with Pillow and has no more than the allowed pixels."""
    limit = settings.MOTCUA_UPLOAD_MAX_PIXELS
    too_big = Rejected(
        _("The image has too many pixels; at most %(limit)s megapixels are accepted.")
        % {"limit": f"{limit / 1e6:g}"},
        code="too_many_pixels",
    )
    damaged = Rejected(_("The image is damaged and cannot be read."), code="corrupt")
    try:
        with warnings.catch_warnings():
            # Our own limit applies; Pillow's warning would only repeat it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            # The header gives the size: a pixel bomb is refused before it is decoded.
            width, height = image.size
            if width * height > limit:
                raise too_big
            if image.format != PILLOW_FORMATS[content_type]:
                raise damaged
            image.load()
    except Rejected:
        raise
    except Image.DecompressionBombError as error:
        raise too_big from error
    except Exception as error:  # Pillow raises OSError, SyntaxError, ValueError …
        raise damaged from error


def load_scanners() -> list[Scanner]:
    return [import_string(path) for path in settings.MOTCUA_UPLOAD_SCANNERS]


def _scan(scanners: list[Scanner], data: bytes, content_type: str) -> None:
    for scanner in scanners:
        scanner(data, content_type)
