"""Intake of a paper application at a desk (R3, R6, L3, L8): find the person by IIN, enter F1
step by step, ask the registers, tick the documents shown, and accept or refuse with a receipt.

Each step is a real form: a plain POST saves and redirects to the next step (JavaScript off),
errors come back with 422 and what was typed. The draft is an Application in DRAFT with the
desk's channel; the one loader answers 404 for another district's (or another desk's) case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from portal import db
from portal.db import utcnow
from portal.domain.apply import Section
from portal.domain.calendar import ALMATY, to_local
from portal.domain.forms import ApplicantCapacity, ConsentKind, Relation
from portal.domain.package import DocumentKind
from portal.domain.registers import GatewayQuery
from portal.domain.workflow import Action, IllegalTransition, Role, Status
from portal.forms.apply import ConsentsForm, MemberForm
from portal.forms.intake import (
    ConfirmForm,
    IntakeApplicantForm,
    IntakeFinishForm,
    IntakeGroundForm,
    IntakeStartForm,
    document_form,
)
from portal.gateway import gateway
from portal.models import Application, Desk, StaffUser
from portal.services import cases, draft_sections, drafts, events
from portal.services import intake as intake_service
from portal.services.register_queries import ask_registers, progress
from portal.services.workdays import calendar
from portal.views.staff import bp
from portal.web.access import allow, current
from portal.web.consents import CONSENT_TEXTS, WORDING_VERSION
from portal.web.htmx import no_store, redirect_after_post, render
from portal.web.labels import DOCUMENT_LABELS, GROUND_PROOF_LABELS, RELATION_LABELS

INTAKE_ROLES = (Role.INTAKE, Role.SPECIALIST)
STEPS = ("ground", "applicant", "family", "registers", "documents", "consents", "finish")
STEP_TITLES = {
    "ground": _l("Assistance and ground"),
    "applicant": _l("Applicant, address and bank"),
    "family": _l("Family members"),
    "registers": _l("Requests to the state registers (F1-2)"),
    "documents": _l("Documents shown (L8)"),
    "consents": _l("Consents and undertakings"),
    "finish": _l("Accept or refuse"),
}


# -- who, where, which draft -------------------------------------------------------------------------

def _staff() -> StaffUser:
    staff = current().staff
    assert staff is not None
    return staff


def _desk() -> Desk:
    """The desk the official accepts at; one without a desk cannot take applications."""
    desk = intake_service.desk_of(db.session(), _staff())
    if desk is None:
        abort(403)
    return desk


def load_draft(number: str, *, drafts_only: bool = True) -> Application:
    """The one loader: a paper case of this district (and desk); 404 for anything else. A case
    already accepted or refused goes to its finish page (its receipts)."""
    application = intake_service.own_draft(db.session(), _staff(), _desk(), number)
    if application is None:
        abort(404)
    if drafts_only and application.status is not Status.DRAFT:
        abort(redirect(url_for("staff.intake_finish", number=number), code=303))
    return application


def _now() -> dt.datetime:
    return utcnow()


def _step_url(step: str, draft: Application) -> str:
    return url_for(f"staff.intake_{step}", number=draft.number)


def _next(step: str, draft: Application) -> BaseResponse:
    following = STEPS[STEPS.index(step) + 1]
    return redirect_after_post(_step_url(following, draft))


def _page(step: str, draft: Application, form: Any, *, status: int = 200,
          **context: Any) -> BaseResponse:
    return no_store(render(f"staff/intake/{step}.html", status=status, draft=draft, form=form,
                           step=step, steps=STEPS, step_titles=STEP_TITLES,
                           title=STEP_TITLES[step], **context))


def _needs_ground(draft: Application) -> BaseResponse | None:
    if draft.ground is None:
        flash(_l("Choose the assistance and the ground first."), "info")
        return redirect(_step_url("ground", draft), code=303)
    return None


# -- start: find the person ------------------------------------------------------------------------

def _ticket(value: str | None, now: dt.datetime) -> dt.datetime | None:
    """The queue ticket's time today (Asia/Almaty), as typed ("10:25"); None if not given."""
    if not value:
        return None
    hours, minutes = (int(p) for p in value.replace(".", ":").split(":"))
    local = to_local(now)
    return dt.datetime.combine(local.date(), dt.time(hours, minutes), tzinfo=ALMATY)


