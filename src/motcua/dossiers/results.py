"""The electronic result of a dossier: rendered as a PDF when the leader approves (step 4)
and filed in the owner's warehouse, so the result exists as soon as the status becomes
"result ready" (9) or "fees due" (6); step 5 then only hands it over.

The PDF is a plain Vietnamese document in the shipped DejaVu font: the handling agency's
header and the national motto, the procedure's name as title, the applicant, the dossier
code, the approved result and the signer's name. Once the provincial CA is set up, it is
signed (PAdES) with the leader's certificate and then the agency's seal, stamps at the
foot of the last page, which is kept free for them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from motcua.catalog.models import DocumentType, Procedure, ReuseSource
from motcua.dossiers.models import Dossier
from motcua.dossiers.printing import FONT, FONT_DIR, LOCAL_TZ, field_line
from motcua.identity.models import User
from motcua.signing import services as signing
from motcua.warehouse.models import Document
from motcua.warehouse.selectors import owner_of_dossier
from motcua.warehouse.services import store_result

LINE = 6.5
# The foot of each page, kept for the signature stamps (stamping.LOWER_LEFT/RIGHT).
STAMP_BAND_MM = 48
RESULT_TYPE_PREFIX = "result-"


@dataclass(frozen=True)
class ResultData:
    """What the result prints, resolved to display strings."""

    agency_name: str
    parent_agency_name: str
    place: str
    procedure_code: str
    procedure_name: str
    dossier_code: str
    applicant_name: str
    applicant_id_number: str
    applicant_address: str
    representative_name: str
    result_summary: str
    signer_name: str
    issued_at: dt.datetime


def result_type(procedure: Procedure) -> DocumentType:
    """The document type of a procedure's results, `result-<national code>`, made the
    first time one of its dossiers is approved."""
    document_type, _created = DocumentType.objects.get_or_create(
        code=f"{RESULT_TYPE_PREFIX}{procedure.code}"[:64],
        defaults={
            "name": f"Kết quả: {procedure.name}"[:255],
            "reuse_source": ReuseSource.WAREHOUSE,
        },
    )
    return document_type


def result_data(dossier: Dossier, signer: User, at: dt.datetime) -> ResultData:
    agency = dossier.agency
    parent = agency.parent.name if agency.parent_id else ""  # type: ignore[union-attr]
    unit = agency.unit if agency.unit_id else dossier.receiving_agency.unit
    representative = dossier.representative_name if dossier.organisation_id else ""
    return ResultData(
        agency_name=agency.name,
        parent_agency_name=parent,
        place=unit.name if unit is not None else "",
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure.name,
        dossier_code=dossier.code,
        applicant_name=dossier.applicant_name,
        applicant_id_number=dossier.owner_id_number,
        applicant_address=dossier.applicant_address,
        representative_name=representative,
        result_summary=dossier.result_summary,
        signer_name=signer.get_full_name() or signer.get_username(),
        issued_at=at,
    )


def issue_result(dossier: Dossier, signer: User, at: dt.datetime) -> Document | None:
    """Render the approved dossier's result and file it in its owner's warehouse (kind
    result, issued by the handling agency, linked to the dossier as its result).

    Runs inside the approval's transaction: if the approval fails, nothing is recorded and
    the warehouse deletes the file it wrote. A dossier with no owner left in the registry
    (the person's record was removed) gets no document; its result summary still stands.
    """
    if owner_of_dossier(dossier) is None:
        return None
    pdf = render_result(result_data(dossier, signer, at))
    title = f"{dossier.procedure.name} ({dossier.code})"[:255]
    signed = None
    if signing.is_set_up():
        pdf, signed = signing.sign_result(pdf, leader=signer, agency=dossier.agency, title=title)
    document = store_result(
        dossier,
        signer,
        document_type=result_type(dossier.procedure),
        files=pdf,
        title=title,
        valid_from=at.astimezone(LOCAL_TZ).date(),
    )
    if signed is not None:
        signed.document = document
        signed.save(update_fields=["document"])
    return document


# --- rendering --------------------------------------------------------------------------


def render_result(data: ResultData, *, language: str = "vi") -> bytes:
    """The result as PDF bytes; the same data always gives the same bytes."""
    with translation.override(language):
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_margins(left=20, top=15, right=15)
        pdf.set_auto_page_break(auto=True, margin=STAMP_BAND_MM)
        pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSerif.ttf"))
        pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
        pdf.set_title(data.procedure_name)
        pdf.set_author(data.agency_name)
        pdf.set_creation_date(data.issued_at)
        pdf.add_page()
        _header(pdf, data)
        _body(pdf, data)
        _signature(pdf, data)
        return bytes(pdf.output())


def _centered(
    pdf: FPDF, x: float, width: float, text: str, style: str = "", size: float = 11
) -> None:
    pdf.set_xy(x, pdf.get_y())
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(width, 5, text, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)


def _header(pdf: FPDF, data: ResultData) -> None:
    top, left, left_w = pdf.get_y(), pdf.l_margin, 82.0
    right, right_w = left + left_w, pdf.epw - left_w
    if data.parent_agency_name:
        _centered(pdf, left, left_w, data.parent_agency_name.upper(), size=9.5)
    _centered(pdf, left, left_w, data.agency_name.upper(), "B", 9.5)
    _centered(pdf, left, left_w, _("No.: %(code)s") % {"code": data.dossier_code}, size=9.5)
    left_bottom = pdf.get_y()
    pdf.set_y(top)
    motto = _("Independence - Freedom - Happiness")
    _centered(pdf, right, right_w, _("SOCIALIST REPUBLIC OF VIETNAM"), "B", 10)
    _centered(pdf, right, right_w, motto, "B", 10.5)
    bottom = pdf.get_y()
    rule = pdf.get_string_width(motto)
    pdf.line(right + (right_w - rule) / 2, bottom, right + (right_w + rule) / 2, bottom)
    pdf.set_y(max(left_bottom, bottom) + 10)
    _centered(pdf, left, pdf.epw, data.procedure_name.upper(), "B", 14)
    _centered(
        pdf,
        left,
        pdf.epw,
        _("Electronic result of dossier %(code)s") % {"code": data.dossier_code},
        size=10.5,
    )
    pdf.ln(6)


def _field(pdf: FPDF, label: str, value: str) -> None:
    field_line(pdf, label, value, line=LINE, blank="—")


def _body(pdf: FPDF, data: ResultData) -> None:
    _field(pdf, _("Applicant"), data.applicant_name)
    _field(pdf, _("Personal ID number or organisation code"), data.applicant_id_number)
    if data.applicant_address:
        _field(pdf, _("Address"), data.applicant_address)
    if data.representative_name:
        _field(pdf, _("Authorised representative"), data.representative_name)
    _field(pdf, _("Procedure"), f"{data.procedure_name} ({data.procedure_code})")
    _field(pdf, _("Dossier code"), data.dossier_code)
    pdf.ln(2)
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, LINE, _("Result:"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, LINE, data.result_summary or "—", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT, "", 9.5)
    pdf.multi_cell(
        0,
        5,
        _(
            "This original electronic result is kept in the applicant's data warehouse "
            "(“my documents”) and may be reused for other procedures."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _signature(pdf: FPDF, data: ResultData) -> None:
    if pdf.will_page_break(45):
        pdf.add_page()
    pdf.ln(6)
    half = pdf.epw / 2
    local = data.issued_at.astimezone(LOCAL_TZ)
    date_line = _("%(place)s, %(day)s/%(month)s/%(year)s") % {
        "place": data.place or "—",
        "day": f"{local.day:02d}",
        "month": f"{local.month:02d}",
        "year": str(local.year),
    }
    x = pdf.l_margin + half
    _centered(pdf, x, half, date_line)
    _centered(pdf, x, half, _("Approved by").upper(), "B")
    _centered(pdf, x, half, _("(Signature and full name)"), size=10)
    pdf.ln(20)
    _centered(pdf, x, half, data.signer_name, "B")
