"""The review half of a case on the case page: the precinct commission (R7.2, F3, F4), the
documents coming back and the income (R11.1), the special commission's recommendation.

Each handler reads its form, says what is wrong field by field (nothing saved), or calls one
service of `services/review.py`, which goes through `cases.change`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from portal import db
from portal.db import utcnow
from portal.domain.calendar import to_local
from portal.domain.deadlines import commission_submission_due, precinct_referral_due
from portal.domain.forms import DocumentAcceptor
from portal.domain.inspection import (
    CategoryPresent,
    HousingType,
    IncomeRow,
    InspectionFindings,
    SupportRow,
)
from portal.domain.workflow import Action
from portal.models import Application, Commission, CommissionRole, StaffUser
from portal.services import review
from portal.services.workdays import calendar
from portal.views.staff.actions import CaseContext, Outcome, action_form

# -- reading the forms ----------------------------------------------------------------------

_MONEY = re.compile(r"^\d{1,9}(?:[.,]\d{1,2})?$")


def _text(form: MultiDict[str, str], name: str, limit: int = 300) -> str:
    return (form.get(name) or "").strip()[:limit]


def _count(form: MultiDict[str, str], name: str, errors: dict[str, str]) -> int:
    raw = _text(form, name) or "0"
    if not raw.isdigit() or len(raw) > 3:
        errors[name] = gettext("Enter a whole number, 0 or more.")
        return 0
    return int(raw)


def _money(raw: str, name: str, errors: dict[str, str], *, required: bool = False) -> int:
    """Tenge as people write them ("12 500", "12500,50") to tiyn; blank is 0 unless required."""
    value = raw.replace(" ", "").replace("\u00a0", "")
    if not value:
        if required:
            errors[name] = gettext("Enter the amount in tenge.")
        return 0
    if not _MONEY.match(value):
        errors[name] = gettext("Enter the amount in tenge, for example 12500 or 12500,50.")
        return 0
    whole, _, cents = value.replace(",", ".").partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def _date(form: MultiDict[str, str], name: str, errors: dict[str, str],
          today: dt.date) -> dt.date:
    raw = _text(form, name)
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = gettext("Enter the date as day, month and year.")
        return today
    if day > today:
        errors[name] = gettext("The date cannot be in the future.")
    elif day < today - dt.timedelta(days=366):
        errors[name] = gettext("The date is more than a year ago.")
    return day


def _today(ctx: CaseContext) -> dt.date:
    return to_local(ctx.now).date()


def _signers(ctx: CaseContext, commission: Commission,
             errors: dict[str, str]) -> tuple[str, list[str]]:
    """The chair and the members present, ticked from the district's commission."""
    members = {str(m.id): m for m in review.commission_members(
        ctx.session, ctx.application.district_id, commission)}
    ticked = [members[i] for i in ctx.form.getlist("signer") if i in members]
    chairs = [m for m in ticked if m.role is CommissionRole.CHAIR]
    if not members:
        errors["signer"] = gettext("The district has no members of this commission; ask the "
                                   "administrator to add them.")
    elif not ticked:
        errors["signer"] = gettext("Tick the members of the commission who were present.")
    elif len(chairs) != 1:
        errors["signer"] = gettext("Tick the chair of the commission (one chair signs).")
    if errors.get("signer"):
        return "", []
    chair = chairs[0]
    return (f"{chair.full_name}, {chair.position}",
            [f"{m.full_name}, {m.position}" for m in ticked if m is not chair])


def _members_context(commission: Commission) -> Any:
    def provide(application: Application, staff: StaffUser) -> Mapping[str, Any]:
        members = review.commission_members(db.session(), application.district_id, commission)
        return {"commission_members": members,
                "chair_ids": [str(m.id) for m in members]}
    return provide


def _applicant(application: Application) -> str:
    return " ".join(p for p in (application.applicant_surname, application.applicant_given_name,
                                application.applicant_patronymic) if p)


# -- R7.2 -----------------------------------------------------------------------------------

def _precinct_due(application: Application, staff: StaffUser) -> Mapping[str, Any]:
    registered = application.registered_on or application.term_started_on
    return {"precinct_due": precinct_referral_due(registered, calendar()) if registered else None}


@action_form(Action.SEND_TO_PRECINCT, "staff/actions/send_to_precinct.html",
             label=_l("Send to the precinct commission"), context=_precinct_due)
