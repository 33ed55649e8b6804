"""The citizen's own official documents: the coupon or receipt, the refusal to accept (F2-1),
the decision (F5, once signed) and its notification (F6 or F7, once issued), as a printable page
and a PDF. Someone else's application, or a document not (yet) issued, is the same 404."""

from __future__ import annotations

from flask import Response, abort, url_for

from portal import db
from portal.documents import forms
from portal.documents.model import FormDocument
from portal.domain.workflow import Status
from portal.services import drafts
from portal.views.citizen import bp
from portal.views.citizen.apply import _citizen
from portal.web.access import CITIZEN, allow
from portal.web.form_documents import language, page_response, pdf_response


def _document(number: str, form: str) -> FormDocument:
    session = db.session()
    application = drafts.own_application(session, _citizen(), number)
    spec = forms.FORMS.get(form)
    if (application is None or application.status is Status.DRAFT or spec is None
            or spec.citizen_may is None or not spec.citizen_may(application)):
        abort(404)
    document = forms.build(session, application, form, language())
    if document is None:
        abort(404)
    return document


@bp.get("/applications/<number>/forms/<form>")
@allow(CITIZEN)
def form_page(number: str, form: str) -> Response:
    return page_response(_document(number, form),
                         back_url=url_for("citizen.application", number=number),
                         pdf_endpoint="citizen.form_pdf", number=number, form=form)


@bp.get("/applications/<number>/forms/<form>.pdf")
@allow(CITIZEN)
def form_pdf(number: str, form: str) -> Response:
    return pdf_response(_document(number, form))


@bp.context_processor
def _form_links() -> dict[str, object]:
    """``case_forms(application)`` for this blueprint's templates: the forms' links."""
    from portal.web.form_documents import form_links

    return {"case_forms": lambda application: form_links(application, citizen=True)}
