"""Uploading documents (R3.4, L8): checked by content, photos re-encoded, bytes in the storage."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from portal.domain.workflow import Status
from portal.models import Document, DocumentFile, Event
from portal.services import events
from portal.services.uploads import FilesLocked, attach_files, check_file, remove_file
from portal.storage import storage
from tests import samples
from tests.factories import create_application, create_document

ACTOR = events.Actor("citizen", 1, "citizen")


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def in_english(db_app: Flask) -> Iterator[None]:
    """Reasons are translated for the person's request; these tests read them in English."""
    with db_app.test_request_context(headers={"Cookie": "lang=en"}):
        yield


@pytest.fixture
def document(session: Session) -> Document:
    application = create_application(session, status=Status.DRAFT)
    return create_document(session, application)


def test_r3_4_a_photo_with_gps_is_stored_without_any_exif(session: Session, document: Document
                                                           ) -> None:
    added, refused = attach_files(session, document, [upload(samples.jpeg(gps=True), "IMG_1.jpg")],
                                  actor=ACTOR)
    assert refused == []
    [row] = added
    stored = storage().get(row.storage_key)
    assert b"PhoneMaker" not in stored and b"secret comment" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert image.size == (1200, 800)
    assert (row.content_type, row.width, row.height, row.original_name) == (
        "image/jpeg", 1200, 800, "IMG_1.jpg")
    assert row.size_bytes == len(stored)
    assert row.thumbnail_key and storage().exists(row.thumbnail_key)


def test_r3_4_a_photo_is_turned_upright_and_its_long_side_capped(session: Session,
                                                                  document: Document) -> None:
    # Orientation 6: the camera was held on its side; the picture must be turned.
    [row], _ = attach_files(session, document,
                            [upload(samples.jpeg(4000, 3000, orientation=6), "a.jpg")], actor=ACTOR)
    assert (row.width, row.height) == (1500, 2000)


def test_r3_4_a_png_with_transparency_becomes_a_jpeg(session: Session, document: Document
                                                      ) -> None:
    [row], refused = attach_files(session, document, [upload(samples.png(), "скрин.png")],
                                  actor=ACTOR)
    assert refused == [] and row.content_type == "image/jpeg"
    assert row.original_name == "скрин.png"
    [row2], _ = attach_files(session, document, [upload(samples.webp(), "w.webp")], actor=ACTOR)
    assert row2.content_type == "image/jpeg"


def test_r3_4_a_pdf_is_kept_as_sent(session: Session, document: Document) -> None:
    data = samples.pdf(pages=2)
    [row], refused = attach_files(session, document, [upload(data, "справка.pdf")], actor=ACTOR)
    assert refused == []
    assert row.content_type == "application/pdf" and row.thumbnail_key is None
    assert storage().get(row.storage_key) == data


@pytest.mark.parametrize(("data", "name", "reason"), [
    (samples.HTML, "photo.png", "not a photo or a PDF"),
    (samples.EXE, "passport.jpg", "not a photo or a PDF"),
    (samples.jpeg()[:3000], "cut.jpg", "damaged or incomplete"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "fake.png", "damaged or incomplete"),
    (samples.pdf(javascript=True), "script.pdf", "scripts or actions"),
    (samples.pdf(password="x"), "locked.pdf", "password"),
    (b"%PDF-1.7\n garbage", "broken.pdf", "PDF file cannot be read"),
    (b"", "empty.jpg", "empty"),
])
def test_r3_4_a_disguised_or_broken_file_is_refused_with_the_reason(
        session: Session, document: Document, data: bytes, name: str, reason: str) -> None:
    added, refused = attach_files(session, document, [upload(data, name)], actor=ACTOR)
    assert added == []
    [(refused_name, message)] = refused
    assert refused_name == name and reason in message
    assert session.scalars(select(DocumentFile)).all() == []


def test_r3_4_a_file_over_the_limit_is_refused(db_app: Flask, session: Session,
                                               document: Document) -> None:
    db_app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    big = samples.jpeg() + b"\x00" * (1024 * 1024)
    added, [(_, message)] = attach_files(session, document, [upload(big, "big.jpg")], actor=ACTOR)
    assert added == [] and "larger than 1 MB" in message


def test_r3_4_the_good_files_of_a_batch_are_kept_and_one_event_records_it(
        session: Session, document: Document) -> None:
    added, refused = attach_files(session, document, [
        upload(samples.jpeg(), "1.jpg"), upload(samples.HTML, "2.jpg"), upload(samples.pdf(), "3.pdf"),
    ], actor=ACTOR)
    assert [f.original_name for f in added] == ["1.jpg", "3.pdf"]
    assert [n for n, _ in refused] == ["2.jpg"]
    session.expire_all()
    assert [f.original_name for f in session.get(Document, document.id).files] == ["1.jpg", "3.pdf"]
    [event] = session.scalars(select(Event).where(Event.action == "document_files_added")).all()
    assert event.data["refused"] == 1 and len(event.data["files"]) == 2
    assert "1.jpg" not in str(event.data)  # names may be personal: not in the audit log


def test_stored_files_have_random_keys_and_are_owner_only(db_app: Flask, session: Session,
                                                          document: Document) -> None:
    [row], _ = attach_files(session, document, [upload(samples.jpeg(), "Қасымов паспорт.jpg")],
                            actor=ACTOR)
    root = storage().root  # type: ignore[attr-defined]
    path = root / row.storage_key[:2] / row.storage_key
    assert "Қасымов" not in str(path) and len(row.storage_key) == 64
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700


def test_removing_a_file_deletes_its_objects_after_commit(session: Session, document: Document
                                                           ) -> None:
    [row], _ = attach_files(session, document, [upload(samples.jpeg(), "a.jpg")], actor=ACTOR)
    keys = [row.storage_key, row.thumbnail_key]
    remove_file(session, row, actor=ACTOR)
    assert not any(storage().exists(k) for k in keys if k)
    assert session.scalars(select(DocumentFile)).all() == []
    assert session.scalars(select(Event).where(Event.action == "document_file_removed")).one()


def test_a_rolled_back_delete_keeps_the_objects(session: Session, document: Document) -> None:
    [row], _ = attach_files(session, document, [upload(samples.jpeg(), "a.jpg")], actor=ACTOR)
    session.delete(row)
    session.flush()
    session.rollback()
    assert storage().exists(row.storage_key)


def test_deleting_the_document_deletes_the_files(session: Session, document: Document) -> None:
    [row], _ = attach_files(session, document, [upload(samples.pdf(), "a.pdf")], actor=ACTOR)
    session.delete(document)
    session.commit()
    assert not storage().exists(row.storage_key)


def test_r6_4_files_of_a_submitted_application_do_not_change(session: Session,
                                                              document: Document) -> None:
    [row], _ = attach_files(session, document, [upload(samples.pdf(), "a.pdf")], actor=ACTOR)
    document.application.status = Status.SUBMITTED
    session.commit()
    with pytest.raises(FilesLocked):
        attach_files(session, document, [upload(samples.pdf(), "b.pdf")], actor=ACTOR)
    with pytest.raises(FilesLocked):
        remove_file(session, row, actor=ACTOR)


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")  # 400 MP, a few kilobytes
    with pytest.raises(Exception, match="too large to process"):
        check_file(out.getvalue(), max_bytes=10 * 1024 * 1024)


def test_a_heic_photo_pillow_cannot_read_asks_for_a_jpeg(db_app: Flask) -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100
    with pytest.raises(Exception, match="JPEG"):
        check_file(heic, max_bytes=1024 * 1024)
