"""A preliminary refusal in the cabinet (R15.1–R15.6): read the notice, object while the window
is open, read the hearing protocol, leave remarks on it. A step the law no longer allows is
refused with the reason and the date, and nothing is saved."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.domain.workflow import Actor, IllegalTransition, Role
from portal.forms.apply import ConfirmForm, StatementForm
from portal.models import Application
from portal.services import cases, drafts
from portal.services.workdays import calendar
from portal.views.citizen import bp
from portal.views.citizen.apply import _citizen
from portal.web.access import CITIZEN, allow
from portal.web.htmx import redirect_after_post
from portal.web.i18n import local_date

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


def _own(number: str) -> Application:
    found = drafts.own_application(db.session(), _citizen(), number)
    if found is None:
        abort(404)
    return found


def _refused(application: Application, error: IllegalTransition) -> BaseResponse:
    db.session().rollback()
    day = error.closed_on or error.possible_from
    text = REFUSED.get(error.reason or "")
    message = (str(text) % {"day": local_date(day)} if text is not None and day
               else str(text) if text is not None else str(error))
    flash(message, "error")
    return redirect_after_post(url_for("citizen.application", number=application.number)
                               + "#refusal")


def _who() -> tuple[Actor, object]:
    return Actor(Role.CITIZEN), drafts.citizen_actor(_citizen())


def _statement(number: str, anchor: str, empty: str, sent: str, take: object) -> BaseResponse:
    """An objection or remarks: the text checked, the law's window asked, one event."""
    application = _own(number)
    form = StatementForm()
    here = url_for("citizen.application", number=number)
    if not form.validate_on_submit():
        flash(" ".join(str(m) for m in form.text.errors) or empty, "error")
        return redirect_after_post(here + anchor)
    actor, who = _who()
    try:
        take(db.session(), application, actor, who, text=form.text.data,  # type: ignore[operator]
             now=utcnow(), cal=calendar())
    except IllegalTransition as error:
        return _refused(application, error)
    flash(sent, "success")
    return redirect_after_post(here + "#refusal")


@bp.post("/applications/<number>/objection")
@allow(CITIZEN)
def submit_objection(number: str) -> BaseResponse:
    """R15.3: a written objection while its window is open."""
    return _statement(number, "#objection", str(_l("Write your objection.")),
                      str(_l("Your objection was sent to the department.")),
                      lambda *args, **kw: cases.submit_objection(*args, oral=False, **kw))


@bp.post("/applications/<number>/protocol/read")
@allow(CITIZEN)
def read_protocol(number: str) -> BaseResponse:
    application = _own(number)
    if not ConfirmForm().validate_on_submit() or application.hearing_protocol is None:
        abort(404)
    actor, who = _who()
    try:
        cases.read_protocol(db.session(), application, actor, who,  # type: ignore[arg-type]
                            now=utcnow(), cal=calendar())
    except IllegalTransition as error:
        return _refused(application, error)
    return redirect_after_post(url_for("citizen.application", number=number) + "#protocol")


@bp.post("/applications/<number>/remarks")
@allow(CITIZEN)
def submit_remarks(number: str) -> BaseResponse:
    """R15.6: remarks on the protocol within 3 working days of reading it."""
    return _statement(number, "#remarks", str(_l("Write your remarks.")),
                      str(_l("Your remarks were sent to the department.")), cases.submit_remarks)
