import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.identity.models import AccountKind, EidLevel, Role, User
from tests.registry.conftest import communes, make_citizen  # noqa: F401

# Real, checksum-valid enterprise codes (Viettel, Vinamilk).
CODE = "0100109106"
OTHER_CODE = "0300588569"


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def pdf(name: str = "giay-chung-nhan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def png(name: str = "uy-quyen.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_account(make_citizen):  # noqa: F811
    """make_account(eid_level=2, **citizen_fields) → a citizen's account."""
    counter = iter(range(1, 10_000))

    def make(eid_level: int = EidLevel.LEVEL_2, **fields) -> User:
        citizen = make_citizen(**fields)
        return User.objects.create(
            username=f"citizen-{next(counter)}",
            kind=AccountKind.CITIZEN,
            citizen=citizen,
            full_name=citizen.full_name,
            eid_level=eid_level,
        )

    return make


@pytest.fixture
def applicant(make_account) -> User:
    return make_account(full_name="Trần Thị Bình")


@pytest.fixture
def officer(make_staff, communes):  # noqa: F811
    """A registry officer of the first commune."""
    return make_staff(Role.REGISTRY_OFFICER, unit=communes[0])


@pytest.fixture
def other_officer(make_staff, communes):  # noqa: F811
    """A registry officer of the second commune."""
    return make_staff(Role.REGISTRY_OFFICER, unit=communes[1])


@pytest.fixture
def client():
    """A browser that asks for English pages, so the tests read the source strings."""
    from django.conf import settings
    from django.test import Client

    browser = Client()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return browser


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read English messages: pages and services speak English here."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
