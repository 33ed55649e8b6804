"""Notifying the person of the decision: F6 (granted) or F7 (refused), R15.8–R15.11, L5.

:func:`issue` makes the notification rows from the signed decision, by channel:

- a portal application: its cabinet at once (R15.11: within 1 working day) — that issues the
  result (L3.1), so the case becomes NOTIFIED in the same step;
- where the application's phone is the one the mobile citizens database registers to the
  applicant (R15.9): an SMS, sent by a Celery task after the commit, with the outbox's retries;
  when it is sent, the result is issued (a paper case becomes NOTIFIED); when it finally fails,
  the notification falls back to print (R15.10);
- otherwise (R15.10): onto the district's print-and-hand-over list, where handing it over is
  recorded (:func:`hand_over`): that issues the result.

Every change of the case goes through ``cases.change`` (action NOTIFY). Services take ``now``
and the calendar; the SMS task reads the clock as every job does.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.documents.cache import prepare_later
from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.forms import NotificationChannel, NotificationStatus, notification_form
from portal.domain.workflow import Action, Actor, Role, Status
from portal.models import Application, Notification, StaffUser
from portal.models.notify import SmsMessage, SmsPurpose, SmsStatus
from portal.notify import mobile
from portal.notify.phones import InvalidPhone
from portal.notify.sms import Sms
from portal.services import cases, events

__all__ = ["AlreadyHanded", "hand_over", "issue", "notification_sms", "print_list", "settle",
           "settle_pending", "sms_text"]

log = logging.getLogger(__name__)


class AlreadyHanded(Exception):
    """The printed notification was handed over already (or is not a printed one)."""


def sms_text(granted: bool, number: str) -> str:
    """R15.9: short, in the current language, nothing personal but the application number."""
    if granted:
        return str(gettext("Application %(number)s: social assistance is granted. "
                           "Notification F6.", number=number))
    return str(gettext("Application %(number)s: social assistance is refused. Notification F7. "
                   "The reasons and how to appeal are in it.", number=number))


def _enqueue(message_id: int) -> None:
    from kombu.exceptions import OperationalError

    from portal.jobs import send_notification_sms

    try:
        send_notification_sms.delay(message_id)
    except OperationalError as exc:  # the row stays queued; the sweepers send and settle it
        log.error("notification sms %d not enqueued (%s)", message_id, type(exc).__name__)


def notification_sms(base: Sms) -> Sms:
    """The app's SMS service (same gateway and retry policy) whose job, once the message is
    sent or given up, settles the notification it carries (:func:`settle`)."""
    return Sms(base.gateway, base.policy, _enqueue)


def _row(application: Application, channel: NotificationChannel, now: dt.datetime,
         head: StaffUser | None) -> Notification:
    decision = application.decision
    assert decision is not None
    return Notification(
        application_id=application.id, district_id=application.district_id,
        decision_id=decision.id,
        decision_granted=decision.granted, form=notification_form(decision.granted),
        assistance_type=application.ground.value if application.ground else "",
        channel=channel, status=NotificationStatus.PENDING, created_at=now,
        responsible_name=head.full_name if head else "",
        responsible_position=head.position if head else "",
        signature_id=decision.signature_id,
    )


def _issued(application: Application, when: dt.datetime) -> None:
    """L3.1: the result reached the person."""
    if application.result_issued_at is None:
        application.result_issued_at = when
        cases.refresh_decided(application)


def issue(session: Session, application: Application, *, sms: Sms | None,
          now: dt.datetime, cal: WorkingCalendar) -> list[Notification]:
    """R15.8–R15.11: the notifications of the case's signed decision (once)."""
    decision = application.decision
    if decision is None:
        raise ValueError("no decision to notify")
    if application.notifications:
        return list(application.notifications)
    head = session.get(StaffUser, decision.head_id) if decision.head_id else None
    made: list[Notification] = []
    citizen = application.citizen
    phone = application.phone or citizen.phone
    iin = application.applicant_iin or citizen.iin
    if sms is not None and mobile.sms_possible(session, iin, phone):
        assert phone is not None
        with force_locale(citizen.locale or "kk"):
            text = sms_text(decision.granted, application.number)
        purpose = SmsPurpose.NOTIFICATION_F6 if decision.granted else SmsPurpose.NOTIFICATION_F7
        try:
            message = notification_sms(sms).queue(session, phone, text, purpose, now=now)
        except InvalidPhone:
            log.warning("notification sms for application %d not queued: invalid phone",
                        application.id)
        else:
            row = _row(application, NotificationChannel.SMS, now, head)
            row.phone = message.phone
            row.sms_id = message.id
            made.append(row)
    portal = application.channel is Channel.PORTAL
    if portal:
        cabinet = _row(application, NotificationChannel.CABINET, now, head)
        cabinet.status, cabinet.sent_at = NotificationStatus.SENT, now
        made.append(cabinet)
    elif not made:
        made.append(_row(application, NotificationChannel.PRINT, now, head))
    data: dict[str, object] = {"form": made[0].form.value, "channels": [n.channel.value for n in made]}

    def effect() -> None:
        for row in made:
            application.notifications.append(row)
        _issued(application, now)
        prepare_later(session, application.id, made[0].form.value.lower())

    if portal:
        # R15.11: the cabinet has it now — the result is issued.
        cases.change(session, application, Action.NOTIFY, Actor(Role.SYSTEM),
                     events.Actor.system(), now=now, cal=cal, data=data, effect=effect)
    else:
        for row in made:
            application.notifications.append(row)
        application.version += 1  # the case page's forms read before this are stale
        session.flush()
        prepare_later(session, application.id, made[0].form.value.lower())
        events.record(session, events.Actor.system(), "notification_prepared",
                      application_id=application.id, data=data, at=now)
        session.commit()
    return made


