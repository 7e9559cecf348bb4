"""Files people upload: photos kept without their metadata, documents (a quote, an invoice, a
letter) kept only when they are what they claim to be.

One place for every app, so that a photo's location (EXIF, GPS) is stripped the same way
everywhere and a PDF is opened before it is kept. Errors name the file and say what is wrong;
the caller stores the cleaned bytes with default_storage (the file system or S3, settings).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
MAX_DOCUMENT_PAGES = 200


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes  # JPEG, no metadata
    width: int
    height: int


@dataclass(frozen=True)
class CleanDocument:
    data: bytes
    extension: str  # "pdf" or "jpg"
    content_type: str
    pages: int


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.0f}"


def _read(upload: Any, max_bytes: int) -> bytes:
    name = getattr(upload, "name", "the file")
    if upload.size > max_bytes:
        raise ValidationError(f"{name} is too large: a file may be at most {_megabytes(max_bytes)} MB.")
    data: bytes = upload.read()
    return data


def photo_from_bytes(data: bytes, name: str, *, max_side: int = 2560) -> CleanPhoto:
    """The photo re-encoded as JPEG, turned the way it was taken, at most max_side pixels a
    side, with no metadata at all (no exif= is given to save, so none is written)."""
    unreadable = ValidationError(f"{name} is not a photo we can read (JPEG, PNG or WebP).")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in PHOTO_FORMATS:
                raise unreadable
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(f"{name} has too many pixels.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            upright = ImageOps.exif_transpose(opened) or opened
            pixels = upright.convert("RGB")
            pixels.thumbnail((max_side, max_side))
            clean = Image.new("RGB", pixels.size)
            clean.paste(pixels)  # a fresh image carries nothing of the original's info
            out = io.BytesIO()
            clean.save(out, format="JPEG", quality=85, optimize=True)
            return CleanPhoto(out.getvalue(), clean.width, clean.height)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise unreadable from None


def clean_photo(upload: Any, *, max_bytes: int, max_side: int = 2560) -> CleanPhoto:
    """An uploaded photo, cleaned (photo_from_bytes); ValidationError saying what is wrong."""
    return photo_from_bytes(_read(upload, max_bytes), getattr(upload, "name", "the file"), max_side=max_side)


def clean_document(upload: Any, *, max_bytes: int) -> CleanDocument:
    """A PDF that opens and is not encrypted, or a photo (cleaned as clean_photo does).

    A PDF is kept as sent (its pages are the evidence), after pypdf has read every page: a
    file named .pdf that is not one, or one locked with a password, is refused.
    """
    name = getattr(upload, "name", "the file")
    data = _read(upload, max_bytes)
    if data[:5] == b"%PDF-":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise ValidationError(f"{name} is locked with a password: send it unlocked.")
            pages = len(reader.pages)
        except (PdfReadError, ValueError, KeyError, TypeError, OSError):
            raise ValidationError(f"{name} is not a PDF we can read.") from None
        if pages == 0:
            raise ValidationError(f"{name} has no pages.")
        if pages > MAX_DOCUMENT_PAGES:
            raise ValidationError(f"{name} has {pages} pages; the most is {MAX_DOCUMENT_PAGES}.")
        return CleanDocument(data, "pdf", "application/pdf", pages)
    try:
        photo = photo_from_bytes(data, name)
    except ValidationError:
        raise ValidationError(f"{name} is neither a PDF nor a photo we can read.") from None
    return CleanDocument(photo.data, "jpg", "image/jpeg", 1)
