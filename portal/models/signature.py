"""Stored EDS signatures (envelope plus the exact bytes signed) and the signer's blob storage."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow
from portal.domain.verification import new_code


class Signature(Base):
    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    document_kind: Mapped[str] = mapped_column(String(30))  # application | decision | F6 | F7
    signer_iin: Mapped[str] = mapped_column(String(12))
    signer_role: Mapped[str] = mapped_column(String(20))
    certificate_serial: Mapped[str] = mapped_column(String(64), index=True)
    document: Mapped[bytes] = mapped_column(LargeBinary)  # the canonical bytes that were signed
    document_digest: Mapped[str] = mapped_column(String(128), index=True)
    envelope: Mapped[str] = mapped_column(Text)  # JWS compact serialisation
    signed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # as the signer claims
    # The server's own clock around the exchange; the claimed time must lie within (item 11).
    exchange_started_at: Mapped[dt.datetime | None]
    exchange_completed_at: Mapped[dt.datetime | None]
    # The certificate policy this signature needed (individual or employee), by dotted OID.
    policy: Mapped[str | None] = mapped_column(String(64))
    # Public verification code printed as a QR on the document; no personal data.
    verification_code: Mapped[str] = mapped_column(String(40), unique=True)
    # The signing exchange it came from: one exchange stores at most one signature.
    challenge_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The short public code printed under the QR and typed at /verify (domain/verification.py):
    # 12 characters of a look-alike-free alphabet, random (secrets), unique.
    short_code: Mapped[str] = mapped_column(String(12), unique=True, default=new_code)


class SigningBlob(Base):
    """Key-value storage for the TEST CA, encrypted key stores and single-use signing tokens."""

    __tablename__ = "signing_blobs"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class IssuedPdf(Base):
    """A PDF of a signed document as the portal handed it out, known by its SHA-256: an uploaded
    file with the same digest is one the portal issued, unchanged (#12)."""

    __tablename__ = "issued_pdfs"
    __table_args__ = (UniqueConstraint("signature_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signature_id: Mapped[int] = mapped_column(ForeignKey("signatures.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
