"""The cabinet's messages (R15.11): the bell with the unread count on every page of a signed-in
citizen, the list newest first, one message opened (which marks it read)."""

from __future__ import annotations

from flask import abort, g, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.forms.apply import ConfirmForm
from portal.models import InboxMessage
from portal.services import inbox
from portal.views.citizen import bp
from portal.views.citizen.apply import citizen_id
from portal.web.access import CITIZEN, allow, current
from portal.web.htmx import no_store, redirect_after_post, render

PAGE = 100  # the newest messages; a person has a handful per application


@bp.app_template_global("unread_messages")
def unread_messages() -> int | None:
    """The bell's count for a signed-in citizen; None for anyone else (no bell)."""
    principal = current()
    if principal.kind != "citizen" or principal.id is None:
        return None
    known: int | None = g.get("unread_messages")
    if known is not None:
        return known
    try:
        return inbox.unread_count(db.session(), principal.id)
    except SQLAlchemyError:  # an error page while the database is down still renders
        return None


def remember_unread(count: int) -> None:
    """The bell's count as a page's own query read it (the case page's): the layout then asks
    no query of its own. Only for this request's person."""
    g.unread_messages = count


def _link(message: InboxMessage) -> str:
    return (url_for("citizen.application", number=message.application.number)
            + inbox.ANCHOR[message.kind])


@bp.get("/messages")
@allow(CITIZEN)
def messages() -> BaseResponse:
    rows = db.session().scalars(
        select(InboxMessage).options(joinedload(InboxMessage.application),
                                     joinedload(InboxMessage.sms))
        .where(InboxMessage.citizen_id == citizen_id())
        .order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc()).limit(PAGE)).all()
    return no_store(render("citizen/inbox/list.html", rows=rows, inbox=inbox, link=_link,
                           form=ConfirmForm()))


@bp.get("/messages/<int:message_id>")
@allow(CITIZEN)
def message(message_id: int) -> BaseResponse:
    """One message, opened: it is read from now on."""
    session = db.session()
    found = inbox.own(session, citizen_id(), message_id)
    if found is None:
        abort(404)
    was_unread = found.read_at is None
    inbox.mark_read(session, found, now=utcnow())
    return no_store(render("citizen/inbox/message.html", message=found, inbox=inbox,
                           link=_link(found), was_unread=was_unread))


@bp.post("/messages/read")
@allow(CITIZEN)
def read_all() -> BaseResponse:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    inbox.mark_all_read(db.session(), citizen_id(), now=utcnow())
    from flask import flash

    flash(str(_l("All messages are marked as read.")), "ok")
    return redirect_after_post(url_for("citizen.messages"))
