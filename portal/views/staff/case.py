"""STUB — the case page belongs to the back-office case journey, built separately; this stub
only shows the case's number and status so that the queue's links resolve. Replace it whole.

It already loads the case through the district check: another district's case is a 404, and
every view is an audit event (the citizen's "who looked at my data" reads it).
"""

from __future__ import annotations

from flask import Response, abort
from sqlalchemy import select

from portal import db
from portal.domain.workflow import Status
from portal.models import Application
from portal.services import events
from portal.views.staff import bp
from portal.web.access import BACK_OFFICE, allow, current
from portal.web.htmx import no_store, render


@bp.get("/cases/<number>")
@allow(BACK_OFFICE)
def case(number: str) -> Response:
    staff = current().staff
    application = None if staff is None or staff.district_id is None else db.session().scalar(
        select(Application).where(Application.number == number,
                                  Application.district_id == staff.district_id,
                                  Application.status != Status.DRAFT))
    if application is None or staff is None:
        abort(404)
    session = db.session()
    events.record(session, events.Actor("staff", staff.id, staff.role.value), "case_viewed",
                  application_id=application.id)
    session.commit()
    return no_store(render("staff/case.html", application=application))
