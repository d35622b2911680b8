"""Uploads are judged by content and size, never by their names."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from branchwork.uploads import UploadPath, stored_name, validate_upload


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="JPEG")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content", "kinds", "expected_type"),
    [
        ("photo.png", png_bytes(), ["image"], "image/png"),
        ("现场照片.jpg", jpeg_bytes(), ["image", "pdf"], "image/jpeg"),
        # The name lies; the content decides.
        ("notice.txt", PDF, ["pdf"], "application/pdf"),
        (
            "纪要.docx",
            docx_bytes(),
            ["document"],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_accepted_by_content(name, content, kinds, expected_type):
    detected = validate_upload(SimpleUploadedFile(name, content), kinds=kinds)
    assert detected.content_type == expected_type


@pytest.mark.parametrize(
    ("name", "content", "kinds", "message"),
    [
        ("evil.png", b"<html><script>alert(1)</script></html>", ["image"], "文件内容不是"),
        ("fake.pdf", b"%PDF-1.4 but never ends", ["pdf"], "文件内容不是"),
        ("cut.png", png_bytes()[:40], ["image"], "文件内容不是"),
        ("empty.jpg", b"", ["image"], "文件是空的"),
        ("photo.png", png_bytes(), ["pdf"], "文件内容不是"),
        ("notzip.docx", b"PK\x03\x04garbage", ["document"], "文件内容不是"),
    ],
)
def test_refused_with_a_translated_message(name, content, kinds, message):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile(name, content), kinds=kinds)
    assert message in error.value.messages[0]


def test_size_limit():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("a.png", png_bytes()), kinds=["image"], max_bytes=10)
    assert "最多" in error.value.messages[0]


def test_stored_name_keeps_only_the_detected_extension():
    detected = validate_upload(SimpleUploadedFile("x.php.png", png_bytes()), kinds=["image"])
    path = UploadPath("meetings")(None, stored_name(detected))
    assert path.startswith("meetings/") and path.endswith(".png") and "php" not in path
    assert UploadPath("m")(None, "a.html").endswith(".html") is False
