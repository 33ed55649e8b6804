"""Verification for anyone (#12): a signed document by its short code, an uploaded PDF or signature
file — issued by the portal or not, unchanged or not, and which check fails.

Every answer re-runs ``signing.verify`` on the stored envelope and the exact bytes it covers
(``services.signing.verify_stored``: the times and the policy the portal saw at signing), so a
certificate revoked since shows as revoked today. A PDF is known by the SHA-256 of the file as the
portal handed it out (``remember_pdf``, called by every view that serves a signed PDF); an upload
with another digest that names a portal document (its code in the PDF's keywords) is a changed
copy. A signature file (the JSON of ``flask signing export`` or a bare JWS) is matched to the
stored signature by its certificate serial and signing time, or by its digest, and verified itself.

Unknown codes, codes that cannot exist and files the portal never issued all get the same answer
(``None`` / ``Verdict.UNKNOWN``) after the same one query, so the page says nothing about which.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import json
import logging
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.domain import verification as codes
from portal.models import Application, IssuedPdf, Signature
from signing.base import CertificateInfo, Check, MalformedEnvelope, VerificationResult
from signing.jws import parse_envelope
from signing.names import Policy, describe_certificate

log = logging.getLogger(__name__)

# The checks of signing.verify shown to the public, in the order of the law's list (#12).
SHOWN_CHECKS: tuple[Check, ...] = (
    Check.SIGNATURE, Check.CHAIN, Check.VALIDITY, Check.REVOCATION, Check.KEY_USAGE,
    Check.POLICY, Check.IIN, Check.DIGEST,
)
FILE_CHECK = "file"  # an uploaded PDF: is it byte for byte a file the portal issued?
# Forms by the signature's document kind (the portal's own vocabulary; forms add theirs).
FORMS: dict[str, str] = {
    "application": "F1-1", "decision": "F5", "F5": "F5", "F6": "F6", "F7": "F7",
    "notification": "F6", "sign_in": "sign_in", "staff_sign_in": "staff_sign_in",
    "holiday_decision": "L10.2",
}
_NUMBER_KEYS = ("number", "decision_number", "notification_number")
_DATE_KEYS = ("date", "decided_on", "issued_on", "dated")
KEYWORD_PREFIX = "verify:"
_KEYWORD = re.compile(rb"verify:([2-9A-HJ-NP-Z]{12})")
# A notification F6/F7 is sealed with its decision's signature (services.notifications): its QR
# code and PDF keywords name the notice's own form, so /verify names the notice, not the decision.
NOTICE_FORMS = ("F6", "F7")
_FORM_KEYWORD = re.compile(rb"form:(F6|F7)\b")
MAX_UPLOAD = 10 * 1024 * 1024


class Verdict(StrEnum):
    VALID = "valid"  # a portal document, every check passed
    INVALID = "invalid"  # a portal document whose signature fails a check now (e.g. revoked)
    CHANGED = "changed"  # an upload made from a portal document, but not as the portal issued it
    UNKNOWN = "unknown"  # not a document of this portal (or a code that does not exist)


@dataclass(frozen=True)
class CheckLine:
    check: str  # a Check value, or FILE_CHECK
    passed: bool
    reason: str | None = None  # the failure code (e.g. revocation.revoked)


@dataclass(frozen=True)
class Report:
    """What the public page shows about one signed document: nothing beyond its header."""

    code: str
    form: str
    number: str | None
    document_date: dt.date | None
    signed_at: dt.datetime
    signer_name: str | None  # None for an SMS confirmation: no person on that certificate
    signer_position: str | None
    signer_organisation: str | None
    signer_kind: str  # individual | employee | sms | unknown (the certificate's policy)
    masked_iin: str
    certificate: CertificateInfo | None
    checks: tuple[CheckLine, ...]
    digest: str
    # The document looked up is sealed with another document's signature (a notification F6/F7
    # with its decision F5's): that document's form, number and date.
    sealed_by: str | None = None
    sealed_number: str | None = None
    sealed_on: dt.date | None = None

    @property
    def ok(self) -> bool:
        return all(line.passed for line in self.checks)

    @property
    def failed(self) -> tuple[CheckLine, ...]:
        return tuple(line for line in self.checks if not line.passed)


@dataclass(frozen=True)
class UploadAnswer:
    verdict: Verdict
    kind: str  # pdf | signature | other
    file_digest: str  # SHA-256 of the uploaded file
    report: Report | None = None
    checks: tuple[CheckLine, ...] = field(default=())  # the upload's own checks


def masked_iin(iin: str | None) -> str:
    return f"•••••••{iin[-5:]}" if iin and len(iin) >= 5 else "•••"


def find(session: Session, text: str | None) -> Signature | None:
    """The signature with this public code: the short code as typed (any case, dashes, spaces)
    or the long ``verification_code`` of older links. Always exactly one query."""
    short = codes.normalise(text)
    raw = (text or "").strip()[:40]
    # A value that cannot be a code still costs the same query (similar timing).
    return session.scalar(select(Signature).where(or_(
        Signature.short_code == (short or "-"), Signature.verification_code == (raw or "-"))))


def _document(signature: Signature) -> dict[str, Any]:
    try:
        loaded = json.loads(signature.document)
    except (ValueError, UnicodeDecodeError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _date(value: object) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _kind(info: CertificateInfo | None, policy: str | None) -> str:
    if policy == Policy.SMS_CONFIRMATION.value:
        return "sms"
    if policy == Policy.EMPLOYEE.value or (info is not None and info.position):
        return "employee"
    if policy == Policy.INDIVIDUAL.value:
        return "individual"
    return "unknown"


def _certificate(signature: Signature, result: VerificationResult) -> CertificateInfo | None:
    if result.signer is not None:
        return result.signer
    try:
        certificates = parse_envelope(signature.envelope).certificates
    except MalformedEnvelope:
        return None
    return describe_certificate(certificates[0]) if certificates else None


def report_for(session: Session, signature: Signature, result: VerificationResult) -> Report:
    """The public report of a stored signature and the result of checking it again."""
    document = _document(signature)
    number = next((str(document[k]) for k in _NUMBER_KEYS if isinstance(document.get(k), str)),
                  None)
    if number is None and signature.document_kind == "application" and signature.application_id:
        number = session.scalar(select(Application.number)
                                .where(Application.id == signature.application_id))
    on = next((d for d in (_date(document.get(k)) for k in _DATE_KEYS) if d is not None), None)
    info = _certificate(signature, result)
    kind = _kind(info, signature.policy)
    return Report(
        code=signature.short_code,
        form=FORMS.get(signature.document_kind, signature.document_kind),
        number=number,
        document_date=on,
        signed_at=signature.signed_at,
        signer_name=None if kind == "sms" or info is None else info.common_name,
        signer_position=None if info is None else info.position,
        signer_organisation=None if info is None else info.organisation,
        signer_kind=kind,
        masked_iin=masked_iin(signature.signer_iin),
        certificate=info,
        checks=tuple(CheckLine(check.value, result.passed(check), result.failures.get(check))
                     for check in SHOWN_CHECKS),
        digest=signature.document_digest,
    )


def as_notice(session: Session, signature: Signature, report: Report,
              form: str | None) -> Report:
    """The report of a notification F6/F7 (``form``, from its QR code or PDF) sealed with its
    decision's signature: it names the notice and says whose signature seals it. Any other
    ``form`` (or a signature no such notice carries) leaves the report as it is."""
    from portal.domain.calendar import to_local
    from portal.domain.forms import NotificationForm
    from portal.models import Decision, Notification

    if form not in NOTICE_FORMS or report.form != "F5":
        return report
    notice = session.scalar(select(Notification).where(
        Notification.signature_id == signature.id, Notification.form == NotificationForm(form))
        .order_by(Notification.id.desc()).limit(1))
    if notice is None:
        return report
    made = notice.sent_at or notice.created_at
    decision = session.get(Decision, notice.decision_id)
    return replace(report, form=form, document_date=to_local(made).date(), sealed_by=report.form,
                   sealed_number=decision.number if decision else report.number,
                   sealed_on=decision.decided_on if decision else report.document_date)


def check_code(session: Session, text: str | None, form: str | None = None) -> Report | None:
    """``/verify/<code>``: the report, every check re-run now; ``None`` for any code that is not
    one of ours (unknown and malformed alike). ``form`` is the document the code was printed on,
    where the QR code says (a notification carries its decision's code)."""
    from portal.services import signing as signing_service

    signature = find(session, text)
    if signature is None:
        return None
    checked = signing_service.verify_stored(session, signature.verification_code)
    assert checked is not None
    return as_notice(session, signature, report_for(session, signature, checked[1]), form)


def _notice_form(form: str | None) -> str | None:
    return form if form in NOTICE_FORMS else None


def verify_url(signature: Signature, form: str | None = None) -> str:
    """The public address a QR code on the document opens (PUBLIC_BASE_URL + /verify/<code>);
    a notification's adds its form (``?form=F6``), as its code is its decision's."""
    from flask import current_app, has_request_context, url_for

    base = str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    values: dict[str, Any] = {"code": signature.short_code, "form": _notice_form(form)}
    if has_request_context():
        return base + url_for("verify.page", **values)
    # A job (PDFs made ahead, portal/documents/cache.py) has no request: the path from the
    # URL map itself, under the application's root.
    adapter = current_app.url_map.bind("", script_name=current_app.config["APPLICATION_ROOT"])
    return base + adapter.build("verify.page", {k: v for k, v in values.items() if v is not None})


def pdf_keywords(signature: Signature, form: str | None = None) -> str:
    """What a PDF of a signed document carries in its keywords, so an upload names its document
    (and, for a notification sealed with its decision's signature, its own form)."""
    words = f"{KEYWORD_PREFIX}{signature.short_code} sha256:{signature.document_digest}"
    notice = _notice_form(form)
    return f"{words} form:{notice}" if notice else words


def remember_pdf(session: Session, signature: Signature, pdf: bytes) -> bytes:
    """Record the digest of a PDF the portal hands out for ``signature`` (idempotent; commits).
    Returns the bytes, so a view can wrap its PDF: ``remember_pdf(session, sig, make_pdf(...))``."""
    sha = hashlib.sha256(pdf).hexdigest()
    known = session.scalar(select(IssuedPdf.id).where(IssuedPdf.signature_id == signature.id,
                                                      IssuedPdf.sha256 == sha))
    if known is None:
        session.add(IssuedPdf(signature_id=signature.id, sha256=sha))
        try:
            session.commit()
        except IntegrityError:  # the same PDF recorded by a parallel request
            session.rollback()
    return pdf


def _in_pdf(data: bytes, pattern: re.Pattern[bytes]) -> str | None:
    """What a PDF names in its keywords (its short code, a notice's form): the portal's PDFs keep
    their document information uncompressed, so the raw bytes answer first; pypdf reads a
    re-saved file."""
    found = pattern.search(data)
    if found:
        return found.group(1).decode()
    try:
        from pypdf import PdfReader

        meta: Any = PdfReader(io.BytesIO(data)).metadata
        keywords = str((meta.get("/Keywords") if meta is not None else None) or "")
    except Exception:  # a damaged or hostile PDF names no document
        return None
    found = pattern.search(keywords.encode())
    return found.group(1).decode() if found else None


def _code_in_pdf(data: bytes) -> str | None:
    return _in_pdf(data, _KEYWORD)


def check_upload(session: Session, data: bytes, *, hint: str | None = None) -> UploadAnswer:
    """An uploaded PDF or signature file: one the portal issued, changed, or not ours.
    ``hint`` is the code of the page the file was uploaded on (used when the file names none)."""
    file_digest = hashlib.sha256(data).hexdigest()
    if data.lstrip()[:5] == b"%PDF-":
        return _check_pdf(session, data, file_digest, hint)
    envelope, document = _signature_file(data)
    if envelope is None:
        # Same query as any lookup, so the answer takes as long as for a real file.
        find(session, hint)
        return UploadAnswer(Verdict.UNKNOWN, "other", file_digest)
    return _check_signature_file(session, envelope, document, file_digest)


def _check_pdf(session: Session, data: bytes, file_digest: str, hint: str | None) -> UploadAnswer:
    from portal.services import signing as signing_service

    issued = session.scalar(select(Signature).join(IssuedPdf, IssuedPdf.signature_id == Signature.id)
                            .where(IssuedPdf.sha256 == file_digest).limit(1))
    signature = issued or find(session, _code_in_pdf(data) or hint)
    if signature is None:
        return UploadAnswer(Verdict.UNKNOWN, "pdf", file_digest)
    checked = signing_service.verify_stored(session, signature.verification_code)
    assert checked is not None
    report = as_notice(session, signature, report_for(session, signature, checked[1]),
                       _in_pdf(data, _FORM_KEYWORD))
    file_line = CheckLine(FILE_CHECK, issued is not None,
                          None if issued is not None else "file.changed")
    verdict = Verdict.CHANGED if issued is None else Verdict.VALID if report.ok else Verdict.INVALID
    return UploadAnswer(verdict, "pdf", file_digest, report, (file_line,))


def _signature_file(data: bytes) -> tuple[str | None, bytes | None]:
    """(envelope, document bytes or None) from the JSON of ``flask signing export`` or a bare JWS."""
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None, None
    if text.startswith("{"):
        try:
            bundle = json.loads(text)
            envelope = str(bundle["envelope"]).strip()
            raw = bundle.get("document")
            document = None if raw is None else base64.b64decode(str(raw), validate=True)
        except (ValueError, KeyError, TypeError, binascii.Error):
            return None, None
        return envelope, document
    return (text, None) if text.count(".") == 2 and len(text) < 200_000 else (None, None)


def _check_signature_file(session: Session, envelope: str, document: bytes | None,
                          file_digest: str) -> UploadAnswer:
    from portal.services import signing as signing_service

    signature = _stored_match(session, envelope)
    if signature is None:
        return UploadAnswer(Verdict.UNKNOWN, "signature", file_digest)
    # The uploaded envelope over the uploaded bytes (or the stored ones, for a bare JWS), checked
    # as the portal checked the stored one: the same signer, window and policy.
    window = None
    if signature.exchange_completed_at is not None:
        window = (signature.exchange_started_at, signature.exchange_completed_at)
    policy = None if signature.policy is None else Policy(signature.policy)
    result = signing_service.context().verify(
        envelope, signature.document if document is None else document, signature.signer_iin,
        policy=policy, signed_between=window)
    report = report_for(session, signature, result)
    unchanged = envelope == signature.envelope and document in (None, signature.document)
    verdict = Verdict.CHANGED if not unchanged else Verdict.VALID if report.ok else Verdict.INVALID
    if not unchanged and report.ok:
        # Re-encoded but equivalent (still verifies): not byte for byte what the portal holds.
        return UploadAnswer(verdict, "signature", file_digest, report,
                            (CheckLine(FILE_CHECK, False, "file.changed"),))
    return UploadAnswer(verdict, "signature", file_digest, report)


def _stored_match(session: Session, envelope: str) -> Signature | None:
    """The stored signature an uploaded envelope claims to be: by the document digest of its
    payload (the one with this very envelope first), else by the certificate serial and signing
    time of its header (a payload changed beyond reading)."""
    try:
        parsed = parse_envelope(envelope)
    except MalformedEnvelope:
        return None
    serial = format(parsed.certificates[0].serial_number, "x") if parsed.certificates else None
    moment = None if parsed.signing_time is None else parsed.signing_time.astimezone(dt.UTC)
    claimed = (parsed.claims or {}).get("digest")
    if claimed:
        candidates = session.scalars(select(Signature).where(Signature.document_digest == claimed)
                                     .order_by(Signature.id).limit(50)).all()
        for candidate in candidates:
            if candidate.envelope == envelope:
                return candidate
        for candidate in candidates:
            if (candidate.certificate_serial, candidate.signed_at) == (serial, moment):
                return candidate
        if candidates:
            return candidates[0]
    if serial is not None and moment is not None:
        return session.scalar(select(Signature).where(
            Signature.certificate_serial == serial, Signature.signed_at == moment).limit(1))
    return None
