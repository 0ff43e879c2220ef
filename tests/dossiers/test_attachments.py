import io
from pathlib import Path

import pytest

from motcua.core.exceptions import DomainError
from motcua.dossiers.attachments import attach

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_pdf_is_stored_with_its_hash(submit, media):
    dossier = submit()
    attachment = attach(
        dossier, dossier.applicant_user, name="giay-chung-sinh.pdf", stream=io.BytesIO(PDF)
    )
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert stored_files(media)[0].read_bytes() == PDF


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00 an executable renamed to .pdf", "file_type"),
        (b"x" * 2048, "too_large"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_stored(submit, media, settings, content, code):
    settings.MOTCUA_MAX_ATTACHMENT_BYTES = 1024
    dossier = submit()
    with pytest.raises(DomainError) as error:
        attach(dossier, dossier.applicant_user, name="to-khai.pdf", stream=io.BytesIO(content))
    assert error.value.code == code
    assert stored_files(media) == []
    assert not dossier.attachments.exists()


def test_a_png_is_recognised_by_content_not_name(submit, media):
    dossier = submit()
    attachment = attach(dossier, dossier.applicant_user, name="anh.pdf", stream=io.BytesIO(PNG))
    assert attachment.content_type == "image/png"
