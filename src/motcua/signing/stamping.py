"""Signing a PDF with pyHanko: PAdES baseline (ETSI.CAdES.detached, SHA-256, the chain
embedded, the signing time in the signature dictionary), a visible stamp naming the
signer, agency and time in the shipped DejaVu font with a QR code to the public
verification page, and an RFC 3161 timestamp when `MOTCUA_TSA_URL` is set."""

from __future__ import annotations

import datetime as dt
import os
import threading
import unicodedata
import zoneinfo
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import QRStampStyle

from motcua.core.exceptions import Conflict
from motcua.signing import pki
from motcua.signing.keys import store_for
from motcua.signing.models import Certificate

FONT_DIR = Path(__file__).resolve().parents[1] / "core" / "fonts"
LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# Points on an A4 page (595 x 842), from the bottom left: where stamps go by default.
LOWER_RIGHT = (330, 40, 565, 120)
LOWER_LEFT = (40, 40, 275, 120)


@dataclass(frozen=True)
class Stamp:
    """What the visible stamp says: lines already in the document's language."""

    signer_label: str  # "Ký bởi"
    agency_label: str  # "Cơ quan"
    time_label: str  # "Thời gian"
    agency: str
    verify_url: str
    box: tuple[int, int, int, int] = LOWER_RIGHT
    page: int = -1  # the last page


# Vietnamese in Latin script: ASCII, Latin-1, Latin Extended-A/B, combining marks, Latin
# Extended Additional (ạ…ỹ), general punctuation.
STAMP_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
]


def stamp_font() -> Path:
    """The shipped DejaVu Serif cut to the letters Vietnamese needs and rescaled to 1000
    units per em, made once into var/fonts/.

    pyHanko's OpenType embedding writes glyph widths in font units as if the em were 1000
    (DejaVu's is 2048), which spreads the stamp's letters apart: rescaling the font fixes
    it and leaves both libraries as they are. The cut makes pyHanko's per-signature
    subsetting a fraction of the work."""
    target = Path(settings.VAR_DIR) / "fonts" / "DejaVuSerif-stamp-v2.ttf"
    if not target.exists():
        from fontTools import subset
        from fontTools.ttLib import TTFont
        from fontTools.ttLib.scaleUpem import scale_upem

        target.parent.mkdir(parents=True, exist_ok=True)
        font = TTFont(str(FONT_DIR / "DejaVuSerif.ttf"))
        options = subset.Options()
        # Vietnamese letters are all precomposed in DejaVu and stamps are NFC text: no
        # shaping tables needed, and none to parse on every signature.
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF"]
        options.name_IDs = ["*"]
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=STAMP_UNICODES)
        cutter.subset(font)
        scale_upem(font, 1000)
        partial = target.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        font.save(str(partial))
        os.replace(partial, target)  # atomic: another process may be doing the same
    return target


@cache
def _style(signer_label: str, agency_label: str, time_label: str) -> QRStampStyle:
    text = f"{signer_label}: %(signer)s\n{agency_label}: %(agency)s\n{time_label}: %(at)s"
    return QRStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(stamp_font())), font_size=7),
        border_width=1,
    )


def _escape(value: str) -> str:
    return value.replace("%", "%%")


def signer_for(certificate: Certificate) -> signers.Signer:
    chain = [pki.as_asn1(ca) for ca in pki.chain_of(certificate)]
    return store_for(certificate.key_backend).pdf_signer(
        certificate.key_ref, pki.as_asn1(certificate), chain
    )


def timestamper() -> timestamps.TimeStamper | None:
    url = settings.MOTCUA_TSA_URL
    return timestamps.HTTPTimeStamper(url) if url else None


def sign_pdf(
    pdf: bytes,
    certificate: Certificate,
    *,
    field_name: str,
    stamp: Stamp,
    reason: str = "",
    location: str = "",
    signer: signers.Signer | None = None,
    at: dt.datetime | None = None,
) -> bytes:
    """`pdf` with one more signature (an incremental update: earlier signatures stay
    intact) made with `certificate`'s key wherever it lives."""
    at = at or dt.datetime.now(tz=LOCAL_TZ)
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=certificate.common_name,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer or signer_for(certificate),
        timestamper=timestamper(),
        stamp_style=_style(stamp.signer_label, stamp.agency_label, stamp.time_label),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=field_name, on_page=stamp.page, box=stamp.box
        ),
    )
    out = BytesIO()
    try:
        _sign(pdf_signer, writer, out, stamp, at)
    except TimestampRequestError as exc:
        raise Conflict(
            _("The time-stamping service did not answer; nothing was signed. Try again."),
            code="tsa_unavailable",
        ) from exc
    return out.getvalue()


def _sign(
    pdf_signer: signers.PdfSigner,
    writer: IncrementalPdfFileWriter,
    out: BytesIO,
    stamp: Stamp,
    at: dt.datetime,
) -> None:
    pdf_signer.sign_pdf(
        writer,
        output=out,
        appearance_text_params={
            "url": stamp.verify_url,
            "agency": _escape(unicodedata.normalize("NFC", stamp.agency)),
            "at": at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M:%S %z"),
        },
    )
