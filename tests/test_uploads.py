"""Uploaded photos lose their location; uploaded documents are what they claim to be."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from sanctuary.uploads import clean_document, clean_photo

MB = 1024 * 1024


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (300, 200), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 5.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _pdf(pages: int = 1, password: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_photo_keeps_its_pixels_and_loses_its_location():
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the phone wrote where it was
    photo = clean_photo(SimpleUploadedFile("door.jpg", original), max_bytes=MB)
    cleaned = Image.open(io.BytesIO(photo.data))
    assert (photo.width, photo.height) == (300, 200) == cleaned.size
    assert not cleaned.getexif()
    assert b"PhoneMaker" not in photo.data


def test_a_large_photo_is_shrunk_to_the_longest_side_allowed():
    out = io.BytesIO()
    Image.new("RGB", (4000, 1000), "blue").save(out, format="PNG")
    photo = clean_photo(SimpleUploadedFile("wide.png", out.getvalue()), max_bytes=10 * MB, max_side=2000)
    assert (photo.width, photo.height) == (2000, 500)


def test_a_file_too_large_is_refused_by_name():
    with pytest.raises(ValidationError, match="big.jpg is too large: a file may be at most 1 MB"):
        clean_photo(SimpleUploadedFile("big.jpg", b"x" * (MB + 1)), max_bytes=MB)


def test_a_pdf_is_kept_as_sent_with_its_pages_counted():
    data = _pdf(pages=3)
    document = clean_document(SimpleUploadedFile("quote.pdf", data), max_bytes=MB)
    assert (document.data, document.extension, document.pages) == (data, "pdf", 3)


def test_a_photo_of_a_quote_is_a_document_too_and_loses_its_location():
    document = clean_document(SimpleUploadedFile("quote.jpg", _jpeg_with_gps()), max_bytes=MB)
    assert document.extension == "jpg"
    assert not Image.open(io.BytesIO(document.data)).getexif()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 this is no pdf at all", "quote.pdf is not a PDF we can read"),
        (_pdf(password="secret"), "quote.pdf is locked with a password"),
        (b"PK\x03\x04 a zip file", "quote.pdf is neither a PDF nor a photo we can read"),
    ],
)
def test_a_document_that_is_not_what_it_claims_is_refused(data, message):
    with pytest.raises(ValidationError, match=message):
        clean_document(SimpleUploadedFile("quote.pdf", data), max_bytes=MB)