def send_to_precinct(ctx: CaseContext) -> Outcome:
    review.send_to_precinct(ctx.session, ctx.application, ctx.actor, ctx.who, now=ctx.now,
                            cal=ctx.cal)
    return Outcome(message=gettext("The documents were sent to the precinct commission."))


# -- F3 -------------------------------------------------------------------------------------

_PROBLEM_FIELDS = {
    "negative_number": ("able_bodied", _l("Numbers cannot be negative.")),
    "more_unemployed_than_able_bodied": (
        "registered_unemployed", _l("There cannot be more registered unemployed than able-bodied "
                                    "members.")),
    "more_students_than_children": (
        "fee_paying_students", _l("There cannot be more students than children.")),
    "fee_without_students": (
        "yearly_fee", _l("Enter the yearly fee together with the number of fee-paying "
                         "students (both or neither).")),
    "other_category_unnamed": (
        "other_category", _l("Name the other category, or untick \"another category\".")),
    "other_housing_unnamed": (
        "housing_other", _l("Describe the other kind of housing, or choose one of the kinds.")),
    "negative_amount": ("income", _l("Amounts cannot be negative.")),
    "income_row_incomplete": (
        "income", _l("Each line of the income table needs the family member and the kind of "
                     "income.")),
    "sanitary_state_missing": ("sanitary_state", _l("Describe the sanitary state of the home.")),
}
INCOME_ROWS_EXTRA = 2
SUPPORT_ROWS = 2


def _rows(form: MultiDict[str, str], prefix: str, names: tuple[str, ...]) -> list[list[str]]:
    columns = [form.getlist(f"{prefix}_{n}") for n in names]
    count = max((len(c) for c in columns), default=0)
    return [[(c[i] if i < len(c) else "").strip()[:300] for c in columns] for i in range(count)]


def _findings(ctx: CaseContext, errors: dict[str, str]) -> InspectionFindings | None:
    form = ctx.form
    counts = {n: _count(form, n, errors) for n in (
        "able_bodied", "registered_unemployed", "children", "fee_paying_students")}
    yearly_fee = _money(_text(form, "yearly_fee"), "yearly_fee", errors)
    categories = set()
    for code in form.getlist("categories"):
        try:
            categories.add(CategoryPresent(code))
        except ValueError:
            errors["categories"] = gettext("Choose the categories from the list.")
    try:
        housing = HousingType(_text(form, "housing"))
    except ValueError:
        errors["housing"] = gettext("Choose the kind of housing.")
        housing = HousingType.OTHER
    costs = _money(_text(form, "housing_costs"), "housing_costs", errors)
    incomes = []
    for member, kind, quarter, farm in _rows(form, "income", ("member", "kind", "quarter",
                                                               "farm")):
        if not (kind or quarter or farm):
            continue  # a family member's line left empty: no income of theirs
        incomes.append(IncomeRow(member, kind, _money(quarter, "income", errors), farm))
    support: dict[str, list[SupportRow]] = {"prior": [], "other": []}
    for prefix in support:
        for kind_form, amount, source in _rows(form, prefix, ("form", "amount", "source")):
            if not (kind_form or amount or source):
                continue
            if not kind_form or not source:
                errors[prefix] = gettext("Each line needs the form of the assistance or income, "
                                         "the amount and the source.")
            support[prefix].append(SupportRow(kind_form, _money(amount, prefix, errors,
                                                                required=True), source))
    if errors:
        return None
    findings = InspectionFindings(
        able_bodied=counts["able_bodied"], registered_unemployed=counts["registered_unemployed"],
        children=counts["children"], fee_paying_students=counts["fee_paying_students"],
        yearly_fee_tiyn=yearly_fee, categories=frozenset(categories),
        other_category=_text(form, "other_category"), housing=housing,
        housing_other=_text(form, "housing_other", 200), housing_costs_tiyn=costs,
        incomes=tuple(incomes), car=_text(form, "car"), other_housing=_text(form, "other_housing"),
        prior_assistance=tuple(support["prior"]), other_income=tuple(support["other"]),
        school_supplies=_text(form, "school_supplies"),
        sanitary_state=_text(form, "sanitary_state"))
    for code in findings.problems():
        field, message = _PROBLEM_FIELDS.get(code, ("_", _l("The act is inconsistent.")))
        errors.setdefault(field, str(message))
    return None if errors else findings


