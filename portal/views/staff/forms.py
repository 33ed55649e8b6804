"""The official forms of a case for the district's staff: every form the case has, as a printable
page and as a PDF (issue 12). Another district's case, a draft or a form the case does not have
(yet) is a 404; each opening is an audit event the citizen sees under "who looked at my data"."""

from __future__ import annotations

from flask import Response, abort, url_for
from sqlalchemy import select

from portal import db
from portal.documents import forms
from portal.documents.model import FormDocument
from portal.domain.workflow import Status
from portal.models import Application
from portal.services import events
from portal.views.staff import bp
from portal.web.access import BACK_OFFICE, allow, current
from portal.web.form_documents import language, page_response, pdf_response


def _document(number: str, form: str, kind: str) -> FormDocument:
    staff = current().staff
    application = None if staff is None or staff.district_id is None else db.session().scalar(
        select(Application).where(Application.number == number,
                                  Application.district_id == staff.district_id,
                                  Application.status != Status.DRAFT))
    if application is None or staff is None:
        abort(404)
    session = db.session()
    document = forms.build(session, application, form, language())
    if document is None:
        abort(404)
    events.record(session, events.Actor("staff", staff.id, staff.role.value), "case_viewed",
                  application_id=application.id,
                  data={"form": document.form, "as": kind, "language": document.language})
    session.commit()
    return document


@bp.get("/cases/<number>/forms/<form>")
@allow(BACK_OFFICE)
def form_page(number: str, form: str) -> Response:
    document = _document(number, form, "page")
    return page_response(document, back_url=url_for("staff.case", number=number),
                         pdf_endpoint="staff.form_pdf", number=number, form=form)


@bp.get("/cases/<number>/forms/<form>.pdf")
@allow(BACK_OFFICE)
def form_pdf(number: str, form: str) -> Response:
    return pdf_response(_document(number, form, "pdf"))


@bp.context_processor
def _form_links() -> dict[str, object]:
    """``case_forms(application)`` for this blueprint's templates: the forms' links."""
    from portal.web.form_documents import form_links

    return {"case_forms": lambda application: form_links(application, citizen=False)}
