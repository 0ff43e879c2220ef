"""A provincial CA per test (keys in the test's own folder), the one-stop fixtures, and
helpers to read signatures with independent tools."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from motcua.core.models import Agency
from motcua.signing import services
from motcua.signing.models import CertificateKind
from tests.dossiers.conftest import (  # noqa: F401
    applicant,
    birth,
    catalog,
    commune_pc,
    communes,
    english,
    make_citizen,
    staff,
    submit,
)


@pytest.fixture(autouse=True)
def key_folder(settings, tmp_path) -> Path:
    """Keys and media of this test only, encrypted under a key made for it."""
    settings.MOTCUA_KEY_BACKEND = "file"
    settings.MOTCUA_KEY_DIR = tmp_path / "keys"
    settings.MOTCUA_KEY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.example.vn"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path / "keys"


@pytest.fixture
def ca(province):
    return services.init_ca()


@pytest.fixture
def signer_certificates(ca, staff, commune_pc: Agency):  # noqa: F811
    """The commune leader's personal certificate and the commune People's Committee's seal."""
    from motcua.identity.models import Role

    leader = staff[Role.LEADER]
    personal = services.issue_certificate(
        CertificateKind.OFFICER, actor=None, holder=leader, agency=commune_pc
    )
    seal = services.issue_certificate(CertificateKind.SEAL, actor=None, agency=commune_pc)
    return personal, seal


def pdf_bytes_of(document) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(document.file.name, "rb") as handle:
        return handle.read()


def a_pdf(text: str = "Giấy xác nhận") -> bytes:
    from fpdf import FPDF

    from motcua.dossiers.printing import FONT_DIR

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSerif.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def flip_one_signed_byte(signed: bytes) -> bytes:
    """Change one byte inside the content the first signature covers (not the signature
    itself): a letter of the page's text stream."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(signed))
    first = reader.embedded_signatures[0]
    start, length = first.byte_range[0], first.byte_range[1]
    covered = signed[start : start + length]
    at = covered.index(b"stream\n") + 40  # inside the first content stream
    damaged = bytearray(signed)
    damaged[at] ^= 0x01
    return bytes(damaged)
