"""PDF forms 01–05 of the one-stop mechanism (Decree 61/2018/NĐ-CP, Circular 01/2018/TT-VPCP).

Rendering takes plain dataclasses, not models: the caller snapshots a dossier into a
`FormData`, so a form can be re-rendered exactly as issued and tested without a database.
Vietnamese needs the DejaVu font shipped in `motcua/core/fonts`; the core PDF fonts have
no glyphs for most diacritics and a system font path would differ between machines.
"""

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path(__file__).resolve().parents[1] / "core" / "fonts"
FONT = "DejaVuSerif"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FORM_NUMBERS = ("01", "02", "03", "04", "05")

LINE = 6.0  # mm per body line at 11 pt
BLANK = "…………"  # what a paper form leaves for the officer to fill in by hand

# fpdf2 subsets the font through fontTools, which logs every glyph at INFO: noise per PDF.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


@dataclass(frozen=True)
class SlipLine:
    """One hand-over recorded on the control slip (form 05)."""

    step: str
    from_party: str
    to_party: str
    handed_at: datetime | None
    due_at: datetime | None
    timeliness: str
    note: str = ""


@dataclass(frozen=True)
class FormData:
    """Everything a form prints, already resolved to display strings and datetimes."""

    agency_name: str
    parent_agency_name: str
    dossier_code: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    applicant_id_number: str
    applicant_address: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    received_at: datetime | None = None
    due_at: datetime | None = None
    officer_name: str = ""
    documents: tuple[str, ...] = ()
    supplement_items: tuple[str, ...] = ()
    reason: str = ""
    new_due_at: datetime | None = None
    fees: tuple[tuple[str, int], ...] = ()
    slip: tuple[SlipLine, ...] = ()
    issued_at: datetime | None = None
    lookup_url: str = ""
    place: str = ""  # place name of the date line, e.g. "Quảng Ninh"


def form_title(number: str) -> str:
    """The translated title of form `number`; ValueError for an unknown number."""
    titles = {
        "01": _("Receipt and appointment slip"),
        "02": _("Request to supplement and complete the dossier"),
        "03": _("Refusal to receive and process the dossier"),
        "04": _("Apology and new date for returning the result"),
        "05": _("Control slip of the dossier's processing"),
    }
    if number not in titles:
        raise ValueError(f"unknown form number: {number!r}")
    return titles[number]


def render_form(number: str, data: FormData, *, language: str = "vi") -> bytes:
    """Render form `number` for `data` as PDF bytes, labels in `language`."""
    if number not in FORM_NUMBERS:
        raise ValueError(f"unknown form number: {number!r}")
    with translation.override(language):
        pdf = _new_pdf()
        _header(pdf, number, data)
        _BODIES[number](pdf, data)
        return bytes(pdf.output())


# --- formatting -------------------------------------------------------------------------


def format_time(moment: datetime | None) -> str:
    """'08 giờ 30 phút, ngày 23/11/2026' in the province's time."""
    if moment is None:
        return BLANK
    local = _local(moment)
    parts = {"hour": f"{local.hour:02d}", "minute": f"{local.minute:02d}"}
    parts |= {"day": f"{local.day:02d}", "month": f"{local.month:02d}", "year": str(local.year)}
    return _("%(hour)s:%(minute)s, %(day)s/%(month)s/%(year)s") % parts


def format_money(amount: int) -> str:
    """'50.000 đồng': Vietnamese groups thousands with a dot, English with a comma."""
    separator = "." if translation.get_language() == "vi" else ","
    grouped = f"{amount:,}".replace(",", separator)
    return _("%(amount)s VND") % {"amount": grouped}


def _local(moment: datetime) -> datetime:
    # A naive value is taken as local already: the province runs on one time zone.
    return moment.astimezone(LOCAL_TZ) if moment.tzinfo else moment


def _date_line(data: FormData) -> str:
    moment = data.issued_at or data.received_at
    parts = {"place": data.place or BLANK, "day": "……", "month": "……", "year": "……"}
    if moment is not None:
        local = _local(moment)
        parts |= {"day": f"{local.day:02d}", "month": f"{local.month:02d}", "year": str(local.year)}
    return _("%(place)s, %(day)s/%(month)s/%(year)s") % parts


# --- layout blocks ----------------------------------------------------------------------


