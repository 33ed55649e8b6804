"""Uploaded documents (R3.4, L8): check a file by its content, re-encode photos, keep the bytes in
the storage and a row per file, and remove them again.

A photo is opened with Pillow and written anew as a JPEG (EXIF orientation applied, all metadata
dropped, the long side capped), so what we keep and serve is an image we made, not the bytes a
phone or an attacker sent. A PDF is kept as sent once pypdf has parsed it and found no password,
scripts or launch actions. Before any of that, every file goes through the antivirus scanner
(portal/storage/scan.py): an infected file is refused and nothing of it is kept; when the scanner
cannot answer, production refuses the file too ("try again later") and development keeps it
unscanned with a warning. See docs/files.md.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session, object_session
from werkzeug.datastructures import FileStorage

from portal import db
from portal.db import utcnow
from portal.domain.uploads import Sniffed, clean_name, files_may_change, sniff
from portal.domain.workflow import Status
from portal.models import Document, DocumentFile
from portal.services import events
from portal.storage import Storage, storage
from portal.storage.scan import Clean, Infected, Scanner, Unavailable, Verdict, scanner

__all__ = ["MAX_SIDE", "CheckedFile", "FilesLocked", "Refused", "attach_files", "check_file",
           "files_locked", "remove_file", "scan_file"]

log = logging.getLogger(__name__)
security_log = logging.getLogger("portal.security")

MAX_SIDE: Final = 2000  # px, long side of a stored photo: a page stays legible
THUMB_SIDE: Final = 240  # px, long side of a preview
JPEG_QUALITY: Final = 85
MAX_PIXELS: Final = 64_000_000  # a 64 MP photo; anything larger is refused before decoding
MAX_PDF_PAGES: Final = 100
MAX_PDF_OBJECTS: Final = 50_000  # how far the check walks a PDF's object graph

# What a person reads when a file is refused: what is wrong and what to do instead.
NOT_ALLOWED = _l("This file is not a photo or a PDF. Choose a photo (JPEG, PNG or WebP) or a PDF "
                 "file.")
EMPTY = _l("The file is empty. Choose the file again.")
DAMAGED_IMAGE = _l("The photo cannot be read: the file is damaged or incomplete. Take the photo "
                   "again or choose another file.")
HEIF_UNREADABLE = _l("Photos in HEIC format cannot be read here. Choose the photo in JPEG format "
                     "(on an iPhone: Settings → Camera → Formats → Most Compatible).")
TOO_MANY_PIXELS = _l("The picture is too large to process. Choose a smaller photo.")
PDF_DAMAGED = _l("The PDF file cannot be read: it is damaged or incomplete. Save it again and "
                 "choose it once more.")
PDF_ENCRYPTED = _l("The PDF file is protected with a password. Save it without a password and "
                   "try again.")
PDF_ACTIVE = _l("The PDF file contains scripts or actions, which are not accepted. Save it again "
                "as a plain PDF (for example with “Print to PDF”).")
INFECTED = _l("The file contains a virus or other harmful code and was not accepted. Check your "
              "device with an antivirus program and choose a clean copy of the document.")
SCAN_UNAVAILABLE = _l("Files cannot be checked for viruses at the moment, so this file was not "
                      "accepted. Please try again later.")
PDF_TOO_LONG = _l("The PDF file has more than %(pages)d pages. Split it into smaller files.",
                  pages=MAX_PDF_PAGES)


def too_large(limit: int) -> Any:
    return _l("The file is larger than %(mb)d MB. Choose a smaller file or take the photo again.",
              mb=limit // (1024 * 1024))


def too_many(limit: int) -> Any:
    return _l("You can add up to %(count)d files at a time.", count=limit)


class Refused(ValueError):
    """The file is not accepted; ``reason`` is the translated message to show."""

    def __init__(self, reason: Any) -> None:
        super().__init__(str(reason))
        self.reason = reason


class InfectedFile(Refused):
    def __init__(self, signature: str) -> None:
        super().__init__(INFECTED)
        self.signature = signature


class ScanUnavailable(Refused):
    def __init__(self) -> None:
        super().__init__(SCAN_UNAVAILABLE)


class FilesLocked(RuntimeError):
    """Files of a signed or handed-in application do not change."""


def files_locked(document: Document) -> bool:
    """The one lock: an application's documents change only while it is a draft; the
    attachments of an objection or remarks (R15.3, R15.6) only until the statement is signed and
    recorded (sealed). Whether the window is still open is the statement page's question."""
    if document.statement is not None:
        return document.sealed_at is not None
    return not files_may_change(document.application.status)


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    content_type: str
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None


def check_size(data: bytes, *, max_bytes: int) -> None:
    if not data:
        raise Refused(EMPTY)
    if len(data) > max_bytes:
        raise Refused(too_large(max_bytes))


