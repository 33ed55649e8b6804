"""A preliminary refusal in the cabinet (R15.1–R15.6): read the notice, object while the window
is open, read the hearing protocol, leave remarks on it.

An objection (R15.3) and remarks (R15.6) are written on a page of their own: the text, photos or
PDF files (the application's upload rules, services/uploads.py), then signed through the signer
the way the application is (signing_flow.py), and only then recorded. The law's window is asked
before any file is taken, before the signing starts and again before recording: a step the law
no longer allows is refused with the reason and the date, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.domain.workflow import Action, Actor, IllegalTransition, Role
from portal.extensions import limiter
from portal.forms.apply import ConfirmForm, StatementForm
from portal.models import Application, Document, DocumentFile, Statement
from portal.services import cases, drafts, statements
from portal.services import signing as signing_service
from portal.services.uploads import FilesLocked, attach_files, remove_file
from portal.services.workdays import calendar
from portal.views.citizen import bp
from portal.views.citizen.apply import _citizen
from portal.views.citizen.apply_sign import SIGNING_LIMIT
from portal.views.citizen.signing_flow import SigningFlow, signers
from portal.views.sign import remember_challenge
from portal.web.access import CITIZEN, allow
from portal.web.htmx import no_store, redirect_after_post, render
from portal.web.i18n import local_date
from portal.web.signing_messages import describe
from signing import Action as SignerAction
from signing import Challenge, SigningError
from signing.base import SigningPending

REFUSED = {
    "objection_window_closed": _l("The 2 working days to object ended on %(day)s, so the "
                                  "objection was not saved. You can still state your position "
                                  "at the hearing: it goes into the hearing protocol."),
    "protocol_not_read": _l("Read the hearing protocol first: the 3 working days for remarks "
                            "start on the day you read it."),
    "protocol_already_read": _l("You have already read the protocol."),
    "remarks_window_closed": _l("The 3 working days for remarks ended on %(day)s, so the "
                                "remarks were not saved."),
}
# Any other refusal of the guard (the case was decided meanwhile, …), in words.
NOT_NOW = _l("This step is no longer open for this application, so nothing was saved.")


@dataclass(frozen=True)
class Kind:
    """What differs between an objection and remarks; the pages and the steps are one."""

    statement: Statement
    action: Action
    flow: SigningFlow
    anchor: str  # where on the application page it belongs
    heading: Any
    label: Any
    hint: Any
    sign_heading: Any
    empty: Any
    sent: Any
    record: Callable[..., Any]

    @property
    def slug(self) -> str:
        return self.statement.value


KINDS = {
    Statement.OBJECTION: Kind(
        Statement.OBJECTION, Action.SUBMIT_OBJECTION,
        SigningFlow(key="objection_signing", purpose="application.objection",
                    document_kind="objection", record="portal-objection/{}"),
        "#refusal", _l("Object to the preliminary decision"), _l("Your objection"),
        _l("Say why the reason to refuse does not hold. The department must consider it "
           "before deciding."), _l("Sign the objection"), _l("Write your objection."),
        _l("Your objection was signed and sent to the department."),
        lambda *args, **kw: cases.submit_objection(*args, oral=False, **kw)),
    Statement.REMARKS: Kind(
        Statement.REMARKS, Action.SUBMIT_REMARKS,
        SigningFlow(key="remarks_signing", purpose="application.remarks",
                    document_kind="remarks", record="portal-remarks/{}"),
        "#protocol", _l("Remarks on the hearing protocol"), _l("Your remarks on the protocol"),
        _l("Say what the protocol leaves out or records wrongly."), _l("Sign the remarks"),
        _l("Write your remarks."), _l("Your remarks were signed and sent to the department."),
        cases.submit_remarks),
}


def _own(number: str) -> Application:
    found = drafts.own_application(db.session(), _citizen(), number)
    if found is None:
        abort(404)
    return found


def _reason(error: IllegalTransition) -> str:
    day = error.closed_on or error.possible_from
    text = REFUSED.get(error.reason or "")
    if text is not None and day:
        return str(text) % {"day": local_date(day)}
    return str(text) if text is not None else str(NOT_NOW)


def _refused(application: Application, error: IllegalTransition,
             anchor: str = "#refusal") -> BaseResponse:
    db.session().rollback()
    flash(_reason(error), "error")
    return redirect_after_post(url_for("citizen.application", number=application.number)
                               + anchor)


def _who() -> tuple[Actor, Any]:
    return Actor(Role.CITIZEN), drafts.citizen_actor(_citizen())


def _closed(application: Application, kind: Kind) -> IllegalTransition | None:
    """Why the law does not take this statement today, or None while its window is open."""
    try:
        cases.check_allowed(application, kind.action, Actor(Role.CITIZEN), now=utcnow(),
                            cal=calendar())
    except IllegalTransition as error:
        return error
    return None


def _kind(name: str, application: Application) -> Kind:
    """The statement's kind; 404 where the case has nothing to object to or remark on."""
    try:
        kind = KINDS[Statement(name)]
    except ValueError:
        abort(404)
    exists = (application.preliminary_decision if kind.statement is Statement.OBJECTION
              else application.hearing_protocol)
    if exists is None:
        abort(404)
    return kind