def _new_pdf() -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(left=20, top=15, right=15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSerif.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
    pdf.set_title(_("One-stop dossier form"))
    pdf.add_page()
    return pdf


def _centered(
    pdf: FPDF, x: float, width: float, text: str, style: str = "", size: float = 11
) -> None:
    pdf.set_xy(x, pdf.get_y())
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(width, 5, text, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)


def _header(pdf: FPDF, number: str, data: FormData) -> None:
    """Agencies left, national motto right, as on every form of Circular 01/2018."""
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 5, _("Form %(number)s") % {"number": number}, align="R")
    pdf.ln(7)
    top, left, left_w = pdf.get_y(), pdf.l_margin, 82.0
    right, right_w = left + left_w, pdf.epw - left_w
    if data.parent_agency_name:
        _centered(pdf, left, left_w, data.parent_agency_name.upper(), size=9.5)
    _centered(pdf, left, left_w, data.agency_name.upper(), "B", 9.5)
    left_bottom = pdf.get_y()
    pdf.set_y(top)
    _centered(pdf, right, right_w, _("SOCIALIST REPUBLIC OF VIETNAM"), "B", 10)
    _centered(pdf, right, right_w, _("Independence - Freedom - Happiness"), "B", 10.5)
    motto_bottom = pdf.get_y()
    rule = pdf.get_string_width(_("Independence - Freedom - Happiness"))
    # The rule under the motto is part of the official layout (Decree 30/2020).
    pdf.line(right + (right_w - rule) / 2, motto_bottom, right + (right_w + rule) / 2, motto_bottom)
    pdf.set_y(max(left_bottom, motto_bottom) + 8)
    _centered(pdf, left, pdf.epw, form_title(number).upper(), "B", 13)
    _centered(pdf, left, pdf.epw, _("Dossier code: %(code)s") % {"code": data.dossier_code})
    pdf.ln(4)


def field_line(
    pdf: FPDF, label: str, value: str, *, line: float = LINE, blank: str = BLANK
) -> None:
    """ "Label: value" on one line (wrapping if long), the label bold; the form, the result
    and the application form all print their facts this way."""
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, "B", 11)
    pdf.write(line, f"{label}: ")
    pdf.set_font(FONT, "", 11)
    pdf.write(line, value or blank)
    pdf.ln(line)


