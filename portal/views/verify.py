"""Verification for anyone (#12): `/verify/<code>` from the QR code of a signed document, and a
form at `/verify` and on that page to check a downloaded PDF or a signature file.

Public, rate-limited per address (one shared budget for the three routes). An unknown code and a
code that cannot exist get the same page, the same status and the same single query. The page
shows only what the document's own header shows: form, number, date, the signer as the
certificate names them (IIN masked), the certificate, each check and the digest.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, request
from flask_babel import lazy_gettext as _l
from flask_limiter import RequestLimit
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.documents.labels import FORM_TITLES as DOCUMENT_TITLES
from portal.domain import verification as codes
from portal.extensions import limiter
from portal.forms.verify import VerifyForm, VerifyUploadForm
from portal.services import verification
from portal.web import ratelimits
from portal.web.access import ANYONE, allow
from portal.web.htmx import no_store, render

bp = Blueprint("verify", __name__)

# What each check asks, in words; and why it failed, by the check (the codes are signing's).
CHECK_NAMES = {
    "signature": _l("Signature"),
    "chain": _l("Certificate chain"),
    "validity": _l("Validity at the time of signing"),
    "revocation": _l("Revocation"),
    "key_usage": _l("Key usage"),
    "policy": _l("Certificate policy"),
    "iin": _l("Signer's IIN"),
    "digest": _l("Content digest"),
    "file": _l("The file"),
}
CHECK_PASSED = {
    "signature": _l("The signature is mathematically correct for the signed content."),
    "chain": _l("The certificate was issued by a certification authority the portal trusts."),
    "validity": _l("The certificate was valid when the document was signed."),
    "revocation": _l("The certificate has not been revoked."),
    "key_usage": _l("The key is meant for signing documents."),
    "policy": _l("The certificate is of the kind this document needs."),
    "iin": _l("The certificate belongs to the person who had to sign."),
    "digest": _l("The signed content is the one the portal holds, unchanged."),
    "file": _l("The file is exactly the one the portal issued."),
}
CHECK_FAILED = {
    "signature": _l("The signature does not match the signed content: it was changed or damaged."),
    "chain": _l("The certificate was not issued by a certification authority the portal trusts."),
    "validity": _l("The certificate was not valid at the time of signing."),
    "revocation": _l("The certificate has been revoked, or its status cannot be confirmed."),
    "key_usage": _l("The certificate is not meant for signing."),
    "policy": _l("This kind of certificate cannot sign this document."),
    "iin": _l("The certificate belongs to another person, not to the one who had to sign."),
    "digest": _l("The content is not the one that was signed: it has been changed."),
    "file": _l("The file differs from every copy of this document the portal issued: it has "
               "been changed."),
    "envelope.malformed": _l("The signature is damaged and cannot be read."),
}
FORM_TITLES = {
    "F1-1": _l("Application for social assistance (form F1-1)"),
    # the documents' own titles, as their lists of links name them
    "F5": DOCUMENT_TITLES["f5"],
    "F6": DOCUMENT_TITLES["f6"],
    "F7": DOCUMENT_TITLES["f7"],
    "sign_in": _l("Sign-in to the social assistance portal"),
    "staff_sign_in": _l("Staff sign-in to the social assistance portal"),
    "L10.2": _l("Decisions on assistance for a holiday or memorable date (L10.2)"),
}
SIGNER_KINDS = {
    "individual": _l("Individual (signing for themselves)"),
    "employee": _l("Official"),
    "sms": _l("Confirmed with a one-time SMS code"),
    "unknown": _l("Not stated in the certificate"),
}


def failure_text(line: verification.CheckLine) -> str:
    if line.reason == "envelope.malformed":
        return str(CHECK_FAILED["envelope.malformed"])
    return str(CHECK_FAILED.get(line.check, CHECK_FAILED["signature"]))


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"check_names": CHECK_NAMES, "check_passed": CHECK_PASSED, "failure_text": failure_text,
            "form_titles": FORM_TITLES, "signer_kinds": SIGNER_KINDS,
            "display_code": codes.display}

# Per address, shared by /verify, /verify/<code> and the uploads: a person checks a handful of
# documents; a script guessing codes (60 random bits each) gets nowhere at this pace.
VERIFY_LIMIT = "20 per minute;200 per hour"


def _limited(breach: RequestLimit) -> Response:
    ratelimits.on_breach(breach)
    retry_at = dt.datetime.fromtimestamp(breach.reset_at, dt.UTC)
    response = no_store(render("verify/start.html", form=VerifyForm(formdata=None), status=429,
                               retry_at=retry_at))
    response.headers["Retry-After"] = str(max(1, int(breach.reset_at - utcnow().timestamp())))
    return response


_limit = limiter.shared_limit(VERIFY_LIMIT, scope="verify", on_breach=_limited)


def _read(form: VerifyUploadForm) -> bytes | None:
    """The uploaded bytes, at most MAX_UPLOAD; ``None`` (with a message on the form) if larger."""
    upload = form.upload()
    if upload is None:
        return None
    limit = min(verification.MAX_UPLOAD, int(current_app.config.get("UPLOAD_MAX_BYTES",
                                                                    verification.MAX_UPLOAD)))
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        form.file.errors = [*form.file.errors, _too_large()]
        return None
    return data


def _too_large() -> str:
    from flask_babel import gettext

    return str(gettext("The file is larger than 10 MB: it is not a document of this portal."))


def _page(code: str | None, form: VerifyUploadForm, *, status: int | None = None,
          answer: verification.UploadAnswer | None = None) -> Response:
    # ?form=F6: the QR code of a notification, sealed with its decision's signature.
    report = verification.check_code(db.session(), code, request.args.get("form"))
    if report is None:
        return no_store(render("verify/start.html", form=VerifyForm(formdata=None), failed=True,
                               status=404))
    return no_store(render("verify/page.html", report=report, form=form, answer=answer,
                           status=status or (422 if form.errors else 200)))


@bp.get("/<code>")
@_limit
@allow(ANYONE)
def page(code: str) -> Response:
    """The report of the document with this code: every check of its signature run again now."""
    return _page(code, VerifyUploadForm(formdata=None))


@bp.post("/<code>")
@_limit
@allow(ANYONE)
def upload(code: str) -> Response:
    """A file checked on a document's page; a file naming no document is compared with this one."""
    form = VerifyUploadForm()
    answer = None
    if form.validate_on_submit():
        data = _read(form)
        if data is not None:
            answer = verification.check_upload(db.session(), data, hint=code)
    return _page(code, form, answer=answer)


@bp.route("", methods=["GET", "POST"])
@_limit
@allow(ANYONE)
def start() -> BaseResponse:
    """The code as printed under the QR code (shown in place: a POST, so nothing mistyped goes
    into a URL), or a file, or both."""
    form = VerifyForm()
    if request.method == "GET" or not form.validate_on_submit():
        return no_store(render("verify/start.html", form=form,
                               status=422 if form.errors else 200))
    data = _read(form)
    if form.errors:
        return no_store(render("verify/start.html", form=form, status=422))
    if data is not None:
        answer = verification.check_upload(db.session(), data, hint=form.code.data or None)
        return no_store(render("verify/start.html", form=VerifyForm(formdata=None),
                               answer=answer))
    return _page(form.code.data, VerifyUploadForm(formdata=None))
