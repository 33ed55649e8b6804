"""The intake half of a case on the case page: accept a paper package (the desk journey does
it), register a submitted application (R7.1), refuse to accept one (R6.2, F2-1)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from portal.domain.calendar import to_local
from portal.domain.package import DocumentKind
from portal.domain.workflow import Action, Status
from portal.services import intake as intake_service
from portal.views.staff.actions import CaseContext, Outcome, action_form

# What a submitted application can lack or hold expired (L8, R3.1): the F2-1's list.
REFUSAL_KINDS = (DocumentKind.IDENTITY, DocumentKind.INCOME, DocumentKind.GROUND_PROOF,
                 DocumentKind.POWER_OF_ATTORNEY)


@action_form(Action.ACCEPT_PAPER, "staff/actions/accept_paper.html",
             label=_l("Accept the paper package"))
def accept_paper(ctx: CaseContext) -> Outcome:
    """A paper package is accepted at the desk, after the documents were gone through there."""
    return Outcome(redirect=url_for("staff.intake_finish", number=ctx.application.number))


@action_form(Action.REGISTER, "staff/actions/register.html",
             label=_l("Register the application"))
def register(ctx: CaseContext) -> Outcome:
    intake_service.register_submitted(ctx.session, ctx.application, ctx.actor, ctx.who,
                                      now=ctx.now, cal=ctx.cal)
    day = to_local(ctx.now).strftime("%d.%m.%Y")
    return Outcome(message=gettext("The application was registered on %(day)s (R7.1).",
                                   day=day))


@action_form(Action.REFUSE_ACCEPTANCE, "staff/actions/refuse_acceptance.html",
             label=_l("Refuse to accept (F2-1)"))
def refuse_acceptance(ctx: CaseContext) -> Outcome:
    application = ctx.application
    if application.status is Status.DRAFT:  # a paper draft: refused at the desk, with its list
        return Outcome(redirect=url_for("staff.intake_finish", number=application.number))
    known = {k.value for k in REFUSAL_KINDS}
    missing = [k for k in ctx.form.getlist("missing") if k in known]
    expired = [k for k in ctx.form.getlist("expired") if k in known]
    if not missing and not expired:
        return Outcome(errors={"missing": gettext(
            "Tick what is missing or expired: the F2-1 receipt must name it.")})
    receipt = intake_service.refuse_submitted(
        ctx.session, application, ctx.actor, ctx.who, ctx.staff, missing=missing,
        expired=expired, now=ctx.now, cal=ctx.cal)
    return Outcome(message=gettext("Acceptance was refused. Print the F2-1 receipt and hand "
                                   "it over."),
                   redirect=url_for("staff.intake_receipt", number=application.number,
                                    receipt_id=receipt.id))
