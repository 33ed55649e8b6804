"""What an uploaded file is by its first bytes, what its name may keep, and when files may change.

Pure functions: the service (services/uploads.py) reads the bytes, Pillow and pypdf do the
checking this module cannot do without libraries.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from typing import Final

from portal.domain.workflow import Status

__all__ = ["NAME_LENGTH", "Sniffed", "clean_name", "files_may_change", "sniff"]

NAME_LENGTH: Final = 120
# ISO base-media brands of HEIF/HEIC photos (iPhones, many Android phones).
_HEIF_BRANDS: Final = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1",
                                 b"msf1", b"avif"})


class Sniffed(enum.StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"
    WEBP = "image/webp"
    HEIF = "image/heif"
    PDF = "application/pdf"


def sniff(head: bytes) -> Sniffed | None:
    """The type the content says it is (never the name or the browser's claim); None if none of
    ours. PDF readers accept a header within the first 1024 bytes; we want it at the start."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed.PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed.WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return Sniffed.HEIF
    if head.startswith(b"%PDF-"):
        return Sniffed.PDF
    return None


_UNSAFE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f<>:\"/\\|?*]")


def clean_name(name: str | None) -> str:
    """The name a person gave the file, fit to show back to them: no folders, no control or
    markup characters, no bidi tricks, at most NAME_LENGTH characters (the extension kept)."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if unicodedata.category(c) not in {"Cf", "Cc", "Cs", "Co"})
    base = " ".join(_UNSAFE.sub("_", base).split()).strip(". ")
    if not base:
        return "file"
    if len(base) <= NAME_LENGTH:
        return base
    stem, dot, ext = base.rpartition(".")
    if dot and 0 < len(ext) <= 10:
        return stem[: NAME_LENGTH - len(ext) - 1] + "." + ext
    return base[:NAME_LENGTH]


def files_may_change(status: Status) -> bool:
    """Files are added and removed while the application is a draft: what was signed (R6.4) and
    handed in stays as it was."""
    return status is Status.DRAFT
