"""Applying on the portal (F1-1): start, the task list and one page per section.

Every section page is a real form: a plain submit saves and goes on (JavaScript off), and htmx
saves on change with the same form (204-like "saved" fragment, 422 with the message on an error).
Objects come through one loader that answers 404 for anyone else's draft.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from portal import db
from portal.db import utcnow
from portal.domain.apply import Section, SectionState, ready_to_check
from portal.domain.forms import ApplicantCapacity, ConsentKind, Relation
from portal.domain.income import previous_quarter
from portal.domain.workflow import Status
from portal.forms.apply import (
    AddressForm,
    ApplicantForm,
    BankForm,
    BehalfForm,
    ConfirmForm,
    ConsentsForm,
    ContactsForm,
    GroundForm,
    MemberForm,
)
from portal.gateway import gateway
from portal.models import Application, Citizen, District, DistrictGround, FamilyMember
from portal.services import draft_sections as sections_service
from portal.services import drafts
from portal.services.register_queries import ask_registers, progress
from portal.views.citizen import bp
from portal.web.access import CITIZEN, allow, current
from portal.web.consents import CONSENT_TEXTS, WORDING_VERSION
from portal.web.htmx import is_htmx, no_store, redirect_after_post, render

ORDER = [s for s in Section]
TITLES = {
    Section.GROUND: _l("Assistance and ground"),
    Section.BEHALF: _l("On whose behalf"),
    Section.APPLICANT: _l("The applicant"),
    Section.ADDRESS: _l("Address"),
    Section.FAMILY: _l("Family members"),
    Section.REGISTERS: _l("Data from the state registers"),
    Section.INCOME: _l("Income of the last quarter"),
    Section.BANK: _l("Bank account"),
    Section.CONTACTS: _l("Phone and e-mail"),
    Section.DOCUMENTS: _l("Documents"),
    Section.CONSENTS: _l("Consents and undertakings"),
}
STATE_LABELS = {
    SectionState.NOT_STARTED: _l("Not started"),
    SectionState.IN_PROGRESS: _l("In progress"),
    SectionState.DONE: _l("Done"),
    SectionState.CANNOT_START: _l("Cannot start yet"),
    SectionState.NOT_NEEDED: _l("Not needed"),
}


def _citizen() -> Citizen:
    principal = current()
    citizen = principal.citizen if principal is not None else None  # one load: kept, not twice
    assert citizen is not None
    return citizen


def citizen_id() -> int:
    """The signed-in citizen's id, from the session: no load of the person's row, for a page
    that needs only their id."""
    principal = current()
    assert principal.kind == "citizen" and principal.id is not None
    return principal.id


def _locale() -> str:
    return str(get_locale() or "kk")


def load_draft(number: str) -> Application:
    """The signed-in citizen's own draft; 404 for anything else (same answer as "no such")."""
    application = drafts.own_application(db.session(), _citizen(), number)
    if application is None:
        abort(404)
    if application.status is not Status.DRAFT:
        abort(redirect(url_for("citizen.application", number=number), code=303))
    return application


def _next_url(draft: Application, after: Section) -> str:
    if request.args.get("return") == "check" or request.form.get("return") == "check":
        return url_for("citizen.check_answers", number=draft.number)
    states = drafts.states(draft)
    position = ORDER.index(after)
    for section in ORDER[position + 1:] + ORDER[:position]:
        if states[section] in (SectionState.NOT_STARTED, SectionState.IN_PROGRESS):
            return url_for(f"citizen.section_{section.value}", number=draft.number)
    if ready_to_check(states):
        return url_for("citizen.check_answers", number=draft.number)
    return url_for("citizen.task_list", number=draft.number)


def _guard(draft: Application, section: Section) -> BaseResponse | None:
    """A section that cannot start yet sends the person to the task list, saying why."""
    if drafts.states(draft)[section] is SectionState.CANNOT_START:
        flash(_l("Finish the sections above this one first."), "info")
        return redirect(url_for("citizen.task_list", number=draft.number), code=303)
    return None