def _inspection_context(application: Application, staff: StaffUser) -> Mapping[str, Any]:
    context = dict(_members_context(Commission.PRECINCT)(application, staff))
    people = [_applicant(application)] + [m.full_name for m in application.family]
    context.update(
        family_names=[p for p in people if p], income_rows_extra=INCOME_ROWS_EXTRA,
        support_rows=SUPPORT_ROWS,
        category_options=[c.value for c in CategoryPresent],
        housing_options=[h.value for h in HousingType])
    return context


@action_form(Action.RECORD_INSPECTION, "staff/actions/record_inspection.html",
             label=_l("Record the act of inspection (F3)"), context=_inspection_context)
def record_inspection(ctx: CaseContext) -> Outcome:
    errors: dict[str, str] = {}
    inspected_on = _date(ctx.form, "inspected_on", errors, _today(ctx))
    findings = _findings(ctx, errors)
    chair, members = _signers(ctx, Commission.PRECINCT, errors)
    if errors or findings is None:
        return Outcome(errors=errors)
    review.record_inspection(
        ctx.session, ctx.application, ctx.actor, ctx.who, inspected_on=inspected_on,
        findings=findings, chair=chair, members=members,
        applicant_has_read=ctx.form.get("applicant_has_read") == "on", now=ctx.now, cal=ctx.cal)
    return Outcome(message=gettext("The act of inspection was recorded."))


@action_form(Action.RECORD_INSPECTION_REFUSAL, "staff/actions/record_inspection_refusal.html",
             label=_l("The applicant refused the inspection (F3)"),
             context=_inspection_context)
def record_inspection_refusal(ctx: CaseContext) -> Outcome:
    errors: dict[str, str] = {}
    inspected_on = _date(ctx.form, "inspected_on", errors, _today(ctx))
    refused_by = _text(ctx.form, "refused_by", 200)
    if not refused_by:
        errors["refused_by"] = gettext("Enter who refused the inspection: the applicant or a "
                                       "family member.")
    chair, members = _signers(ctx, Commission.PRECINCT, errors)
    if errors:
        return Outcome(errors=errors)
    review.record_inspection_refusal(
        ctx.session, ctx.application, ctx.actor, ctx.who, inspected_on=inspected_on,
        refused_by=refused_by, chair=chair, members=members, now=ctx.now, cal=ctx.cal)
    return Outcome(message=gettext("The refusal of the inspection was recorded."))


# -- F4 -------------------------------------------------------------------------------------

def _yes_no(form: MultiDict[str, str], name: str, errors: dict[str, str], message: str) -> bool:
    value = form.get(name)
    if value not in ("yes", "no"):
        errors[name] = message
    return value == "yes"


@action_form(Action.CONCLUDE_PRECINCT, "staff/actions/conclude_precinct.html",
             label=_l("Conclusion of the precinct commission (F4)"),
             context=_members_context(Commission.PRECINCT))
def conclude_precinct(ctx: CaseContext) -> Outcome:
    form, errors = ctx.form, dict[str, str]()
    today = _today(ctx)
    number = _text(form, "number", 30)
    if not number:
        errors["number"] = gettext("Enter the number of the conclusion.")
    concluded_on = _date(form, "concluded_on", errors, today)
    needs = _yes_no(form, "needs", errors,
                    gettext("Choose whether the person (family) needs assistance."))
    reasons = _text(form, "reasons", 2000)
    if not reasons:
        errors["reasons"] = gettext("Write the reasons for the conclusion.")
    chair, members = _signers(ctx, Commission.PRECINCT, errors)
    acceptance = None
    kind = form.get("accepted_by_kind", "")
    if kind:
        try:
            acceptor = DocumentAcceptor(kind)
        except ValueError:
            errors["accepted_by_kind"] = gettext("Choose who accepted the conclusion.")
            acceptor = DocumentAcceptor.DEPARTMENT
        name, position = _text(form, "accepted_by_name", 200), _text(
            form, "accepted_by_position", 200)
        if not name:
            errors["accepted_by_name"] = gettext("Enter the name of who accepted it.")
        if not position:
            errors["accepted_by_position"] = gettext("Enter the position of who accepted it.")
        copies = _count(form, "copies", errors)
        if copies < 1 and "copies" not in errors:
            errors["copies"] = gettext("Enter the number of copies, 1 or more.")
        accepted_on = _date(form, "accepted_on", errors, today)
        acceptance = review.Acceptance(copies, accepted_on, name, position, acceptor)
    if errors:
        return Outcome(errors=errors)
    review.conclude_precinct(
        ctx.session, ctx.application, ctx.actor, ctx.who, number=number,
        concluded_on=concluded_on, needs_assistance=needs, reasons=reasons, chair=chair,
        members=members, acceptance=acceptance, now=ctx.now, cal=ctx.cal)
    return Outcome(message=gettext("The conclusion of the precinct commission was recorded."))


