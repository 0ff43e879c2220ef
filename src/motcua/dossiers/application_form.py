"""The application form (tờ khai) of a dossier as a PDF, for the applicant to sign.

What the applicant declared when submitting: the procedure, the dossier code, who applies,
the procedure's form fields with their labels, and the submission date. Rendered in the
shipped DejaVu font like the other papers (see `printing`); the foot of every page is left
free for the signature stamp, as on results.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from motcua.catalog.models import DocumentType, ReuseSource
from motcua.dossiers.models import Dossier
from motcua.dossiers.printing import FONT, FONT_DIR, LOCAL_TZ, field_line
from motcua.dossiers.results import STAMP_BAND_MM
from motcua.identity.models import User
from motcua.warehouse.models import Document
from motcua.warehouse.selectors import owner_of_dossier
from motcua.warehouse.services import store_upload

TITLE = "TỜ KHAI / APPLICATION"
LINE = 6.5


def _value(spec: dict[str, Any], raw: Any) -> str:
    """A form value as printed: dates day/month/year, the rest as typed."""
    if raw is None or str(raw).strip() == "":
        return "—"
    if spec.get("type") == "date":
        try:
            day = dt.date.fromisoformat(str(raw))
        except ValueError:
            return str(raw)
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    return str(raw)


def form_lines(dossier: Dossier) -> list[tuple[str, str]]:
    """(label, value) of each declared field the applicant filled in, in the procedure's
    order; fields no longer declared by the procedure are not printed."""
    data = dossier.form_data or {}
    return [
        (str(spec.get("label") or spec["name"]), _value(spec, data.get(spec["name"])))
        for spec in dossier.procedure.form_fields or []
        if spec.get("name") in data
    ]


def render_application_form(dossier: Dossier, *, language: str = "vi") -> bytes:
    """The dossier's application form as PDF bytes; the same dossier always gives the
    same bytes. The bottom STAMP_BAND_MM of every page (the last one included) stays
    empty for the signature stamp."""
    with translation.override(language):
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_margins(left=20, top=15, right=15)
        pdf.set_auto_page_break(auto=True, margin=STAMP_BAND_MM)
        pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSerif.ttf"))
        pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
        pdf.set_title(f"{TITLE} {dossier.code}")
        pdf.set_author(dossier.applicant_name)
        pdf.set_creation_date(dossier.submitted_at)
        pdf.add_page()
        _header(pdf, dossier)
        _body(pdf, dossier)
        _signature(pdf, dossier)
        return bytes(pdf.output())


def _centered(pdf: FPDF, text: str, style: str = "", size: float = 11) -> None:
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(pdf.epw, 5.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _header(pdf: FPDF, dossier: Dossier) -> None:
    _centered(pdf, _("SOCIALIST REPUBLIC OF VIETNAM"), "B", 11)
    motto = _("Independence - Freedom - Happiness")
    _centered(pdf, motto, "B", 11.5)
    width, y = pdf.get_string_width(motto), pdf.get_y()
    pdf.line(pdf.l_margin + (pdf.epw - width) / 2, y, pdf.l_margin + (pdf.epw + width) / 2, y)
    pdf.ln(8)
    _centered(pdf, TITLE, "B", 15)
    _centered(pdf, dossier.procedure.name, "B", 12)
    pdf.ln(3)
    _centered(pdf, _("To: %(agency)s") % {"agency": dossier.receiving_agency.name}, size=11)
    pdf.ln(5)


def _field(pdf: FPDF, label: str, value: str) -> None:
    field_line(pdf, label, value, line=LINE, blank="—")


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(2)
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(0, LINE, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _body(pdf: FPDF, dossier: Dossier) -> None:
    _field(pdf, _("Procedure"), f"{dossier.procedure.name} ({dossier.procedure.code})")
    _field(pdf, _("Dossier code"), dossier.code)
    _section(pdf, _("The applicant"))
    _field(pdf, _("Applicant"), dossier.applicant_name)
    _field(pdf, _("Personal ID number or organisation code"), dossier.owner_id_number)
    if dossier.applicant_address:
        _field(pdf, _("Address"), dossier.applicant_address)
    if dossier.applicant_phone:
        _field(pdf, _("Phone"), dossier.applicant_phone)
    if dossier.applicant_email:
        _field(pdf, _("E-mail"), dossier.applicant_email)
    if dossier.representative_name:
        _field(pdf, _("Authorised representative"), dossier.representative_name)
    lines = form_lines(dossier)
    if lines:
        _section(pdf, _("What the applicant declares"))
        for label, value in lines:
            _field(pdf, label, value)
    pdf.ln(2)
    submitted = dossier.submitted_at.astimezone(LOCAL_TZ)
    _field(pdf, _("Submitted on"), submitted.strftime("%d/%m/%Y %H:%M"))
    pdf.ln(2)
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, "", 10.5)
    pdf.multi_cell(
        0,
        5.5,
        _("I declare that the information above is true and I am responsible before the law."),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _signature(pdf: FPDF, dossier: Dossier) -> None:
    # Date line, heading and name together, so they are never split across pages; the
    # stamp goes below them, in the band kept free.
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(6)
    half = pdf.epw / 2
    x = pdf.l_margin + half
    submitted = dossier.submitted_at.astimezone(LOCAL_TZ)
    for text, style, size in (
        (
            _("Date %(day)s/%(month)s/%(year)s")
            % {
                "day": f"{submitted.day:02d}",
                "month": f"{submitted.month:02d}",
                "year": str(submitted.year),
            },
            "",
            11,
        ),
        (_("The applicant").upper(), "B", 11),
        (_("(Signed electronically)"), "", 10),
        (dossier.applicant_name, "B", 11),
    ):
        pdf.set_xy(x, pdf.get_y())
        pdf.set_font(FONT, style, size)
        pdf.multi_cell(half, 5.5, text, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)


SIGNED_TYPE = "signed-application"


def file_signed(dossier: Dossier, user: User, pdf: bytes) -> Document | None:
    """Keep the application form the applicant signed in their warehouse, linked to the
    dossier (so the QR code's page can check the copy kept). Only the dossier's owner
    files it; a form signed for someone else's dossier is handed back, not kept."""
    owner = owner_of_dossier(dossier)
    if owner is None or owner != user.citizen:
        return None
    document_type, _created = DocumentType.objects.get_or_create(
        code=SIGNED_TYPE,
        defaults={"name": "Tờ khai đã ký số", "reuse_source": ReuseSource.NONE},
    )
    return store_upload(
        user,
        owner=owner,
        document_type=document_type,
        files=pdf,
        title=f"{TITLE}: {dossier.procedure.name} ({dossier.code})"[:255],
        dossier=dossier,
    )