def scan_file(scan: Scanner, data: bytes, *, required: bool) -> Verdict:
    """The scanner's verdict on a file; :class:`Refused` when it is infected, or when the scanner
    could not answer and ``required`` (production: fail closed). An infected file's signature
    and an outage go to the security log; the file's name never does."""
    verdict = scan.scan(data)
    if isinstance(verdict, Infected):
        security_log.warning("upload refused: infected scanner=%s signature=%s", verdict.scanner,
                             verdict.name)
        raise InfectedFile(verdict.name)
    if isinstance(verdict, Unavailable):
        if required:
            security_log.error("upload refused: scanner unavailable scanner=%s reason=%s",
                               verdict.scanner, verdict.reason)
            raise ScanUnavailable
        security_log.warning("upload kept unscanned: scanner unavailable scanner=%s reason=%s",
                             verdict.scanner, verdict.reason)
    return verdict


def check_file(data: bytes, *, max_bytes: int) -> CheckedFile:
    """What we will keep of an uploaded file, or :class:`Refused` with the reason."""
    check_size(data, max_bytes=max_bytes)
    kind = sniff(data[:32])
    if kind is None:
        raise Refused(NOT_ALLOWED)
    if kind is Sniffed.PDF:
        _check_pdf(data)
        return CheckedFile(data, Sniffed.PDF.value)
    return _reencode(data, kind)


_PIL_FORMATS: Final = {Sniffed.JPEG: "JPEG", Sniffed.PNG: "PNG", Sniffed.WEBP: "WEBP",
                       Sniffed.HEIF: "HEIF"}


