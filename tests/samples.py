"""Files for upload tests, made here: real photos (one with GPS in its EXIF), PDFs, disguises."""

from __future__ import annotations

import io

from PIL import Image


def jpeg(width: int = 1200, height: int = 800, *, gps: bool = False, orientation: int | None = None
         ) -> bytes:
    """A camera-like JPEG; with ``gps`` its EXIF says where it was taken (Astana)."""
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 10.0, 0.0), 3: "E", 4: (71.0, 26.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90, comment=b"secret comment")
    return out.getvalue()


def png(width: int = 300, height: int = 200, *, alpha: bool = True) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", (width, height),
                      (0, 128, 255, 100) if alpha else (0, 128, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "green").save(out, "WEBP")
    return out.getvalue()


def pdf(*, javascript: bool = False, password: str | None = None, pages: int = 1) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if javascript:
        action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                   NameObject("/JS"): TextStringObject("app.alert('hi');")})
        writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if password:
        writer.encrypt(password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
