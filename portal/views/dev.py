"""Development pages: the SMS outbox. Registered in development and test only, never in production."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_babel import lazy_gettext as _l

from portal import db
from portal.models import SmsPurpose, SmsStatus
from portal.notify.phones import mask_phone
from portal.notify.sms import recent_messages
from portal.web.access import ANYONE, allow
from portal.web.htmx import no_store, render

bp = Blueprint("dev", __name__)

PURPOSES = {
    SmsPurpose.SIGN_IN_CODE: _l("Sign-in code"),
    SmsPurpose.PASSWORD_RESET: _l("Password reset"),
    SmsPurpose.NEW_DEVICE: _l("Sign-in from a new device"),
    SmsPurpose.NOTIFICATION_F6: _l("Notification of the decision to grant (F6)"),
    SmsPurpose.NOTIFICATION_F7: _l("Notification of the decision to refuse (F7)"),
    SmsPurpose.PRELIMINARY_NOTICE: _l("Notice of the preliminary decision and hearing"),
    SmsPurpose.SUBMISSION: _l("Application submitted"),
    SmsPurpose.SIGNING_CODE: _l("Code to sign a document"),
    SmsPurpose.REGISTRATION_CODE: _l("Code to confirm the phone of a new account"),
}
STATUSES = {
    SmsStatus.QUEUED: _l("Queued"),
    SmsStatus.SENT: _l("Sent"),
    SmsStatus.FAILED: _l("Not delivered"),
}
SHOWN = 100


@bp.get("/outbox")
@allow(ANYONE)
def outbox() -> Response:
    """What the portal would have texted, newest first; numbers masked (sign-in codes shown)."""
    return no_store(render("dev/outbox.html", messages=recent_messages(db.session(), SHOWN),
                           purposes=PURPOSES, statuses=STATUSES, mask_phone=mask_phone,
                           shown=SHOWN))