def _page(section: Section, draft: Application, form: Any, *, status: int = 200,
          **context: Any) -> BaseResponse:
    """The section's page; to an htmx autosave only the "saved" note. To "continue" sent by
    htmx that must stay on the page (an error, a warning), the page's <main> replaces it."""
    page = f"citizen/apply/{section.value}.html"
    values = dict(status=status, draft=draft, form=form, section=section,
                  title=TITLES[section], saved=status == 200, **context)
    if request.method == "POST" and is_htmx() and not _autosave():
        response = no_store(render(page, **values))
        response.headers.update({"HX-Retarget": "#main", "HX-Reswap": "outerHTML",
                                 "HX-Reselect": "#main"})
        return response
    return no_store(render(page, "citizen/apply/_saved.html", **values))


def _autosave() -> bool:
    """An htmx save of a changed field, not the "Save and continue" button (plain or htmx)."""
    return is_htmx() and request.form.get("continue") != "1"


def _valid(form: Any, name: str, current: Any) -> Any:
    """A field's value if it passed its checks, else what the draft holds: an autosave keeps
    every good answer and never overwrites one with a half-typed one."""
    field = form[name]
    return current if field.errors else field.data


def _saved_or_next(draft: Application, section: Section) -> BaseResponse:
    """Autosave (htmx) answers with a small "saved" note; "continue" confirms and goes on."""
    if _autosave():
        return no_store(render("citizen/apply/_saved.html", "citizen/apply/_saved.html",
                               saved=True, draft=draft))
    drafts.mark_done(db.session(), draft, section, _citizen(), now=utcnow())
    return redirect_after_post(_next_url(draft, section))


def _not_saved(section: Section, draft: Application, form: Any, **context: Any) -> BaseResponse:
    return _page(section, draft, form, status=422, **context)


# -- start, continue, task list -------------------------------------------------------------------

@bp.get("/applications/new")
@allow(CITIZEN)
def new_application() -> BaseResponse:
    """A second "apply" offers to continue the drafts the person has."""
    existing = drafts.drafts_of(db.session(), _citizen())
    return no_store(render("citizen/apply/new.html", drafts=existing, form=ConfirmForm(),
                           titles=TITLES))


@bp.post("/applications/new")
@allow(CITIZEN)
def start_application() -> BaseResponse:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    session = db.session()
    citizen = _citizen()
    district = _home_district(citizen) or session.scalar(select(District).order_by(District.id))
    if district is None:
        abort(503)
    draft = drafts.start_draft(session, citizen, district, now=utcnow())
    return redirect_after_post(url_for("citizen.task_list", number=draft.number))


def _home_district(citizen: Citizen) -> District | None:
    """The district of the registered address, when the register names one this portal serves."""
    result = gateway().person(citizen.iin, citizen_id=citizen.id)
    person = result.person
    code = (person.address or {}).get("district") if person is not None else None
    if not code:
        return None
    return db.session().scalar(select(District).where(District.code == code))


@bp.get("/applications/<number>/")
@allow(CITIZEN)
def task_list(number: str) -> BaseResponse:
    draft = load_draft(number)
    states = drafts.states(draft)
    return no_store(render("citizen/apply/task_list.html", draft=draft, states=states,
                           order=ORDER, titles=TITLES, state_labels=STATE_LABELS,
                           ready=ready_to_check(states),
                           done=sum(s in (SectionState.DONE, SectionState.NOT_NEEDED)
                                    for s in states.values()),
                           form=ConfirmForm()))


