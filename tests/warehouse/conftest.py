import io
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from motcua.catalog.models import DocumentType
from tests.dossiers.conftest import (  # noqa: F401
    applicant,
    birth,
    catalog,
    commune_pc,
    english,
    other_pc,
    staff,
    submit,
)
from tests.registry.conftest import communes, make_citizen  # noqa: F401


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Files go to a fresh folder on disk, so a test can see exactly what was written."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def marriage(db) -> DocumentType:
    return DocumentType.objects.get_or_create(
        code="wh-marriage", defaults={"name": "Giấy chứng nhận kết hôn"}
    )[0]


@pytest.fixture
def diploma(db) -> DocumentType:
    return DocumentType.objects.get_or_create(
        code="wh-diploma", defaults={"name": "Bằng tốt nghiệp"}
    )[0]


def pdf(pages: int = 1, *, password: str = "", text: str = "") -> bytes:
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(595, 842)
    if text:
        writer.add_metadata({"/Title": text})
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(kind: str = "JPEG", size: tuple[int, int] = (320, 240), color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind)
    return out.getvalue()