def settle(session: Session, message_id: int, *, now: dt.datetime,
           cal: WorkingCalendar) -> Notification | None:
    """The SMS of a notification has ended: sent (R15.9: the result is issued) or given up
    (R15.10: the notification goes onto the print list instead). None when nothing to settle."""
    row = session.scalar(select(Notification).where(Notification.sms_id == message_id,
                                                   Notification.status
                                                   == NotificationStatus.PENDING))
    message = session.get(SmsMessage, message_id)
    if row is None or message is None or message.status is SmsStatus.QUEUED:
        return None
    application = row.application
    undecided = application.status in {Status.GRANTED, Status.REFUSED}
    if message.status is SmsStatus.SENT:
        sent_at = message.sent_at or now

        def delivered() -> None:
            row.status, row.sent_at = NotificationStatus.SENT, sent_at
            _issued(application, sent_at)

        if undecided:
            cases.change(session, application, Action.NOTIFY, Actor(Role.SYSTEM),
                         events.Actor.system(), now=now, cal=cal,
                         data={"form": row.form.value, "channels": ["sms"]}, effect=delivered)
        else:
            delivered()
            session.commit()
        return row
    row.status = NotificationStatus.FAILED
    fallback = None
    if undecided:
        head = session.get(StaffUser, application.decision.head_id) if (
            application.decision and application.decision.head_id) else None
        fallback = _row(application, NotificationChannel.PRINT, now, head)
        application.notifications.append(fallback)
        application.version += 1
    events.record(session, events.Actor.system(), "notification_sms_failed",
                  application_id=application.id,
                  data={"form": row.form.value, "print": fallback is not None}, at=now)
    session.commit()
    return fallback or row


def settle_pending(session: Session, *, now: dt.datetime, cal: WorkingCalendar) -> int:
    """Settle every SMS notification whose message has ended but was not settled (its job was
    lost, or the generic sweeper sent it): run by Celery beat."""
    ids = list(session.scalars(
        select(Notification.sms_id).join(SmsMessage, SmsMessage.id == Notification.sms_id)
        .where(Notification.status == NotificationStatus.PENDING,
               SmsMessage.status != SmsStatus.QUEUED)))
    done = 0
    for message_id in ids:
        if message_id is not None and settle(session, message_id, now=now, cal=cal) is not None:
            done += 1
    return done


def print_list(session: Session, district_id: int) -> list[Notification]:
    """R15.10: the district's printed notifications still to hand over; the most overdue case
    first (the queue's next_due_on), then the oldest."""
    return list(session.scalars(
        select(Notification).join(Application, Application.id == Notification.application_id)
        .options(joinedload(Notification.application))
        .where(Application.district_id == district_id,
               Notification.channel == NotificationChannel.PRINT,
               Notification.status == NotificationStatus.PENDING)
        .order_by(Application.next_due_on.asc().nulls_last(), Notification.created_at,
                  Notification.id)))


def hand_over(session: Session, notification: Notification, staff: StaffUser, *,
              now: dt.datetime, cal: WorkingCalendar) -> None:
    """R15.10, L3.1: the printed notification was handed to the person: the result is issued
    and the case becomes NOTIFIED."""
    if (notification.channel is not NotificationChannel.PRINT
            or notification.status is not NotificationStatus.PENDING):
        raise AlreadyHanded(notification.id)
    application = notification.application

    def effect() -> None:
        notification.status = NotificationStatus.HANDED
        notification.sent_at = now
        notification.handed_by_id = staff.id
        _issued(application, now)

    who = events.Actor("staff", staff.id, staff.role.value)
    if application.status in {Status.GRANTED, Status.REFUSED}:
        cases.change(session, application, Action.NOTIFY, staff.actor, who, now=now, cal=cal,
                     data={"form": notification.form.value, "channels": ["print"]},
                     effect=effect)
    else:
        effect()
        events.record(session, who, "notification_handed", application_id=application.id,
                      data={"form": notification.form.value}, at=now)
        session.commit()
