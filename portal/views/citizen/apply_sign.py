"""Applying on the portal, the end: income, documents, check your answers, sign (R6.4), the
confirmation with the registration and result dates (R7.1, L3.1), and withdrawing."""

from __future__ import annotations

import contextlib
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.domain.apply import Section, documents_needed, ready_to_check
from portal.domain.workflow import IllegalTransition, Status
from portal.extensions import limiter
from portal.forms.apply import ConfirmForm
from portal.forms.uploads import DocumentUploadForm
from portal.models import Application
from portal.models.application import IncomeKind
from portal.services import drafts, submission
from portal.services import signing as signing_service
from portal.services.cases import ground_rule
from portal.services.draft_sections import (
    IncomeLine,
    ground_proved_by_registers,
    missing_files,
    save_income,
    subjects,
    sync_documents,
)
from portal.services.register_queries import outcomes
from portal.services.workdays import calendar
from portal.views.citizen import bp, signing_flow
from portal.views.citizen.apply import (
    TITLES,
    _citizen,
    _guard,
    _locale,
    _next_url,
    _offers,
    _page,
    _saved_or_next,
    consent_texts,
    load_draft,
    member_choices,
    quarter,
)
from portal.views.citizen.signing_flow import SigningFlow
from portal.views.sign import remember_challenge
from portal.web.access import CITIZEN, allow
from portal.web.htmx import no_store, redirect_after_post, render
from portal.web.signing_messages import describe
from signing import Action, Challenge, SigningError
from signing.base import SigningPending

INCOME_KINDS = {
    IncomeKind.WAGES: _l("Wages"),
    IncomeKind.PENSION: _l("Pension"),
    IncomeKind.BENEFIT: _l("Benefits and allowances"),
    IncomeKind.FARM: _l("Personal subsidiary farm"),
    IncomeKind.OTHER: _l("Other income"),
}
# The F1-1's signing: the same session key and storage records as before the flow was shared.
FLOW = SigningFlow(key="apply_signing", purpose=submission.PURPOSE,
                   document_kind=submission.DOCUMENT_KIND, record="portal-apply/{}")


# -- income (L8.2) ----------------------------------------------------------------------------------