# -- R11.1 ----------------------------------------------------------------------------------

def _income_due(application: Application, staff: StaffUser) -> Mapping[str, Any]:
    today = to_local(utcnow()).date()
    received = application.documents_received_on
    return {"income_due": commission_submission_due(received or today, calendar()),
            "plan": review.income_plan(application, today)}


@action_form(Action.RECEIVE_DOCUMENTS, "staff/actions/receive_documents.html",
             label=_l("The documents were received"), context=_income_due)
def receive_documents(ctx: CaseContext) -> Outcome:
    review.receive_documents(ctx.session, ctx.application, ctx.actor, ctx.who, now=ctx.now,
                             cal=ctx.cal)
    return Outcome(message=gettext("The documents were received: the income is due in 1 "
                                   "working day."))


@action_form(Action.COMPUTE_INCOME, "staff/actions/compute_income.html",
             label=_l("Compute the per-capita income (R11.1)"), context=_income_due)
def compute_income(ctx: CaseContext) -> Outcome:
    plan = review.income_plan(ctx.application, _today(ctx))
    keys = {line.key for line in plan.lines}
    counted = set(ctx.form.getlist("count"))
    if counted - keys:
        return Outcome(errors={"count": gettext("Choose the incomes from the list.")})
    result = review.compute_income(ctx.session, ctx.application, ctx.actor, ctx.who,
                                   counted=counted, computed_by=ctx.staff, now=ctx.now,
                                   cal=ctx.cal)
    from portal.web.i18n import tenge

    return Outcome(message=gettext(
        "The income was computed: %(amount)s a month per person, %(verdict)s.",
        amount=tenge(result.per_capita_tiyn),
        verdict=gettext("not above the threshold") if result.below_threshold
        else gettext("above the threshold")))


@action_form(Action.SUBMIT_TO_COMMISSION, "staff/actions/submit_to_commission.html",
             label=_l("Submit to the special commission"), context=_income_due)
def submit_to_commission(ctx: CaseContext) -> Outcome:
    review.submit_to_commission(ctx.session, ctx.application, ctx.actor, ctx.who, now=ctx.now,
                                cal=ctx.cal)
    return Outcome(message=gettext("The package was submitted to the special commission."))


# -- the special commission -----------------------------------------------------------------

@action_form(Action.CONCLUDE_COMMISSION, "staff/actions/conclude_commission.html",
             label=_l("Conclusion of the special commission"))
def conclude_commission(ctx: CaseContext) -> Outcome:
    form, errors = ctx.form, dict[str, str]()
    concluded_on = _date(form, "concluded_on", errors, _today(ctx))
    needs = _yes_no(form, "needs", errors,
                    gettext("Choose the commission's recommendation."))
    ground: int | None = None
    raw = form.get("model_rules_ground", "")
    if raw:
        if raw not in ("1", "2", "4"):
            errors["model_rules_ground"] = gettext("Choose ground 1), 2) or 4).")
        else:
            ground = int(raw)
    elif needs:
        errors["model_rules_ground"] = gettext("Choose the ground of the Model Rules the "
                                               "commission concluded on.")
    amount = _money(_text(form, "recommended_amount"), "recommended_amount", errors)
    reasons = _text(form, "reasons", 2000)
    if not needs and not reasons and "needs" not in errors:
        errors["reasons"] = gettext("Write why the commission found no need.")
    if errors:
        return Outcome(errors=errors)
    review.conclude_commission(
        ctx.session, ctx.application, ctx.actor, ctx.who, concluded_on=concluded_on,
        needs_assistance=needs, model_rules_ground=ground,
        recommended_amount_tiyn=amount or None, reasons=reasons, now=ctx.now, cal=ctx.cal)
    return Outcome(message=gettext("The conclusion of the special commission was recorded."))