def _page(application: Application, kind: Kind, *, text: str = "", errors: list[str] | None = None,
          refused: list[tuple[str, str]] | None = None, status: int = 200,
          closed: IllegalTransition | None = None) -> BaseResponse:
    attachments = statements.pending_document(db.session(), application, kind.statement)
    return no_store(render(
        "citizen/refusal/statement.html", status=status, application=application, kind=kind,
        text=text, errors=errors or [], refused=refused or [], attachments=attachments,
        signers=signers(), closed=_reason(closed) if closed else None, form=ConfirmForm()))


# -- the statement page: text, files, sign ---------------------------------------------------------

@allow(CITIZEN)
def statement(number: str, name: str) -> BaseResponse:
    application = _own(number)
    kind = _kind(name, application)
    return _page(application, kind, closed=_closed(application, kind))


def _uploads() -> list[FileStorage]:
    chosen = request.files.getlist("camera") + request.files.getlist("files")
    return [f for f in chosen if isinstance(f, FileStorage) and f.filename]


@limiter.limit(SIGNING_LIMIT, methods=["POST"])
@allow(CITIZEN)
def submit_statement(number: str, name: str) -> BaseResponse:
    """Add or remove files (the page again, the text kept), or start signing."""
    application = _own(number)
    kind = _kind(name, application)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    closed = _closed(application, kind)
    if closed is not None:  # a late POST: the reason, and not a byte of it kept
        return _refused(application, closed, kind.anchor)
    session = db.session()
    text = (request.form.get("text") or "")[:6000]
    refused: list[tuple[str, str]] = []
    uploads = _uploads()
    from portal.views.files import actor as files_actor

    if uploads:
        holder = statements.pending_document(session, application, kind.statement, create=True)
        assert holder is not None
        try:
            _added, refused = attach_files(session, holder, uploads, actor=files_actor())
        except FilesLocked:
            abort(409)
    remove = request.form.get("remove", "")
    if remove.isdigit():
        _remove(application, kind, int(remove))
    decision = request.form.get("decision")
    if decision != "sign" or refused:
        return _page(application, kind, text=text, refused=refused,
                     status=422 if refused else 200)
    form = StatementForm()
    signer = request.form.get("signer", "")
    errors = [] if form.validate() else [str(m) for m in form.text.errors] or [str(kind.empty)]
    if signer not in signers():
        errors.append(str(_l("Choose how you will sign.")))
    if errors:
        return _page(application, kind, text=text, errors=errors, status=422)
    return _start(application, kind, str(form.text.data), signer)


def _remove(application: Application, kind: Kind, file_id: int) -> None:
    holder = statements.pending_document(db.session(), application, kind.statement)
    row = db.session().get(DocumentFile, file_id)
    if holder is None or row is None or row.document_id != holder.id:
        abort(404)
    from portal.views.files import actor as files_actor

    try:
        remove_file(db.session(), row, actor=files_actor())
    except FilesLocked:
        abort(409)


def _signed_document(application: Application, kind: Kind, text: str) -> dict[str, Any]:
    holder = statements.pending_document(db.session(), application, kind.statement)
    return statements.document(application, kind.statement, text, holder, prepared_at=utcnow())


def _start(application: Application, kind: Kind, text: str, signer: str) -> BaseResponse:
    signed = _signed_document(application, kind, text)
    holder = statements.pending_document(db.session(), application, kind.statement)
    try:
        challenge = kind.flow.start(
            _citizen(), signer, statements.document_bytes(signed),
            title=str(kind.sign_heading), number=application.number,
            application_id=application.id, digest=statements.content_digest(signed),
            document_id=holder.id if holder is not None else None)
    except SigningError as error:
        flash(describe(error), "error")
        return _page(application, kind, text=text, status=422)
    return _sign_page(application, kind, challenge)


def _sign_page(application: Application, kind: Kind, challenge: Challenge,
               error: str | None = None, status: int = 200) -> BaseResponse:
    continue_url = url_for(f"citizen.sign_{kind.slug}", number=application.number)
    status_url = None
    if challenge.action is SignerAction.SCAN_QR:
        remember_challenge(challenge, continue_url)
        status_url = url_for("sign.signing_status", challenge_id=challenge.id)
    return no_store(render("citizen/refusal/sign.html", status=status, application=application,
                           kind=kind, challenge=challenge, status_url=status_url,
                           continue_url=continue_url, error=error))