@bp.route("/intake/", methods=["GET", "POST"])
@allow(*INTAKE_ROLES)
def intake() -> BaseResponse:
    staff, desk = _staff(), _desk()
    session = db.session()
    form = IntakeStartForm(formdata=request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        now = _now()
        if form.validate_on_submit():
            queued_at = _ticket(form.ticket_time.data, now)
            if queued_at is not None and queued_at > now:
                form.ticket_time.errors = [_l("The ticket time cannot be later than now.")]
            else:
                try:
                    citizen, created = intake_service.find_or_create_citizen(
                        session, gateway(), form.iin.data, staff)
                except intake_service.NotInRegister:
                    form.iin.errors = [_l("The State database \"Individuals\" does not know "
                                          "this IIN, or did not answer. Check the number on "
                                          "the identity document, or try again.")]
                else:
                    draft = intake_service.start(session, staff, desk, citizen,
                                                 queued_at=queued_at, now=_now())
                    if created:
                        flash(_l("The person was added from the State database "
                                 "\"Individuals\"."), "success")
                    return redirect_after_post(_step_url("ground", draft))
        status = 422
    return no_store(render("staff/intake/start.html", status=status, form=form, desk=desk,
                           drafts=intake_service.desk_drafts(session, staff, desk)))


# -- the ground and on whose behalf (F1, R3.1) --------------------------------------------------------

def _offers(draft: Application) -> list[Any]:
    return [g for g in draft.district.grounds if g.enabled and g.retired_at is None]


@bp.route("/intake/<number>/ground", methods=["GET", "POST"])
@allow(*INTAKE_ROLES)
def intake_ground(number: str) -> BaseResponse:
    draft = load_draft(number)
    offers = _offers(draft)
    form = IntakeGroundForm(data={
        "offer": str(draft.district_ground_id or ""), "requested": draft.assistance_requested,
        "capacity": draft.capacity.value, "representative_iin": draft.representative_iin,
        "representative_name": draft.representative_name, "poa_number": draft.poa_number,
        "poa_date": draft.poa_date})
    form.offer.choices = [SelectChoice(str(o.id), o.category.value) for o in offers]
    if request.method == "POST":
        if not form.validate_on_submit():
            return _page("ground", draft, form, status=422, offers=offers)
        offer = next(o for o in offers if str(o.id) == form.offer.data)
        session = db.session()
        try:
            drafts.choose_ground(session, draft, draft.citizen, offer, form.requested.data or None)
        except drafts.DraftExists:
            form.offer.errors = [_l("This person already has a draft on this ground (on the "
                                    "portal or at a desk). Continue or delete that one first.")]
            return _page("ground", draft, form, status=422, offers=offers)
        capacity = ApplicantCapacity(form.capacity.data)
        acting = capacity in (ApplicantCapacity.ATTORNEY, ApplicantCapacity.LEGAL_REPRESENTATIVE)
        draft.capacity = capacity
        draft.representative_iin = form.representative_iin.data if acting else None
        draft.representative_name = form.representative_name.data if acting else None
        attorney = capacity is ApplicantCapacity.ATTORNEY
        draft.poa_number = form.poa_number.data if attorney else None
        draft.poa_date = form.poa_date.data if attorney else None
        drafts.mark_touched(draft, Section.BEHALF)
        session.commit()
        return _next("ground", draft)
    return _page("ground", draft, form, offers=offers)


# -- the applicant: identity document, address, bank, phone (F1) ---------------------------------------

_ADDRESS = ("addr_region", "addr_city", "addr_village", "addr_street", "addr_house", "addr_flat")
_APPLICANT = {"surname": "applicant_surname", "given_name": "applicant_given_name",
              "patronymic": "applicant_patronymic"}


@bp.route("/intake/<number>/applicant", methods=["GET", "POST"])
@allow(*INTAKE_ROLES)
def intake_applicant(number: str) -> BaseResponse:
    draft = load_draft(number)
    session = db.session()
    staff = _staff()
    asked = any(a.subject_iin == draft.applicant_iin and a.query is GatewayQuery.RESIDENCE
                for a in draft.gateway_answers)
    if not asked and request.method == "GET":
        # R3.3: the accepting specialist asks the State database "Individuals" for the person
        # and the registered address (once; "ask again" repeats it).
        draft_sections.confirm_applicant(session, gateway(), draft, draft.citizen,
                                         requester=intake_service.requester_for(staff),
                                         staff_id=staff.id)
    register = draft_sections.register_address(draft)
    accounts = draft_sections.register_accounts(draft)
    first = accounts[0] if accounts else {}
    form = IntakeApplicantForm(data={
        **{field: getattr(draft, column) for field, column in _APPLICANT.items()},
        "id_doc_type": draft.id_doc_type or "id_card", "id_doc_number": draft.id_doc_number,
        "id_doc_issued_by": draft.id_doc_issued_by, "id_doc_issued_on": draft.id_doc_issued_on,
        **{f: getattr(draft, f) for f in _ADDRESS}, "reason": draft.address_correction_reason,
        "bank_name": draft.bank_name or first.get("bank"),
        "iban": draft.bank_account or first.get("iban"), "phone": draft.phone})
    if request.method == "POST":
        ok = form.validate_on_submit()
        differs = register is not None and any(
            (getattr(form, f"addr_{k}").data or None) != (register.get(k) or None)
            for k in ("region", "city", "village", "street", "house", "flat"))
        if ok and differs and not form.reason.data:
            form.reason.errors = [_l("Say why the address differs from the register.")]
            ok = False
        if not ok:
            return _page("applicant", draft, form, status=422, register=register,
                         accounts=accounts)
        values: dict[str, Any] = {column: getattr(form, field).data or None
                                  for field, column in _APPLICANT.items()}
        values.update({name: getattr(form, name).data or None
                       for name in ("id_doc_type", "id_doc_number", "id_doc_issued_by")})
        values["id_doc_issued_on"] = form.id_doc_issued_on.data
        draft_sections.save_applicant(session, draft, values)
        draft_sections.save_address(session, draft,
                                    {f: getattr(form, f).data or None for f in _ADDRESS},
                                    form.reason.data or None)
        draft_sections.save_bank(session, draft, form.bank_name.data, form.iban.data)
        draft_sections.save_contacts(session, draft, form.phone.data or None, draft.email)
        return _next("applicant", draft)
    return _page("applicant", draft, form, register=register, accounts=accounts)


# -- family members ----------------------------------------------------------------------------------

@bp.route("/intake/<number>/family", methods=["GET", "POST"])
@allow(*INTAKE_ROLES)
def intake_family(number: str) -> BaseResponse:
    draft = load_draft(number)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        return _next("family", draft)
    return _page("family", draft, MemberForm(formdata=None), relations=RELATION_LABELS)


@bp.post("/intake/<number>/family/add")
@allow(*INTAKE_ROLES)
def intake_add_member(number: str) -> BaseResponse:
    draft = load_draft(number)
    form = MemberForm()
    ok = form.validate_on_submit()
    if ok and form.iin.data in {draft.applicant_iin, *(m.iin for m in draft.family)}:
        form.iin.errors = [_l("This person is already in the application.")]
        ok = False
    if not ok:
        return _page("family", draft, form, status=422, relations=RELATION_LABELS)
    staff = _staff()
    try:
        result = draft_sections.add_member(
            db.session(), gateway(), draft, draft.citizen, form.iin.data,
            Relation(form.relation.data), typed_name=form.full_name.data or None,
            requester=intake_service.requester_for(staff), staff_id=staff.id)
    except draft_sections.NameNeeded:
        form.full_name.errors = [_l("The State database \"Individuals\" does not know this "
                                    "person: type the full name as in their identity "
                                    "document.")]
        return _page("family", draft, form, status=422, relations=RELATION_LABELS)
    if result.person is None:
        flash(_l("The register did not confirm this person: their identity document will be "
                 "on the documents list."), "info")
    return redirect_after_post(_step_url("family", draft))


@bp.post("/intake/<number>/family/<int:member_id>/remove")
@allow(*INTAKE_ROLES)
def intake_remove_member(number: str, member_id: int) -> BaseResponse:
    draft = load_draft(number)
    member = next((m for m in draft.family if m.id == member_id), None)
    if member is None or not ConfirmForm().validate_on_submit():
        abort(404)
    draft_sections.remove_member(db.session(), draft, member)
    flash(_l("%(name)s was removed from the application.", name=member.full_name), "success")
    return redirect_after_post(_step_url("family", draft))


# -- R3.3: the F1-2 requests ---------------------------------------------------------------------

@bp.route("/intake/<number>/registers", methods=["GET", "POST"])
@allow(*INTAKE_ROLES)
def intake_registers(number: str) -> BaseResponse:
    draft = load_draft(number)
    session = db.session()
    staff = _staff()
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        action = request.form.get("action")
        if action in ("ask", "retry"):
            ask_registers(session, gateway(), draft, draft.citizen, retry=action == "retry",
                          requester=intake_service.requester_for(staff), staff_id=staff.id)
            return redirect_after_post(_step_url("registers", draft))
        items = progress(session, gateway(), draft)
        if any(not i.asked or i.outcome is None for i in items):
            flash(_l("Ask the registers and wait for every answer first."), "info")
            return redirect_after_post(_step_url("registers", draft))
        return _next("registers", draft)
    items = progress(session, gateway(), draft)
    return _page("registers", draft, ConfirmForm(), items=items,
                 not_asked=any(not i.asked for i in items),
                 pending=any(i.asked and i.outcome is None for i in items),
                 may_retry=any(i.may_retry for i in items))


# -- L8: the documents shown ---------------------------------------------------------------------------

def item_title(draft: Application, kind: DocumentKind, subject: str | None) -> str:
    """The item's name as F1's list of attached documents prints it."""
    if kind is DocumentKind.GROUND_PROOF and draft.ground in GROUND_PROOF_LABELS:
        return str(GROUND_PROOF_LABELS[draft.ground])
    title = str(DOCUMENT_LABELS[kind])
    if kind is DocumentKind.IDENTITY and subject and subject != draft.applicant_iin:
        name = next((m.full_name for m in draft.family if m.iin == subject), subject)
        title = f"{title}: {name}"
    return title


@bp.route("/intake/<number>/documents", methods=["GET", "POST"])
@allow(*INTAKE_ROLES)
def intake_documents(number: str) -> BaseResponse:
    draft = load_draft(number)
    if (blocked := _needs_ground(draft)) is not None:
        return blocked
    items = intake_service.checklist(draft)
    keys = [i.key for i in items]
    recorded = {intake_service.document_key(d): d for d in draft.documents}
    data: dict[str, Any] = {}
    for key in keys:
        row = recorded.get(key)
        if row is not None:
            data.update({f"{key}-provided": row.provided, f"{key}-compared": row.original_compared,
                         f"{key}-sheets": row.sheets if row.provided else None,
                         f"{key}-number": row.number, f"{key}-issued_on": row.issued_on,
                         f"{key}-valid_until": row.valid_until, f"{key}-note": row.note})
    form = document_form(keys)(data=data)
    titles = {i.key: item_title(draft, i.kind, i.subject) for i in items}
    if request.method == "POST":
        ok = form.validate_on_submit()
        for key in keys:
            if form[f"{key}-provided"].data and not form[f"{key}-compared"].data:
                form[f"{key}-compared"].errors = [_l("Compare the original with the copy (L8), "
                                                     "or untick \"Shown\".")]
                ok = False
        if not ok:
            return _page("documents", draft, form, status=422, items=items, titles=titles)
        entries = [intake_service.DocumentEntry(
            item=i, title=titles[i.key], provided=bool(form[f"{i.key}-provided"].data),
            original_compared=bool(form[f"{i.key}-compared"].data),
            sheets=form[f"{i.key}-sheets"].data, number=form[f"{i.key}-number"].data or None,
            issued_on=form[f"{i.key}-issued_on"].data,
            valid_until=form[f"{i.key}-valid_until"].data,
            note=form[f"{i.key}-note"].data or None) for i in items]
        intake_service.save_documents(db.session(), draft, entries, _staff(), now=_now())
        return _next("documents", draft)
    return _page("documents", draft, form, items=items, titles=titles)


# -- F1: consents and undertakings -------------------------------------------------------------------

def _consent_texts() -> list[draft_sections.ConsentText]:
    locale = str(get_locale() or "kk")
    return [draft_sections.ConsentText(kind, str(text), locale, WORDING_VERSION)
            for kind, text in CONSENT_TEXTS.items()]


@bp.route("/intake/<number>/consents", methods=["GET", "POST"])
@allow(*INTAKE_ROLES)
def intake_consents(number: str) -> BaseResponse:
    draft = load_draft(number)
    form = ConsentsForm(data={c.kind.value: c.given for c in draft.consents})
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        agreed = {k for k in ConsentKind if getattr(form, k.value).data}
        session = db.session()
        draft_sections.save_consents(session, draft, _consent_texts(), agreed, now=_now())
        return _next("consents", draft)
    return _page("consents", draft, form, texts=CONSENT_TEXTS)


# -- the end of intake: accept (R6.1, R7.1) or refuse (R6.2) --------------------------------------------

@bp.route("/intake/<number>/finish", methods=["GET", "POST"])
@allow(*INTAKE_ROLES)
def intake_finish(number: str) -> BaseResponse:
    draft = load_draft(number, drafts_only=False)
    staff = _staff()
    form = IntakeFinishForm()
    now = _now()
    today = to_local(now).date()
    problem: str | None = None
    status = 200
    if request.method == "POST" and draft.status is Status.DRAFT:
        if not form.validate_on_submit():
            abort(400)
        session = db.session()
        action = request.form.get("action")
        try:
            if action == "accept":
                receipt = intake_service.accept(session, draft, staff, now=now, cal=calendar())
                flash(_l("The application was accepted. Print the receipt and hand it over."),
                      "success")
            elif action == "refuse":
                receipt = intake_service.refuse(session, draft, staff, now=now, cal=calendar())
                flash(_l("Acceptance was refused. Print the F2-1 receipt and hand it over."),
                      "success")
            else:
                abort(400)
            return redirect_after_post(url_for("staff.intake_receipt", number=draft.number,
                                               receipt_id=receipt.id))
        except intake_service.PackageIncomplete:
            session.rollback()
            problem = str(_l("The package is not complete: it cannot be accepted. Refuse "
                             "acceptance with the F2-1 receipt, or add the documents."))
        except intake_service.PackageComplete:
            session.rollback()
            problem = str(_l("Nothing is missing or expired: there is no ground to refuse "
                             "acceptance."))
        except IllegalTransition as refused:
            session.rollback()
            problem = str(_l("Your role or desk may not do this (%(reason)s).",
                             reason=refused.reason))
        status = 422
    if draft.status is not Status.DRAFT:
        _viewed(draft, staff)
    gaps = intake_service.gaps(draft, today) if draft.ground is not None else None
    allowed = _desk_actions(draft, staff)
    return _page("finish", draft, form, status=status, problem=problem, gaps=gaps,
                 checked=intake_service.checked(draft) if draft.ground else False,
                 times=intake_service.times(draft, now if draft.status is Status.DRAFT
                                            else None),
                 allowed=allowed, titles=_gap_titles(draft))


def _viewed(application: Application, staff: StaffUser) -> None:
    """Every staff view of a case is an event (the citizen's "who looked at my data")."""
    session = db.session()
    events.record(session, intake_service.staff_actor(staff), "case_viewed",
                  application_id=application.id)
    session.commit()


def _desk_actions(draft: Application, staff: StaffUser) -> set[str]:
    if draft.status is not Status.DRAFT or draft.ground is None:
        return set()
    from portal.domain.workflow import allowed_actions

    found = allowed_actions(draft.status, staff.actor, cases.case_state(draft).facts)
    return {a.value for a in found if a in (Action.ACCEPT_PAPER, Action.REFUSE_ACCEPTANCE)}


def _gap_titles(draft: Application) -> dict[str, str]:
    """Checklist keys (and bare kinds) in words, for the gaps and the F2-1 receipt."""
    titles = {k.value: item_title(draft, k, None) for k in DocumentKind}
    for item in intake_service.checklist(draft) if draft.ground else ():
        titles[item.key] = item_title(draft, item.kind, item.subject)
    for member in draft.family:
        if member.iin:
            titles[f"identity-{member.iin}"] = item_title(draft, DocumentKind.IDENTITY,
                                                          member.iin)
    if draft.applicant_iin:
        titles[f"identity-{draft.applicant_iin}"] = item_title(draft, DocumentKind.IDENTITY,
                                                               draft.applicant_iin)
    return titles


@bp.get("/intake/<number>/receipts/<int:receipt_id>")
@allow(*INTAKE_ROLES)
def intake_receipt(number: str, receipt_id: int) -> BaseResponse:
    """The printable receipt: the coupon, the electronic receipt, or the F2-1."""
    application = intake_service.district_case(db.session(), _staff(), number)
    if application is None:
        abort(404)
    receipt = intake_service.receipt_of(application, receipt_id)
    if receipt is None:
        abort(404)
    _viewed(application, _staff())
    return no_store(render("staff/intake/receipt.html", application=application,
                           receipt=receipt, titles=_gap_titles(application),
                           desk=application.desk))
