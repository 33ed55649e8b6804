"""Uploaded files: served only to the applicant and to the back office of the application's
district once it is submitted (not to the 1414 operator, not a citizen's draft); each download by
an official is a `file_viewed` event (with the file), so the person sees it in "who looked at my
data". Only the applicant adds or removes files (docs/field-access.md).

Everyone else gets the same 404 as for a file that does not exist. The answer is built so that a
browser can never treat a file as a page of ours: the stored type exactly, no sniffing, a
sandboxing CSP, never cached, always an attachment. With FILES_ORIGIN set, the portal only checks
access and redirects to the files origin with a short-lived signed link
(portal/web/files_origin.py), which serves the bytes with no cookie at all.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.domain.workflow import Status
from portal.forms.uploads import DocumentUploadForm, FileRemoveForm
from portal.models import Application, Document, DocumentFile
from portal.services import events
from portal.services.uploads import FilesLocked, attach_files, remove_file
from portal.storage import NotFound, storage
from portal.web.access import ANYONE, BACK_OFFICE, CITIZEN, Principal, allow, current
from portal.web.files_origin import read_token, signed_url
from portal.web.htmx import redirect_after_post
from portal.web.i18n import safe_next

bp = Blueprint("files", __name__)

FILE_CSP = "sandbox; default-src 'none'"


def _may_see(principal: Principal, application: Application) -> bool:
    if principal.kind == "citizen":
        return application.citizen_id == principal.id
    staff = principal.staff
    return (staff is not None and staff.active and staff.role in BACK_OFFICE
            and staff.district_id == application.district_id
            and application.status != Status.DRAFT)  # a draft is the citizen's alone


def load_document(document_id: int) -> Document:
    """The document item, if the person signed in may see it; otherwise 404 (never 403)."""
    document = db.session().get(Document, document_id)
    if document is None or not _may_see(current(), document.application):
        abort(404)
    return document


def load_file(file_id: int) -> DocumentFile:
    """The file, if the person signed in may see it; otherwise 404 (never 403)."""
    row = db.session().execute(
        select(DocumentFile).where(DocumentFile.id == file_id)
    ).scalar_one_or_none()
    if row is None or not _may_see(current(), row.document.application):
        abort(404)
    return row


def actor() -> events.Actor:
    principal = current()
    role = principal.role.value if principal.role else principal.kind
    return events.Actor(principal.kind, principal.id, role)


@bp.get("/<int:file_id>")
@allow(CITIZEN, BACK_OFFICE)
def show_file(file_id: int) -> BaseResponse:
    """The file (``?size=thumb``: the preview of a photo), after the access check: from here, or
    by a redirect to the files origin with a link signed for this person and file."""
    row = load_file(file_id)
    thumb = request.args.get("size") == "thumb" and row.thumbnail_key is not None
    if current().kind == "staff":
        session = db.session()
        events.record(session, actor(), "file_viewed", application_id=row.document.application_id,
                      data={"file": row.id})
        session.commit()
    if current_app.config.get("FILES_ORIGIN"):
        principal = current()
        assert principal.id is not None  # load_file let a signed-in person through
        url = signed_url(row.id, "thumb" if thumb else "full", principal.kind, principal.id,
                         now=utcnow())
        response = redirect(url, 303)
        response.headers["Cache-Control"] = "no-store, private"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
    return _file_response(row, thumb=thumb, cross_site="same-origin")


@bp.get("/f/<int:file_id>")
@allow(ANYONE)  # the signed link is the credential; the person was checked when it was issued
def show_signed_file(file_id: int) -> BaseResponse:
    """The files origin (FILES_ORIGIN; the guard in portal/web/files_origin.py keeps this URL off
    the portal's host): a changed, expired or another file's token is a 403; a file gone, or
    that the token's account may no longer see, a 404."""
    grant = read_token(file_id, request.args, now=utcnow())
    if grant is None:
        abort(403)
    row = db.session().get(DocumentFile, file_id)
    if row is None or not _may_see(Principal(grant.kind, grant.account_id),
                                   row.document.application):
        abort(404)
    thumb = grant.variant == "thumb" and row.thumbnail_key is not None
    return _file_response(row, thumb=thumb, cross_site="same-site")


def _file_response(row: DocumentFile, *, thumb: bool, cross_site: str) -> Response:
    """The bytes as a download the browser will neither render nor sniff: the stored type,
    ``attachment``, a sandbox with nothing allowed. ``cross_site``: the
    Cross-Origin-Resource-Policy (``same-site`` on the files origin, whose previews the portal's
    pages show)."""
    key = row.thumbnail_key if thumb and row.thumbnail_key else row.storage_key
    try:
        data = storage().get(key)
    except NotFound:
        abort(404)
    response = Response(data, status=200)
    response.headers["Content-Type"] = "image/jpeg" if thumb else row.content_type
    filename = f"document-{row.id}{'-preview' if thumb else ''}.{'jpg' if row.is_image else 'pdf'}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["Cross-Origin-Resource-Policy"] = cross_site
    return response


@bp.post("/documents/<int:document_id>")
@allow(CITIZEN)
def upload_files(document_id: int) -> BaseResponse:
    """Add files to a document item without a page of its own: the result is flashed and the
    person goes back to ``next`` (the journey's page, which shows the list again)."""
    document = load_document(document_id)
    if document.statement is not None:
        abort(409)  # an objection's or remarks' files: only on its own page, in its window
    form = DocumentUploadForm()
    back = safe_next(form.next.data or request.args.get("next"), "/")
    if not form.validate():
        for messages in form.errors.values():
            for message in messages:
                flash(str(message), "error")
        return redirect_after_post(back)
    try:
        added, refused = attach_files(db.session(), document, form.uploads(), actor=actor())
    except FilesLocked:
        abort(409)
    if added:
        flash(_added_note(len(added)), "ok")
    for name, reason in refused:
        flash(f"{name}: {reason}", "error")
    return redirect_after_post(back)


def _added_note(count: int) -> str:
    from flask_babel import gettext

    return str(gettext("Files added: %(num)d", num=count))


@bp.post("/<int:file_id>/remove")
@allow(CITIZEN)
def remove(file_id: int) -> BaseResponse:
    row = load_file(file_id)
    if row.document.statement is not None:
        abort(409)  # an objection's or remarks' files: only on its own page
    form = FileRemoveForm()
    back = safe_next(form.next.data or request.args.get("next"), "/")
    try:
        remove_file(db.session(), row, actor=actor())
    except FilesLocked:
        abort(409)
    from flask_babel import gettext as _

    flash(_("The file was removed"), "ok")
    return redirect_after_post(back)