def _amount_text(tiyn: int) -> str:
    """An amount as the person typed it: whole tenge without decimals."""
    return str(tiyn // 100) if tiyn % 100 == 0 else f"{tiyn // 100}.{tiyn % 100:02d}"


def _parse_tenge(text: str) -> int | None:
    cleaned = "".join(text.split()).replace(",", ".").replace("₸", "")
    if not cleaned:
        return 0
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if value < 0 or value > Decimal("100000000") or value != value.quantize(Decimal("0.01")):
        return None
    return int(value * 100)


@bp.route("/applications/<number>/income", methods=["GET", "POST"])
@allow(CITIZEN)
def section_income(number: str) -> BaseResponse:
    draft = load_draft(number)
    if (blocked := _guard(draft, Section.INCOME)) is not None:
        return blocked
    people = member_choices(draft)
    start, end = quarter()
    values = {(r.member_iin, r.kind.value): _amount_text(r.amount_tiyn) for r in draft.incomes}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        lines = []
        for iin, name in people:
            for kind in IncomeKind:
                key = f"{iin}-{kind.value}"
                raw = request.form.get(key, "")[:30]
                values[(iin, kind.value)] = raw
                amount = _parse_tenge(raw)
                if amount is None:
                    errors[key] = str(_l("Enter an amount in tenge, e.g. 85000 or 85000.50."))
                elif amount:
                    lines.append(IncomeLine(iin, name, kind, amount))
        if errors:
            return no_store(render("citizen/apply/income.html", status=422, draft=draft,
                                   people=people, kinds=INCOME_KINDS, values=values,
                                   errors=errors, start=start, end=end,
                                   title=TITLES[Section.INCOME], form=ConfirmForm(),
                                   figures=None))
        save_income(db.session(), draft, lines, (start, end))
        return _saved_or_next(draft, Section.INCOME)
    return no_store(render("citizen/apply/income.html", draft=draft, people=people,
                           kinds=INCOME_KINDS, values=values, errors=errors, start=start,
                           end=end, title=TITLES[Section.INCOME], form=ConfirmForm(),
                           figures=_figures(draft)))


def _figures(draft: Application) -> dict[str, Any]:
    """Per-capita income as domain.income computes it, beside the district's threshold — shown
    as information, never as a decision."""
    from fractions import Fraction

    from portal.domain.income import SUBSISTENCE_MINIMUM_TIYN, per_capita_income, threshold_tiyn

    members = 1 + len(draft.family)
    total = sum(r.amount_tiyn for r in draft.incomes)
    year = quarter()[1].year
    minimum = SUBSISTENCE_MINIMUM_TIYN.get(year) or max(SUBSISTENCE_MINIMUM_TIYN.values())
    threshold = threshold_tiyn(minimum, Fraction(draft.district.threshold_numerator,
                                                 draft.district.threshold_denominator))
    return {"members": members, "total": total,
            "per_capita": per_capita_income(total, members), "threshold": threshold}


# -- documents (R3.4, L8) ---------------------------------------------------------------------------

def needed_documents(draft: Application) -> Any:
    earners = [r.member_iin for r in draft.incomes if r.member_iin]
    return documents_needed(ground_rule(draft), draft.capacity, subjects(draft),
                            outcomes(draft), earners,
                            ground_proved_by_registers=ground_proved_by_registers(draft))


def document_items(draft: Application) -> list[tuple[Any, Any]]:
    """The items to attach with their Document rows, named in the person's language."""
    from portal.web.labels import DOCUMENT_LABELS

    names = dict(member_choices(draft))
    needed = needed_documents(draft)
    from portal.domain.package import DocumentKind
    from portal.web.labels import GROUND_PROOF_LABELS

    def title(item: Any) -> str:
        if item.kind is DocumentKind.GROUND_PROOF and draft.ground in GROUND_PROOF_LABELS:
            name = str(GROUND_PROOF_LABELS[draft.ground])
        else:
            name = str(DOCUMENT_LABELS[item.kind])
        return " — ".join(p for p in (name, names.get(item.subject or "", "")) if p)

    titles = {item.key: title(item) for item in needed}
    return sync_documents(db.session(), draft, needed, titles)


@bp.route("/applications/<number>/documents", methods=["GET", "POST"])
@allow(CITIZEN)
def section_documents(number: str) -> BaseResponse:
    draft = load_draft(number)
    if (blocked := _guard(draft, Section.DOCUMENTS)) is not None:
        return blocked
    items = document_items(draft)
    missing = missing_files(items)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        if missing:
            return _page(Section.DOCUMENTS, draft, ConfirmForm(), status=422, items=items,
                         missing=missing, upload_form=DocumentUploadForm(formdata=None))
        return _saved_or_next(draft, Section.DOCUMENTS)
    if Section.DOCUMENTS.value not in (draft.sections or {}):
        drafts.mark_touched(draft, Section.DOCUMENTS)  # visited: "in progress"
        db.session().commit()
    return _page(Section.DOCUMENTS, draft, ConfirmForm(), items=items, missing=[],
                 upload_form=DocumentUploadForm(formdata=None))


# -- check your answers and sign --------------------------------------------------------------------

# Starting a signing may send an SMS; finishing one spends a password, PIN or code try. The
# signers bound tries per exchange and codes per person; these bound the cost per address.
SIGNING_LIMIT = "10 per minute;60 per hour"


@bp.route("/applications/<number>/check", methods=["GET", "POST"])
@limiter.limit(SIGNING_LIMIT, methods=["POST"])
@allow(CITIZEN)
def check_answers(number: str) -> BaseResponse:
    draft = load_draft(number)
    if (stale := _stale_offer(draft)) is not None:
        return stale
    if missing_files(document_items(draft)):
        # A file removed after the documents were confirmed: the section is open again.
        drafts.mark_touched(draft, Section.DOCUMENTS)
        db.session().commit()
    states = drafts.states(draft)
    if not ready_to_check(states):
        flash(_l("Some sections are not done yet."), "info")
        return redirect(url_for("citizen.task_list", number=number), code=303)
    form = ConfirmForm()
    signers = signing_flow.signers()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        signer = request.form.get("signer", "")
        if signer not in signers:
            return no_store(render("citizen/apply/check.html", status=422, draft=draft,
                                   form=form, signers=signers, problem=True,
                                   document=_document(draft),
                                   names=dict(member_choices(draft))))
        return _start_signing(draft, signer)
    return no_store(render("citizen/apply/check.html", draft=draft, form=form, signers=signers,
                           document=_document(draft), names=dict(member_choices(draft))))


def _stale_offer(draft: Application) -> BaseResponse | None:
    """The district changed its configuration while this was a draft: the application goes in
    under the configuration in force (the same category and frequency), or the person chooses
    again if the district no longer offers it."""
    offer = draft.district_ground
    if offer is None or (offer.retired_at is None and offer.enabled):
        return None
    current = next((g for g in _offers(draft) if g.category is offer.category
                    and g.frequency is offer.frequency), None)
    if current is not None:
        draft.district_ground_id = current.id
        db.session().commit()
        db.session().refresh(draft)
        return None
    drafts.mark_touched(draft, Section.GROUND)
    db.session().commit()
    flash(_l("The district no longer offers the assistance chosen in this draft. Choose again."),
          "info")
    return redirect(url_for("citizen.section_ground", number=draft.number), code=303)


def _document(draft: Application) -> dict[str, Any]:
    from portal.web.labels import ASSISTANCE_KIND_LABELS

    offer = draft.district_ground
    kind = str(ASSISTANCE_KIND_LABELS[offer.frequency]) if offer is not None else None
    return submission.application_document(
        db.session(), draft, locale=_locale(),
        consent_texts={t.kind.value: t.text for t in consent_texts()}, prepared_at=utcnow(),
        kind_label=kind)


def _start_signing(draft: Application, signer: str) -> BaseResponse:
    document = _document(draft)
    try:
        challenge = FLOW.start(_citizen(), signer, submission.document_bytes(document),
                               title=str(_l("Application %(number)s", number=draft.number)),
                               number=draft.number,
                               digest=submission.content_digest(document))
    except SigningError as error:
        flash(describe(error), "error")
        return redirect(url_for("citizen.check_answers", number=draft.number), code=303)
    return _sign_page(draft, challenge)


def _sign_page(draft: Application, challenge: Challenge, error: str | None = None,
               status: int = 200) -> BaseResponse:
    """The chosen signer's panel: key file password, phone QR (polled), or the SMS code."""
    continue_url = url_for("citizen.complete_signing", number=draft.number)
    status_url = None
    if challenge.action is Action.SCAN_QR:
        remember_challenge(challenge, continue_url)
        status_url = url_for("sign.signing_status", challenge_id=challenge.id)
    return no_store(render("citizen/apply/sign.html", status=status, draft=draft,
                           challenge=challenge, status_url=status_url,
                           continue_url=continue_url, error=error))


def _again(draft: Application, signer: str, challenge_id: str, error: SigningError
           ) -> BaseResponse:
    """The same exchange again with the reason (a wrong password or code spends a try, a
    misshapen one does not); an exchange that cannot go on sends the person back to sign anew."""
    try:
        challenge = FLOW.again(_citizen(), signer, challenge_id, error)
    except SigningError as final:
        FLOW.forget()
        flash(describe(final), "error")
        return redirect_after_post(url_for("citizen.check_answers", number=draft.number))
    return _sign_page(draft, challenge, describe(error), status=422)


@bp.post("/applications/<number>/sign")
@limiter.limit(SIGNING_LIMIT)
@allow(CITIZEN)
def complete_signing(number: str) -> BaseResponse:
    citizen = _citizen()
    application = drafts.own_application(db.session(), citizen, number)
    if application is None:
        abort(404)
    if application.status is not Status.DRAFT:
        # A second tap, the back button, another tab: the application is already in.
        return redirect_after_post(url_for("citizen.application", number=number))
    pending = FLOW.pending(number)
    if pending is None:
        flash(_l("The signing was not started in this browser or has ended. Sign again."), "info")
        return redirect_after_post(url_for("citizen.check_answers", number=number))
    challenge_id = str(pending["challenge"])
    if submission.content_digest(_document(application)) != pending.get("digest"):
        FLOW.forget()
        flash(_l("The application changed after signing began (in another tab?). Check it and "
                 "sign again."), "info")
        return redirect_after_post(url_for("citizen.check_answers", number=number))
    data = FLOW.data(challenge_id)
    if data is None:
        abort(404)
    signer = str(pending["signer"])
    if signer == "sms" and request.form.get("decision") == "resend":
        try:
            challenge = FLOW.resend(citizen, challenge_id)
        except SigningError as error:
            return _again(application, signer, challenge_id, error)
        return _sign_page(application, challenge)
    answer = request.form.get("code" if signer == "sms" else "password") or None
    try:
        # Tied to the case by submit(): an event naming a draft would keep the draft from
        # being deleted.
        signature = FLOW.complete(citizen, pending, answer, data=data, application_id=None)
    except SigningPending:
        return no_store(render(
            "sign/status.html", state="pending", message=None,
            continue_url=url_for("citizen.complete_signing", number=number),
            status_url=url_for("sign.signing_status", challenge_id=challenge_id)))
    except SigningError as error:
        return _again(application, signer, challenge_id, error)
    except (signing_service.SignatureRejected, signing_service.SignatureRejectedBefore):
        flash(_l("The signature did not pass the checks, so the application was not submitted. "
                 "Sign again; if it happens again, call 1414."), "error")
        return redirect_after_post(url_for("citizen.check_answers", number=number))
    from portal.notify import sms

    with contextlib.suppress(submission.AlreadySubmitted):  # its SMS went with the first
        submission.submit(db.session(), application, citizen, signature, now=utcnow(),
                          cal=calendar(), signer=signer, sms=sms())
    FLOW.forget()
    return redirect_after_post(url_for("citizen.application", number=number))


# -- withdrawing -------------------------------------------------------------------------------------

@bp.post("/applications/<number>/withdraw")
@allow(CITIZEN)
def withdraw_application(number: str) -> BaseResponse:
    found = drafts.own_application(db.session(), _citizen(), number)
    if found is None or not ConfirmForm().validate_on_submit():
        abort(404)
    try:
        submission.withdraw(db.session(), found, _citizen(), now=utcnow(), cal=calendar())
    except IllegalTransition:
        db.session().rollback()
        flash(_l("The application can no longer be withdrawn: a decision was taken."), "error")
    else:
        flash(_l("The application was withdrawn."), "success")
    return redirect_after_post(url_for("citizen.application", number=number))


__all__ = ["_next_url"]


@bp.get("/applications/<number>/f1-1.pdf")
@allow(CITIZEN)
def application_pdf(number: str) -> BaseResponse:
    """The signed F1-1 as a PDF: the document exactly as signed, the signer, the time of
    signing and the state bodies' data (portal/documents/forms.py::f1_1, cached)."""
    from portal.documents import forms
    from portal.web.form_documents import pdf_response

    found = drafts.own_application(db.session(), _citizen(), number)
    document = forms.build(db.session(), found, "f1-1", _locale()) if found is not None else None
    if document is None:
        abort(404)
    return pdf_response(document)