def _reencode(data: bytes, kind: Sniffed) -> CheckedFile:
    Image.init()
    decoder = _PIL_FORMATS[kind]
    if decoder not in Image.OPEN:  # HEIC needs a plugin this installation may not have
        raise Refused(HEIF_UNREADABLE)
    with warnings.catch_warnings():
        # Pillow warns about a decompression bomb below the limit where it refuses; both refuse.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[decoder]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise Refused(TOO_MANY_PIXELS)
                image.load()  # a truncated file fails here
                upright = ImageOps.exif_transpose(image)
                photo = _flatten(upright)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused(TOO_MANY_PIXELS) from None
        except UnidentifiedImageError:
            raise Refused(HEIF_UNREADABLE if kind is Sniffed.HEIF else DAMAGED_IMAGE) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise Refused(DAMAGED_IMAGE) from None
    # Pillow writes a JPEG comment (and more) from .info: pixels only, nothing carried over.
    photo.info.clear()
    photo.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif=, icc_profile= or comment: the new file carries pixels only.
    photo.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    thumb = photo.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    small = io.BytesIO()
    thumb.save(small, "JPEG", quality=70)
    return CheckedFile(out.getvalue(), "image/jpeg", photo.width, photo.height, small.getvalue())


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: transparency (a PNG screenshot) would turn black in a JPEG."""
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, "white")
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


# Names whose presence anywhere in a PDF's object graph means it can run something.
_ACTIVE_KEYS: Final = frozenset({"/JS", "/JavaScript", "/Launch", "/EmbeddedFile",
                                 "/EmbeddedFiles", "/RichMedia", "/XFA"})
_ACTIVE_ACTIONS: Final = frozenset({"/JavaScript", "/Launch", "/ImportData", "/SubmitForm",
                                    "/RichMediaExecute", "/GoToE"})


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pypdf warns about every oddity of a broken file
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise Refused(PDF_ENCRYPTED)
            pages = len(reader.pages)
            if pages == 0:
                raise Refused(PDF_DAMAGED)
            if pages > MAX_PDF_PAGES:
                raise Refused(PDF_TOO_LONG)
            seen: set[tuple[int, int]] = set()
            stack: list[Any] = [reader.trailer]
            walked = 0
            while stack:
                item = stack.pop()
                if isinstance(item, IndirectObject):
                    ref = (item.idnum, item.generation)
                    if ref in seen:
                        continue
                    seen.add(ref)
                    item = item.get_object()
                walked += 1
                if walked > MAX_PDF_OBJECTS:
                    raise Refused(PDF_DAMAGED)
                if isinstance(item, DictionaryObject):
                    if _ACTIVE_KEYS.intersection(item.keys()) or item.get("/S") in _ACTIVE_ACTIONS:
                        raise Refused(PDF_ACTIVE)
                    stack.extend(v for k, v in item.items() if k != "/Parent")
                elif isinstance(item, ArrayObject):
                    stack.extend(item)
        except Refused:
            raise
        except Exception:  # pypdf raises many kinds on a broken file; all mean "cannot read"
            raise Refused(PDF_DAMAGED) from None


def _read(upload: FileStorage, max_bytes: int) -> bytes:
    """At most one byte past the limit: enough to say "too large" without reading it all."""
    return upload.stream.read(max_bytes + 1)


def attach_files(
    session: Session,
    document: Document,
    files: Iterable[FileStorage],
    *,
    actor: events.Actor,
    store: Storage | None = None,
    scan: Scanner | None = None,
    max_bytes: int | None = None,
    max_files: int | None = None,
) -> tuple[list[DocumentFile], list[tuple[str, str]]]:
    """Scan and check each file, keep those that pass, and commit once (one event for the
    batch, which also counts the files refused as infected and those the scanner could not
    answer for).

    Returns the new rows and, for each refused file, its cleaned name and the reason to show.
    The caller has checked that ``actor`` may change this document (its owner or the district's
    staff); :class:`FilesLocked` when the application no longer takes files.
    """
    if files_locked(document):
        raise FilesLocked(document.application.number)
    store = store or storage()
    scan = scan or scanner()
    config = current_app.config if has_app_context() else {}
    required = bool(config.get("UPLOAD_SCAN_REQUIRED", True))
    max_bytes = max_bytes or int(config.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
    max_files = max_files or int(config.get("UPLOAD_MAX_FILES", 5))
    uploads = [f for f in files if f and f.filename]
    added: list[DocumentFile] = []
    refused: list[tuple[str, str]] = []
    written: list[str] = []
    infected: list[dict[str, str]] = []
    unscanned = 0
    try:
        for number, upload in enumerate(uploads):
            name = clean_name(upload.filename)
            if number >= max_files:
                refused.append((name, str(too_many(max_files))))
                continue
            data = _read(upload, max_bytes)
            try:
                check_size(data, max_bytes=max_bytes)  # nothing too big goes to the scanner
                verdict = scan_file(scan, data, required=required)
                if isinstance(verdict, Unavailable):
                    unscanned += 1
                checked = check_file(data, max_bytes=max_bytes)  # parsers see scanned bytes only
            except Refused as refusal:
                refused.append((name, str(refusal.reason)))
                if isinstance(refusal, InfectedFile):
                    infected.append({"sha256": hashlib.sha256(data).hexdigest(),
                                     "signature": refusal.signature})
                elif isinstance(refusal, ScanUnavailable):
                    unscanned += 1
                continue
            key = store.put(checked.data, checked.content_type)
            written.append(key)
            thumb_key = None
            if checked.thumbnail is not None:
                thumb_key = store.put(checked.thumbnail, "image/jpeg", key=f"{key}-thumb")
                written.append(thumb_key)
            row = DocumentFile(
                storage_key=key, thumbnail_key=thumb_key, content_type=checked.content_type,
                size_bytes=len(checked.data), sha256=hashlib.sha256(checked.data).hexdigest(),
                width=checked.width, height=checked.height, original_name=name,
                scanner=verdict.scanner if isinstance(verdict, Clean) else None,
                scanned_at=utcnow() if isinstance(verdict, Clean) else None,
            )
            document.files.append(row)
            added.append(row)
        if uploads:
            session.flush()
            events.record(session, actor, "document_files_added",
                          application_id=_case_of(document),
                          data={**_draft_number(document), "document_id": document.id,
                                "files": [{"id": f.id, "sha256": f.sha256, "bytes": f.size_bytes,
                                           "type": f.content_type} for f in added],
                                "refused": len(refused),
                                # what the antivirus refused, and files refused (production) or
                                # kept unscanned (development) while it could not answer
                                **({"infected": infected} if infected else {}),
                                **({"scan_unavailable": unscanned} if unscanned else {})})
        session.commit()
    except BaseException:
        session.rollback()
        for key in written:  # nothing in the database points at them
            store.delete(key)
        raise
    return added, refused


def _is_draft(document: Document) -> bool:
    application = document.application
    return application is not None and application.status is Status.DRAFT


def _case_of(document: Document) -> int | None:
    """The event's case: none while the application is a draft — a draft may be deleted, and the
    audit log's events outlive it (draft events name the number instead, as drafts.py does)."""
    return None if _is_draft(document) else document.application_id


def _draft_number(document: Document) -> dict[str, str]:
    return {"number": document.application.number} if _is_draft(document) else {}


def remove_file(session: Session, file: DocumentFile, *, actor: events.Actor) -> None:
    """Remove one file; its stored objects go once the removal has committed."""
    document = file.document
    if files_locked(document):
        raise FilesLocked(document.application.number)
    events.record(session, actor, "document_file_removed", application_id=_case_of(document),
                  data={**_draft_number(document), "document_id": document.id,
                        "file_id": file.id, "sha256": file.sha256})
    document.files.remove(file)  # delete-orphan deletes the row
    session.commit()


@orm_event.listens_for(DocumentFile, "after_delete")
def _delete_stored_after_commit(_mapper: Any, _connection: Any, target: DocumentFile) -> None:
    """However the row goes (removed, its document or application deleted), its bytes follow
    once the transaction commits, and stay when it rolls back."""
    session = object_session(target)
    if session is None or not has_app_context():
        log.warning("document file %s deleted outside the app: its object stays", target.id)
        return
    store = storage()
    keys = [k for k in (target.storage_key, target.thumbnail_key) if k]

    def delete() -> None:
        for key in keys:
            store.delete(key)

    db.after_commit(session, delete)
