"""The one-stop forms 01–05 render as PDFs whose Vietnamese text survives extraction."""

import io
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from motcua.dossiers.printing import (
    FORM_NUMBERS,
    FormData,
    SlipLine,
    form_title,
    render_form,
)

APPLICANT = "Nguyễn Thị Ánh Tuyết"
AGENCY = "Ủy ban nhân dân phường Hạ Long"
CODE = "000.00.20.H49-261123-0001"
RECEIVED = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội time


def _slip_line(index: int) -> SlipLine:
    return SlipLine(
        step=f"Bước {index}",
        from_party=f"Trần Văn Bình {index} — {AGENCY}",
        to_party=f"Lê Thị Hồng {index} — Phòng Tư pháp",
        handed_at=RECEIVED + timedelta(hours=index),
        due_at=RECEIVED + timedelta(hours=index + 2),
        timeliness="Trễ hạn" if index % 3 == 0 else "Đúng hạn",
        note="Đã số hóa" if index % 2 else "",
    )


def _data(**changes: object) -> FormData:
    values: dict[str, object] = {
        "agency_name": AGENCY,
        "parent_agency_name": "Ủy ban nhân dân tỉnh Quảng Ninh",
        "dossier_code": CODE,
        "procedure_code": "1.001193",
        "procedure_name": "Đăng ký khai sinh",
        "applicant_name": APPLICANT,
        "applicant_id_number": "022301000123",
        "applicant_address": "Tổ 5, khu 3, phường Hạ Long, tỉnh Quảng Ninh",
        "applicant_phone": "0912345678",
        "received_at": RECEIVED,
        "due_at": RECEIVED + timedelta(days=3),
        "officer_name": "Phạm Đức Mạnh",
        "documents": ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"),
        "supplement_items": (
            "Bản sao giấy chứng nhận kết hôn của cha mẹ",
            "Văn bản ủy quyền có chứng thực",
            "Giấy chứng sinh bản chính",
        ),
        "reason": "Hồ sơ thuộc thẩm quyền giải quyết của cơ quan khác",
        "new_due_at": RECEIVED + timedelta(days=5),
        "fees": (("Lệ phí đăng ký khai sinh", 50000), ("Phí cấp bản sao", 8000)),
        "slip": tuple(_slip_line(index) for index in range(1, 4)),
        "lookup_url": "https://dichvucong.quangninh.gov.vn/tra-cuu/000.00.20.H49-261123-0001",
        "place": "Quảng Ninh",
    }
    values.update(changes)
    return FormData(**values)  # type: ignore[arg-type]


def _text(pdf: bytes) -> str:
    """Extracted text with every run of whitespace made one space, as cells wrap lines."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.parametrize("number", FORM_NUMBERS)
def test_each_form_is_a_pdf_naming_applicant_agency_and_dossier_code(number):
    pdf = render_form(number, _data())
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert APPLICANT in text
    assert AGENCY in text
    assert CODE in text


@pytest.mark.parametrize("number", FORM_NUMBERS)
def test_each_form_embeds_the_shipped_dejavu_font(number):
    reader = PdfReader(io.BytesIO(render_form(number, _data())))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert names and all("DejaVuSerif" in name for name in names)


def test_receipt_prints_local_times_fees_and_the_lookup_address():
    text = _text(render_form("01", _data()))
    assert "08" in text and "23/11/2026" in text and "26/11/2026" in text
    assert "50.000" in text and "58.000" in text
    assert "dichvucong.quangninh.gov.vn" in text


def test_receipt_carries_the_lookup_qr_code_as_an_image():
    with_qr = PdfReader(io.BytesIO(render_form("01", _data())))
    without = PdfReader(io.BytesIO(render_form("01", _data(lookup_url=""))))
    assert len(with_qr.pages[0].images) == 1
    assert len(without.pages[0].images) == 0


def test_english_receipt_has_english_labels_and_comma_grouped_money():
    text = _text(render_form("01", _data(), language="en"))
    assert "Form 01" in text
    assert "SOCIALIST REPUBLIC OF VIETNAM" in text
    assert "RECEIPT AND APPOINTMENT SLIP" in text
    assert "08:30, 23/11/2026" in text
    assert "50,000 VND" in text


def test_supplement_request_lists_every_missing_item():
    data = _data()
    text = _text(render_form("02", data))
    for item in data.supplement_items:
        assert item in text


@pytest.mark.parametrize("number", ["03", "04"])
def test_refusal_and_apology_print_the_reason(number):
    assert "thẩm quyền giải quyết của cơ quan khác" in _text(render_form(number, _data()))


def test_apology_prints_the_old_and_the_new_return_date():
    text = _text(render_form("04", _data(), language="en"))
    assert "08:30, 26/11/2026" in text
    assert "08:30, 28/11/2026" in text


def test_control_slip_lists_every_hand_over_with_its_parties_and_timeliness():
    data = _data()
    text = _text(render_form("05", data))
    for line in data.slip:
        assert line.step in text
        assert line.from_party in text
        assert line.to_party in text
    assert "Trễ hạn" in text and "Đúng hạn" in text


def test_long_control_slip_runs_over_several_pages_and_keeps_the_last_row():
    slip = tuple(_slip_line(index) for index in range(1, 41))
    reader = PdfReader(io.BytesIO(render_form("05", _data(slip=slip))))
    assert len(reader.pages) > 1
    later_pages = " ".join(" ".join(page.extract_text() for page in reader.pages[1:]).split())
    assert "Bước 40" in later_pages
    assert slip[-1].from_party in later_pages
    assert slip[-1].to_party in later_pages


def test_form_without_optional_data_still_renders():
    bare = FormData(
        agency_name=AGENCY,
        parent_agency_name="",
        dossier_code=CODE,
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        applicant_name=APPLICANT,
        applicant_id_number="022301000123",
    )
    for number in FORM_NUMBERS:
        assert APPLICANT in _text(render_form(number, bare))


def test_unknown_form_number_is_refused():
    with pytest.raises(ValueError):
        render_form("06", _data())
    with pytest.raises(ValueError):
        form_title("99")


def test_every_form_has_a_distinct_title():
    assert len({form_title(number) for number in FORM_NUMBERS}) == len(FORM_NUMBERS)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_poppler_extracts_the_vietnamese_name_from_the_receipt(tmp_path):
    path = tmp_path / "form01.pdf"
    path.write_bytes(render_form("01", _data()))
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    assert APPLICANT in " ".join(result.stdout.split())