@bp.post("/applications/<number>/delete")
@allow(CITIZEN)
def delete_application(number: str) -> BaseResponse:
    draft = load_draft(number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    drafts.delete_draft(db.session(), draft, _citizen(), now=utcnow())
    flash(_l("The draft was deleted."), "success")
    return redirect_after_post(url_for("citizen.cabinet"))


# -- the ground -------------------------------------------------------------------------------------

def _offers(draft: Application) -> list[DistrictGround]:
    return [g for g in draft.district.grounds if g.enabled and g.retired_at is None]


@bp.route("/applications/<number>/ground", methods=["GET", "POST"])
@allow(CITIZEN)
def section_ground(number: str) -> BaseResponse:
    draft = load_draft(number)
    offers = _offers(draft)
    form = GroundForm(data={"offer": str(draft.district_ground_id or ""),
                            "requested": draft.assistance_requested})
    form.offer.choices = [SelectChoice(str(o.id), o.category.value) for o in offers]
    if request.method == "POST":
        if not form.validate_on_submit():
            if _autosave():
                return _saved_or_next(draft, Section.GROUND)
            return _not_saved(Section.GROUND, draft, form, offers=offers)
        offer = next(o for o in offers if str(o.id) == form.offer.data)
        try:
            drafts.choose_ground(db.session(), draft, _citizen(), offer,
                                 form.requested.data or None)
        except drafts.DraftExists as exists:
            flash(_l("You already have a draft on this ground: continue it here."), "info")
            return redirect_after_post(url_for("citizen.task_list", number=exists.draft.number))
        return _saved_or_next(draft, Section.GROUND)
    return _page(Section.GROUND, draft, form, offers=offers)


# -- on whose behalf (R3.1) -------------------------------------------------------------------------

@bp.route("/applications/<number>/behalf", methods=["GET", "POST"])
@allow(CITIZEN)
def section_behalf(number: str) -> BaseResponse:
    draft = load_draft(number)
    citizen = _citizen()
    form = BehalfForm(data={
        "capacity": draft.capacity.value,
        "represented_iin": draft.applicant_iin if draft.representative_iin else "",
        "poa_number": draft.poa_number, "poa_date": draft.poa_date})
    if request.method == "POST":
        ok = form.validate_on_submit()
        if not ok and not _autosave():
            return _not_saved(Section.BEHALF, draft, form)
        if form.capacity.errors or not form.capacity.data:
            return _saved_or_next(draft, Section.BEHALF)
        capacity = ApplicantCapacity(form.capacity.data)
        represented = _valid(form, "represented_iin",
                             draft.applicant_iin if draft.representative_iin else None)
        sections_service.save_behalf(
            db.session(), draft, citizen, capacity, represented_iin=represented or None,
            poa_number=_valid(form, "poa_number", draft.poa_number) or None,
            poa_date=_valid(form, "poa_date", draft.poa_date))
        return _saved_or_next(draft, Section.BEHALF)
    return _page(Section.BEHALF, draft, form)


# -- the applicant, confirmed by the registers ------------------------------------------------------

def _applicant_answer(draft: Application) -> Any:
    for answer in draft.gateway_answers:
        if answer.subject_iin == draft.applicant_iin and answer.query.value == "residence":
            return answer
    return None


@bp.route("/applications/<number>/applicant", methods=["GET", "POST"])
@allow(CITIZEN)
def section_applicant(number: str) -> BaseResponse:
    draft = load_draft(number)
    if (blocked := _guard(draft, Section.APPLICANT)) is not None:
        return blocked
    session = db.session()
    answer = _applicant_answer(draft)
    if answer is None or (request.method == "POST" and request.form.get("ask") == "again"):
        sections_service.confirm_applicant(session, gateway(), draft, _citizen())
        answer = _applicant_answer(draft)
        if request.form.get("ask") == "again":
            return redirect_after_post(url_for("citizen.section_applicant", number=number))
    found = answer is not None and answer.outcome.value == "found"
    form = ApplicantForm(data={
        "surname": draft.applicant_surname, "given_name": draft.applicant_given_name,
        "patronymic": draft.applicant_patronymic, "id_doc_type": draft.id_doc_type or "id_card",
        "id_doc_number": draft.id_doc_number, "id_doc_issued_by": draft.id_doc_issued_by,
        "id_doc_issued_on": draft.id_doc_issued_on})
    if request.method == "POST":
        ok = form.validate_on_submit()
        if not found and not (form.surname.data and form.given_name.data):
            form.surname.errors = [*form.surname.errors, _l("Enter the surname and the name.")]
            ok = False
        if not ok and not _autosave():
            return _not_saved(Section.APPLICANT, draft, form, answer=answer, found=found)
        values: dict[str, Any] = {
            name: _valid(form, name, getattr(draft, name)) or None
            for name in ("id_doc_type", "id_doc_number", "id_doc_issued_by")
        }
        values["id_doc_issued_on"] = _valid(form, "id_doc_issued_on", draft.id_doc_issued_on)
        if not found:
            values.update(
                applicant_surname=_valid(form, "surname", draft.applicant_surname) or None,
                applicant_given_name=_valid(form, "given_name", draft.applicant_given_name)
                or None,
                applicant_patronymic=_valid(form, "patronymic", draft.applicant_patronymic)
                or None)
        sections_service.save_applicant(session, draft, values)
        return _saved_or_next(draft, Section.APPLICANT)
    return _page(Section.APPLICANT, draft, form, answer=answer, found=found)


# -- address ----------------------------------------------------------------------------------------

_ADDRESS_FIELDS = ("addr_region", "addr_city", "addr_village", "addr_street", "addr_house",
                   "addr_flat")


@bp.route("/applications/<number>/address", methods=["GET", "POST"])
@allow(CITIZEN)
def section_address(number: str) -> BaseResponse:
    draft = load_draft(number)
    if (blocked := _guard(draft, Section.ADDRESS)) is not None:
        return blocked
    register = sections_service.register_address(draft)
    form = AddressForm(data={**{f: getattr(draft, f) for f in _ADDRESS_FIELDS},
                             "reason": draft.address_correction_reason})
    if request.method == "POST":
        ok = form.validate_on_submit()
        values = {f: (getattr(form, f).data or None) for f in _ADDRESS_FIELDS}
        differs = register is None or any(
            (values[f"addr_{k}"] or None) != (register.get(k) or None)
            for k in ("region", "city", "village", "street", "house", "flat"))
        if ok and differs and register is not None and not form.reason.data:
            form.reason.errors = [_l("Say why the address differs from the register.")]
            ok = False
        if not ok and not _autosave():
            return _not_saved(Section.ADDRESS, draft, form, register=register)
        values = {f: _valid(form, f, getattr(draft, f)) or None for f in _ADDRESS_FIELDS}
        sections_service.save_address(db.session(), draft, values, form.reason.data or None)
        return _saved_or_next(draft, Section.ADDRESS)
    return _page(Section.ADDRESS, draft, form, register=register)


# -- family members ---------------------------------------------------------------------------------

@bp.route("/applications/<number>/family", methods=["GET", "POST"])
@allow(CITIZEN)
def section_family(number: str) -> BaseResponse:
    draft = load_draft(number)
    if (blocked := _guard(draft, Section.FAMILY)) is not None:
        return blocked
    form = MemberForm(formdata=None)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        return _saved_or_next(draft, Section.FAMILY)
    return _page(Section.FAMILY, draft, form, relations=Relation)


@bp.post("/applications/<number>/family/add")
@allow(CITIZEN)
def add_family_member(number: str) -> BaseResponse:
    draft = load_draft(number)
    if (blocked := _guard(draft, Section.FAMILY)) is not None:
        return blocked
    form = MemberForm()
    ok = form.validate_on_submit()
    iin = form.iin.data
    if ok and iin in {draft.applicant_iin, *(m.iin for m in draft.family)}:
        form.iin.errors = [_l("This person is already in the application.")]
        ok = False
    if not ok:
        return _not_saved(Section.FAMILY, draft, form, relations=Relation)
    try:
        result = sections_service.add_member(db.session(), gateway(), draft, _citizen(), iin,
                                             Relation(form.relation.data),
                                             typed_name=form.full_name.data or None)
    except sections_service.NameNeeded:
        form.full_name.errors = [_l("The State database of individuals does not know this "
                                    "person: type their full name as in their identity "
                                    "document.")]
        return _not_saved(Section.FAMILY, draft, form, relations=Relation)
    if result.person is None:
        flash(_l("The State database of individuals did not confirm this person. They are added; "
                 "you will be asked to attach their identity document."), "info")
    return redirect_after_post(url_for("citizen.section_family", number=number))


@bp.post("/applications/<number>/family/<int:member_id>/remove")
@allow(CITIZEN)
def remove_family_member(number: str, member_id: int) -> BaseResponse:
    draft = load_draft(number)
    member = family_member(draft, member_id)
    if member is None or not ConfirmForm().validate_on_submit():
        abort(404)
    sections_service.remove_member(db.session(), draft, member)
    flash(_l("%(name)s was removed from the application.", name=member.full_name), "success")
    return redirect_after_post(url_for("citizen.section_family", number=number))


# -- the registers (R6.3) ---------------------------------------------------------------------------

@bp.route("/applications/<number>/registers", methods=["GET", "POST"])
@allow(CITIZEN)
def section_registers(number: str) -> BaseResponse:
    draft = load_draft(number)
    if (blocked := _guard(draft, Section.REGISTERS)) is not None:
        return blocked
    session = db.session()
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        action = request.form.get("action")
        if action in ("ask", "retry"):
            ask_registers(session, gateway(), draft, _citizen(), retry=action == "retry")
            drafts.mark_touched(draft, Section.REGISTERS)
            session.commit()
            return redirect_after_post(url_for("citizen.section_registers", number=number))
        items = progress(session, gateway(), draft)
        if any(not i.asked or i.outcome is None for i in items):
            flash(_l("Wait until every register has answered."), "info")
            return redirect_after_post(url_for("citizen.section_registers", number=number))
        drafts.mark_done(session, draft, Section.REGISTERS, _citizen(), now=utcnow())
        return redirect_after_post(_next_url(draft, Section.REGISTERS))
    items = progress(session, gateway(), draft)
    pending = any(i.asked and i.outcome is None for i in items)
    response = render("citizen/apply/registers.html", "citizen/apply/_registers.html",
                      draft=draft, items=items, pending=pending, form=ConfirmForm(),
                      section=Section.REGISTERS, title=TITLES[Section.REGISTERS],
                      not_asked=any(not i.asked for i in items),
                      may_retry=any(i.may_retry for i in items))
    if is_htmx() and not pending:
        response.status_code = 286  # htmx: stop polling
    return no_store(response)


# -- bank, contacts -----------------------------------------------------------------------------------

@bp.route("/applications/<number>/bank", methods=["GET", "POST"])
@allow(CITIZEN)
def section_bank(number: str) -> BaseResponse:
    draft = load_draft(number)
    if (blocked := _guard(draft, Section.BANK)) is not None:
        return blocked
    accounts = sections_service.register_accounts(draft)
    first = accounts[0] if accounts else {}
    form = BankForm(data={"bank_name": draft.bank_name or first.get("bank"),
                          "iban": draft.bank_account or first.get("iban")})
    if request.method == "POST":
        if not form.validate_on_submit() and not _autosave():
            return _not_saved(Section.BANK, draft, form, accounts=accounts)
        sections_service.save_bank(db.session(), draft,
                                   _valid(form, "bank_name", draft.bank_name),
                                   _valid(form, "iban", draft.bank_account))
        return _saved_or_next(draft, Section.BANK)
    return _page(Section.BANK, draft, form, accounts=accounts)


@bp.route("/applications/<number>/contacts", methods=["GET", "POST"])
@allow(CITIZEN)
def section_contacts(number: str) -> BaseResponse:
    draft = load_draft(number)
    form = ContactsForm(data={"phone": draft.phone, "email": draft.email})
    if request.method == "POST":
        if not form.validate_on_submit() and not _autosave():
            return _not_saved(Section.CONTACTS, draft, form)
        sections_service.save_contacts(db.session(), draft,
                                       _valid(form, "phone", draft.phone),
                                       _valid(form, "email", draft.email) or None)
        return _saved_or_next(draft, Section.CONTACTS)
    return _page(Section.CONTACTS, draft, form)


# -- consents ---------------------------------------------------------------------------------------

def consent_texts() -> list[sections_service.ConsentText]:
    locale = _locale()
    return [sections_service.ConsentText(kind, str(text), locale, WORDING_VERSION)
            for kind, text in CONSENT_TEXTS.items()]


@bp.route("/applications/<number>/consents", methods=["GET", "POST"])
@allow(CITIZEN)
def section_consents(number: str) -> BaseResponse:
    draft = load_draft(number)
    given = {c.kind.value: c.given for c in draft.consents}
    form = ConsentsForm(data=given)
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        agreed = {k for k in ConsentKind if getattr(form, k.value).data}
        sections_service.save_consents(db.session(), draft, consent_texts(), agreed,
                                       now=utcnow())
        if ConsentKind.PERSONAL_DATA not in agreed and request.form.get("declined_ok") != "1" \
                and not _autosave():
            return _page(Section.CONSENTS, draft, form, texts=CONSENT_TEXTS, warn_declined=True)
        return _saved_or_next(draft, Section.CONSENTS)
    return _page(Section.CONSENTS, draft, form, texts=CONSENT_TEXTS)


def _today() -> dt.date:
    from portal.domain.calendar import to_local

    return to_local(utcnow()).date()


def quarter() -> tuple[dt.date, dt.date]:
    return previous_quarter(_today())


def member_choices(draft: Application) -> list[tuple[str, str]]:
    people = [(draft.applicant_iin or "", " ".join(
        p for p in (draft.applicant_surname, draft.applicant_given_name) if p))]
    people += [(m.iin or "", m.full_name) for m in draft.family]
    return people


def family_member(draft: Application, member_id: int) -> FamilyMember | None:
    return next((m for m in draft.family if m.id == member_id), None)
