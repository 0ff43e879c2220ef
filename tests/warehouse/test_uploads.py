"""The upload pipeline: every refused file gets a clear reason and leaves storage empty."""

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript

from motcua.warehouse.models import Document, StoredFile
from motcua.warehouse.services import store_upload
from motcua.warehouse.uploads import Rejected, prepare
from tests.warehouse.conftest import image, pdf, stored_files

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def upload(applicant, document_type, content, **kwargs):
    return store_upload(
        applicant,
        owner=applicant.citizen,
        document_type=document_type,
        files=io.BytesIO(content) if isinstance(content, bytes) else content,
        **kwargs,
    )


def assert_nothing_stored(media):
    assert stored_files(media) == []
    assert not StoredFile.objects.exists()
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (EXECUTABLE, "file_type", "Only PDF, JPEG and PNG files are accepted"),
        (ELF, "file_type", "Only PDF, JPEG and PNG files are accepted"),
        (b"", "empty", "The file is empty."),
        (b"%PDF-1.7\n" + b"\x00garbage" * 100, "corrupt", "damaged"),
        (pdf(2)[:400], "corrupt", "damaged"),
        (pdf(1, password="mat-khau"), "encrypted", "password"),
        (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "corrupt", "damaged"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "corrupt", "image is damaged"),
    ],
    ids=[
        "renamed-exe",
        "renamed-elf",
        "empty",
        "garbage-pdf",
        "truncated-pdf",
        "password-pdf",
        "no-pages",
        "fake-jpeg",
    ],
)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_stored(
    applicant, marriage, media, content, code, message
):
    with pytest.raises(Rejected) as error:
        upload(applicant, marriage, content)
    assert error.value.code == code
    assert message in error.value.message
    assert_nothing_stored(media)


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(
    applicant, marriage, media, settings
):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1024 * 1024
    big = pdf(1, text="x" * (1024 * 1024 + 10))
    with pytest.raises(Rejected) as error:
        upload(applicant, marriage, big)
    assert error.value.code == "too_large"
    assert error.value.message == "The file is larger than 1 MB."
    assert_nothing_stored(media)


def test_a_pdf_over_the_page_limit_is_refused(applicant, marriage, media, settings):
    settings.MOTCUA_UPLOAD_MAX_PAGES = 3
    with pytest.raises(Rejected) as error:
        upload(applicant, marriage, pdf(4))
    assert error.value.message == "The document has 4 pages; at most 3 are accepted."
    assert_nothing_stored(media)


def test_a_pdf_with_an_owner_password_only_is_refused_too(applicant, marriage, media):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="", owner_password="chu-so-huu")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(Rejected) as error:
        upload(applicant, marriage, out.getvalue())
    assert error.value.code == "encrypted"
    assert_nothing_stored(media)


def test_a_pdf_with_javascript_is_refused(applicant, marriage, media):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_open_action(JavaScript("app.alert('xin chào');"))
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(Rejected) as error:
        upload(applicant, marriage, out.getvalue())
    assert error.value.code == "javascript"
    assert_nothing_stored(media)


def test_a_pdf_with_an_embedded_file_is_refused(applicant, marriage, media):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("setup.exe", EXECUTABLE)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(Rejected) as error:
        upload(applicant, marriage, out.getvalue())
    assert error.value.code == "embedded_file"
    assert_nothing_stored(media)


def test_a_pdf_with_a_launch_action_is_refused(applicant, marriage, media):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("cmd.exe"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(Rejected) as error:
        upload(applicant, marriage, out.getvalue())
    assert error.value.code == "launch"
    assert_nothing_stored(media)


def test_an_image_with_a_payload_after_its_end_is_refused(applicant, marriage, media):
    with pytest.raises(Rejected) as error:
        upload(applicant, marriage, image("PNG") + b"PK\x03\x04 a zip file")
    assert error.value.code == "hidden_data"
    assert_nothing_stored(media)


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(
    applicant, marriage, media, settings
):
    settings.MOTCUA_UPLOAD_MAX_PIXELS = 10_000
    with pytest.raises(Rejected) as error:
        upload(applicant, marriage, image("PNG", size=(200, 100)))
    assert error.value.code == "too_many_pixels"
    assert "at most 0.01 megapixels" in error.value.message
    assert_nothing_stored(media)


def test_a_pdf_and_an_image_together_are_refused(applicant, marriage, media):
    with pytest.raises(Rejected) as error:
        upload(applicant, marriage, [io.BytesIO(pdf()), io.BytesIO(image())])
    assert error.value.code == "mixed"
    assert_nothing_stored(media)


def test_a_jpeg_becomes_a_one_page_pdf(applicant, marriage, media):
    document = upload(applicant, marriage, image("JPEG"), title="anh-chup.pdf")
    assert document.page_count == 1
    (path,) = stored_files(media)
    assert path.read_bytes().startswith(b"%PDF-")
    assert len(PdfReader(path).pages) == 1
    assert path.name == f"{document.sha256}.pdf"
    assert path.parent.name == document.sha256[:2]
    assert path.parent.parent.name == "warehouse"


def test_several_images_become_one_pdf_with_a_page_each(applicant, marriage, media):
    files = [io.BytesIO(image("JPEG")), io.BytesIO(image("PNG", color="blue"))]
    files.append(io.BytesIO(image("PNG", size=(240, 320), color="green")))
    document = upload(applicant, marriage, files)
    assert document.page_count == 3
    (path,) = stored_files(media)
    assert len(PdfReader(path).pages) == 3


def test_a_png_with_transparency_is_accepted(applicant, marriage, media):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (100, 80), (0, 0, 255, 128)).save(out, "PNG")
    document = upload(applicant, marriage, out.getvalue())
    assert document.page_count == 1


def test_a_pdf_is_stored_as_it_was_handed_in(applicant, marriage, media):
    content = pdf(3)
    document = upload(applicant, marriage, content)
    assert document.page_count == 3
    assert document.size == len(content)
    assert stored_files(media)[0].read_bytes() == content


def test_the_same_images_give_the_same_pdf(settings):
    first = prepare([image("JPEG"), image("PNG")])
    second = prepare([image("JPEG"), image("PNG")])
    assert first.sha256 == second.sha256


def reject_everything(data: bytes, content_type: str) -> None:
    raise Rejected("refused by the test scanner", code="virus")


def test_every_configured_scanner_sees_the_file(applicant, marriage, media, settings):
    settings.MOTCUA_UPLOAD_SCANNERS = [
        "motcua.warehouse.scanners.structure",
        "tests.warehouse.test_uploads.reject_everything",
    ]
    with pytest.raises(Rejected) as error:
        upload(applicant, marriage, pdf())
    assert error.value.code == "virus"
    assert_nothing_stored(media)


def test_javascript_hidden_behind_escaped_names_is_refused_too():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_open_action(JavaScript("app.alert(1);"))
    out = io.BytesIO()
    writer.write(out)
    disguised = out.getvalue().replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in disguised
    with pytest.raises(Rejected) as error:
        prepare(disguised)
    assert error.value.code == "javascript"