def _paragraph(pdf: FPDF, text: str, style: str = "") -> None:
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, style, 11)
    pdf.multi_cell(0, LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _numbered(pdf: FPDF, items: tuple[str, ...]) -> None:
    for index, item in enumerate(items, start=1):
        pdf.set_font(FONT, "", 11)
        pdf.set_x(pdf.l_margin + 5)
        pdf.multi_cell(0, LINE, f"{index}. {item}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _applicant(pdf: FPDF, data: FormData) -> None:
    _paragraph(pdf, _("%(agency)s received the dossier of:") % {"agency": data.agency_name})
    field_line(pdf, _("Applicant"), data.applicant_name)
    field_line(pdf, _("Personal ID number"), data.applicant_id_number)
    field_line(pdf, _("Address"), data.applicant_address)
    field_line(pdf, _("Phone"), data.applicant_phone)
    if data.applicant_email:
        field_line(pdf, _("Email"), data.applicant_email)
    field_line(pdf, _("Requested procedure"), f"{data.procedure_name} ({data.procedure_code})")


def _signatures(
    pdf: FPDF, data: FormData, right: tuple[str, str], left: tuple[str, str] | None
) -> None:
    """Date line over the right column, then one or two signature blocks."""
    if pdf.will_page_break(45):
        pdf.add_page()
    pdf.ln(4)
    half = pdf.epw / 2
    _centered(pdf, pdf.l_margin + half, half, _date_line(data))
    top = pdf.get_y()
    for column, block in ((0, left), (1, right)):
        if block is None:
            continue
        pdf.set_y(top)
        x = pdf.l_margin + column * half
        _centered(pdf, x, half, block[0].upper(), "B")
        _centered(pdf, x, half, _("(Signature and full name)"), size=10)
        pdf.ln(20)
        _centered(pdf, x, half, block[1], "B")


def _qr(pdf: FPDF, url: str) -> None:
    field_line(pdf, _("Look up the dossier at"), url)
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=6, border=2)
    if pdf.will_page_break(32):
        pdf.add_page()
    pdf.image(png, x=pdf.l_margin, w=30, h=30)


# --- the five forms ---------------------------------------------------------------------


def _receipt(pdf: FPDF, data: FormData) -> None:
    _applicant(pdf, data)
    _paragraph(pdf, _("Papers received:"), "B")
    _numbered(pdf, data.documents or (BLANK,))
    field_line(pdf, _("Received at"), format_time(data.received_at))
    field_line(pdf, _("Result to be returned at"), format_time(data.due_at))
    if data.fees:
        _paragraph(pdf, _("Fees and charges:"), "B")
        _numbered(pdf, tuple(f"{label}: {format_money(amount)}" for label, amount in data.fees))
        field_line(pdf, _("Total"), format_money(sum(amount for _label, amount in data.fees)))
    if data.lookup_url:
        _qr(pdf, data.lookup_url)
    _signatures(
        pdf,
        data,
        (_("Receiving officer"), data.officer_name),
        (_("Person submitting the dossier"), data.applicant_name),
    )


def _supplement(pdf: FPDF, data: FormData) -> None:
    _applicant(pdf, data)
    field_line(pdf, _("Received at"), format_time(data.received_at))
    _paragraph(pdf, _("Please supplement and complete the dossier with:"), "B")
    _numbered(pdf, data.supplement_items or (BLANK,))
    if data.reason:
        field_line(pdf, _("Reason"), data.reason)
    # Decree 61/2018 allows one request only, so the form says it is the complete list.
    _paragraph(pdf, _("This request lists everything the dossier lacks. We apologise."))
    _signatures(pdf, data, (_("Receiving officer"), data.officer_name), None)


def _refusal(pdf: FPDF, data: FormData) -> None:
    _applicant(pdf, data)
    field_line(pdf, _("Received at"), format_time(data.received_at))
    _paragraph(pdf, _("The dossier cannot be received and processed, for this reason:"), "B")
    _paragraph(pdf, data.reason or BLANK)
    _paragraph(pdf, _("We apologise for the inconvenience."))
    _signatures(pdf, data, (_("Receiving officer"), data.officer_name), None)


def _apology(pdf: FPDF, data: FormData) -> None:
    _applicant(pdf, data)
    field_line(pdf, _("Received at"), format_time(data.received_at))
    field_line(pdf, _("Appointment to return the result"), format_time(data.due_at))
    _paragraph(pdf, _("The result is late, for this reason:"), "B")
    _paragraph(pdf, data.reason or BLANK)
    _paragraph(
        pdf,
        _("%(agency)s apologises to %(name)s and sets a new date for returning the result:")
        % {"agency": data.agency_name, "name": data.applicant_name},
    )
    field_line(pdf, _("New return date"), format_time(data.new_due_at))
    _signatures(pdf, data, (_("Head of the agency"), data.officer_name), None)


def _slip_cell(moment: datetime | None) -> str:
    return "" if moment is None else format_time(moment)


def _control_slip(pdf: FPDF, data: FormData) -> None:
    _applicant(pdf, data)
    field_line(pdf, _("Received at"), format_time(data.received_at))
    field_line(pdf, _("Result to be returned at"), format_time(data.due_at))
    pdf.ln(2)
    headings = (
        _("Step"),
        _("Handed over by"),
        _("Received by"),
        _("Handed over at"),
        _("Due by"),
        _("Timeliness"),
        _("Note"),
    )
    pdf.set_font(FONT, "", 9)
    # fpdf2 wraps long cells and repeats the heading row after each page break.
    with pdf.table(
        col_widths=(18, 33, 33, 23, 23, 21, 19),
        align="LEFT",
        text_align="LEFT",
        line_height=4.5,
        padding=(1.5, 1),
    ) as table:
        heading = table.row()
        for text in headings:
            heading.cell(text)
        for line in data.slip:
            row = table.row()
            for text in (
                line.step,
                line.from_party,
                line.to_party,
                _slip_cell(line.handed_at),
                _slip_cell(line.due_at),
                line.timeliness,
                line.note,
            ):
                row.cell(text)
    _signatures(pdf, data, (_("Receiving officer"), data.officer_name), None)


_BODIES: dict[str, Callable[[FPDF, FormData], None]] = {
    "01": _receipt,
    "02": _supplement,
    "03": _refusal,
    "04": _apology,
    "05": _control_slip,
}