def _again(application: Application, kind: Kind, signer: str, challenge_id: str,
           error: SigningError) -> BaseResponse:
    try:
        challenge = kind.flow.again(_citizen(), signer, challenge_id, error)
    except SigningError as final:
        kind.flow.forget()
        flash(describe(final), "error")
        return redirect_after_post(url_for(f"citizen.{kind.slug}", number=application.number))
    return _sign_page(application, kind, challenge, describe(error), status=422)


@limiter.limit(SIGNING_LIMIT)
@allow(CITIZEN)
def sign_statement(number: str, name: str) -> BaseResponse:
    """Finish signing; the statement is recorded only with a verified signature over exactly
    this text and these files, and only while the law's window is open."""
    application = _own(number)
    kind = _kind(name, application)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    here = url_for(f"citizen.{kind.slug}", number=number)
    pending = kind.flow.pending(number)
    if pending is None:
        flash(_l("The signing was not started in this browser or has ended. Sign again."), "info")
        return redirect_after_post(here)
    closed = _closed(application, kind)
    if closed is not None:
        kind.flow.forget()
        return _refused(application, closed, kind.anchor)
    challenge_id = str(pending["challenge"])
    data = kind.flow.data(challenge_id)
    if data is None:
        abort(404)
    text = statements.signed_text(data)
    if statements.content_digest(_signed_document(application, kind, text)) != pending.get(
            "digest"):
        kind.flow.forget()
        flash(_l("The files changed after signing began (in another tab?). Check them and sign "
                 "again."), "info")
        return redirect_after_post(here)
    citizen = _citizen()
    signer = str(pending["signer"])
    if signer == "sms" and request.form.get("decision") == "resend":
        try:
            challenge = kind.flow.resend(citizen, challenge_id, application_id=application.id)
        except SigningError as error:
            return _again(application, kind, signer, challenge_id, error)
        return _sign_page(application, kind, challenge)
    answer = request.form.get("code" if signer == "sms" else "password") or None
    try:
        signature = kind.flow.complete(citizen, pending, answer, data=data,
                                       application_id=application.id)
    except SigningPending:
        return no_store(render(
            "sign/status.html", state="pending", message=None,
            continue_url=url_for(f"citizen.sign_{kind.slug}", number=number),
            status_url=url_for("sign.signing_status", challenge_id=challenge_id)))
    except SigningError as error:
        return _again(application, kind, signer, challenge_id, error)
    except (signing_service.SignatureRejected, signing_service.SignatureRejectedBefore):
        flash(_l("The signature did not pass the checks, so nothing was sent. Sign again; if it "
                 "happens again, call 1414."), "error")
        return redirect_after_post(here)
    holder: Document | None = None
    if pending.get("document_id") is not None:
        holder = db.session().get(Document, int(pending["document_id"]))
    actor, who = _who()
    try:
        kind.record(db.session(), application, actor, who, text=text, now=utcnow(),
                    cal=calendar(), signature=signature, attachments=holder)
    except IllegalTransition as error:
        kind.flow.forget()
        return _refused(application, error, kind.anchor)
    kind.flow.forget()
    flash(str(kind.sent), "success")
    return redirect_after_post(url_for("citizen.application", number=number) + kind.anchor)


# One page, one form and one signing per kind, each at a URL of its own (no converter: every
# cabinet URL is a plain path the 404 test can fill in).
for _slug in ("objection", "remarks"):
    _base = f"/applications/<number>/{_slug}"
    bp.add_url_rule(_base, f"{_slug}", statement, methods=["GET"], defaults={"name": _slug})
    bp.add_url_rule(_base, f"submit_{_slug}", submit_statement, methods=["POST"],
                    defaults={"name": _slug})
    bp.add_url_rule(f"{_base}/sign", f"sign_{_slug}", sign_statement, methods=["POST"],
                    defaults={"name": _slug})


# -- the protocol ----------------------------------------------------------------------------------

@bp.post("/applications/<number>/protocol/read")
@allow(CITIZEN)
def read_protocol(number: str) -> BaseResponse:
    application = _own(number)
    if not ConfirmForm().validate_on_submit() or application.hearing_protocol is None:
        abort(404)
    actor, who = _who()
    try:
        cases.read_protocol(db.session(), application, actor, who,
                            now=utcnow(), cal=calendar())
    except IllegalTransition as error:
        return _refused(application, error)
    return redirect_after_post(url_for("citizen.application", number=number) + "#protocol")
