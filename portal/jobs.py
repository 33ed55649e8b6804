"""The Celery app and tasks; eager (in-process) in the embedded default, Redis in production."""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask, current_app, has_app_context

from portal import logs

celery_app = Celery("portal")
log = logging.getLogger(__name__)


_latest_app: list[Flask] = []  # the app init_celery saw last: a worker's own


class FlaskTask(Task):  # type: ignore[misc]
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Celery builds each task class once per process, so the task cannot keep the app it was
        # built with: an eager job runs in the app that queued it (tests make many apps), a
        # worker's in the app it built. Always a fresh context: the job gets its own session.
        flask_app: Flask = current_app if has_app_context() else _latest_app[0]
        # The id of the request that queued the job (portal.logs), else the job's own id (a
        # scheduled job); an eager job keeps its request's id, being in the same context.
        carried = logs.accepted(getattr(self.request, logs.TASK_HEADER, None))
        token = logs.REQUEST_ID.set(
            carried or logs.REQUEST_ID.get() or logs.accepted(self.request.id)
            or logs.new_request_id())
        try:
            with flask_app.app_context():
                return self.run(*args, **kwargs)
        finally:
            logs.REQUEST_ID.reset(token)


def init_celery(app: Flask) -> Celery:
    broker = app.config.get("CELERY_BROKER_URL") or "memory://"
    if _latest_app:
        # Another app configured Celery before in this process (tests do): Celery caches its
        # connection and producer pools and its result backend from the first configuration
        # (even an eager call builds them), and this app would publish to the old broker.
        # Celery has no public call to drop them.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        celery_app._backend_cache = None
        vars(celery_app._local).pop("backend", None)
    _latest_app[:] = [app]
    celery_app.conf.update(
        broker_url=broker,
        result_backend=None,
        task_always_eager=app.config["CELERY_TASK_ALWAYS_EAGER"],
        task_eager_propagates=True,
        task_ignore_result=True,
        timezone="Asia/Almaty",
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        beat_schedule={
            "verify-event-chain-nightly": {
                "task": "portal.verify_event_chain",
                "schedule": crontab(hour=2, minute=30),  # Asia/Almaty, outside office hours
            },
            "anchor-event-chain": {
                "task": "portal.anchor_event_chain",
                "schedule": crontab(minute="*/15"),
            },
            "purge-signing-exchanges": {
                "task": "portal.purge_signing_exchanges",
                "schedule": crontab(minute="*/15"),
            },
            "sweep-sms": {
                "task": "portal.sweep_sms",
                "schedule": crontab(minute="*/5"),
            },
            # R15.9–R15.10: an SMS notification whose job was lost is settled (or printed).
            "settle-notifications": {
                "task": "portal.settle_notifications",
                "schedule": crontab(minute="*/5"),
            },
            # R7.1: portal applications made after hours are registered on the next working
            # day; the first run after 09:00 Asia/Almaty does it, later runs catch stragglers.
            "register-due-applications": {
                "task": "portal.register_due_applications",
                "schedule": crontab(minute="*/15"),
            },
            # #12: the PDF cache keeps what is read; the rest goes after PDF_CACHE_DAYS.
            "sweep-pdf-cache": {
                "task": "portal.sweep_pdf_cache",
                "schedule": crontab(hour=3, minute=15),  # Asia/Almaty, outside office hours
            },
        },
    )
    celery_app.Task = FlaskTask
    app.extensions["celery"] = celery_app
    return celery_app


@celery_app.task(name="portal.verify_event_chain")  # type: ignore[untyped-decorator,unused-ignore]
def verify_event_chain() -> int | None:
    """Nightly integrity check of the audit log; returns the first broken seq or None."""
    from portal import db
    from portal.services.events import verify_chain

    broken = verify_chain(db.session())
    if broken is not None:
        log.critical("audit event chain broken at seq %d", broken)
    return broken


@celery_app.task(name="portal.anchor_event_chain")  # type: ignore[untyped-decorator,unused-ignore]
def anchor_event_chain() -> int | None:
    """Write the verified chain tip outside the database; returns the anchored seq."""
    from flask import current_app

    from portal import db
    from portal.services import anchors

    try:
        anchor = anchors.write_anchor(db.session(), anchors.anchor_file(current_app))
    except anchors.ChainBroken:
        return None  # logged as critical by write_anchor
    return anchor.seq if anchor else None


@celery_app.task(name="portal.purge_signing_exchanges")  # type: ignore[untyped-decorator,unused-ignore]
def purge_signing_exchanges() -> int:
    """Finished or expired signing exchanges carry whole documents: keep them no longer than needed."""
    from portal.services.signing import context

    return context().purge()


@celery_app.task(bind=True, name="portal.send_sms", max_retries=None)  # type: ignore[untyped-decorator,unused-ignore]
def send_sms(self: Task, message_id: int) -> None:
    """One attempt to send an outbox message; the policy (attempts, backoff) is the Sms service's,
    which also marks a message failed when it gives up, so Celery itself never runs out of
    retries here (max_retries=None)."""
    from portal import db, notify
    from portal.db import utcnow

    service = notify.sms()
    while (wait := service.attempt(db.session(), message_id, utcnow())) is not None:
        if not self.request.is_eager:
            raise self.retry(countdown=wait)
        # In-process (the embedded default, tests) there is no broker to hold a delayed retry,
        # and Celery's eager retry is raised to the caller under task_eager_propagates: try again
        # at once, as an eager retry would (it ignores the countdown too).


@celery_app.task(name="portal.sweep_sms")  # type: ignore[untyped-decorator,unused-ignore]
def sweep_sms() -> int:
    """Re-enqueue queued SMS whose job was lost; returns how many."""
    from portal import db, notify
    from portal.db import utcnow

    return len(notify.sms().sweep(db.session(), utcnow()))


@celery_app.task(name="portal.register_due_applications")  # type: ignore[untyped-decorator,unused-ignore]
def register_due_applications() -> int:
    """R7.1: register the submitted portal applications whose registration day has come."""
    from portal import db
    from portal.db import utcnow
    from portal.services.submission import register_due
    from portal.services.workdays import calendar

    return register_due(db.session(), now=utcnow(), cal=calendar())


@celery_app.task(bind=True, name="portal.send_notification_sms", max_retries=None)  # type: ignore[untyped-decorator,unused-ignore]
def send_notification_sms(self: Task, message_id: int) -> None:
    """R15.9–R15.10: send a decision's SMS notification as ``send_sms`` does (same attempts and
    backoff), then settle it: sent → the result is issued; given up → onto the print list."""
    from portal import db, notify
    from portal.db import utcnow
    from portal.services import notifications
    from portal.services.workdays import calendar

    service = notify.sms()
    while (wait := service.attempt(db.session(), message_id, utcnow())) is not None:
        if not self.request.is_eager:
            raise self.retry(countdown=wait)
    notifications.settle(db.session(), message_id, now=utcnow(), cal=calendar())


@celery_app.task(name="portal.settle_notifications")  # type: ignore[untyped-decorator,unused-ignore]
def settle_notifications() -> int:
    """Settle SMS notifications whose message ended without its job settling them."""
    from portal import db
    from portal.db import utcnow
    from portal.services import notifications
    from portal.services.workdays import calendar

    return notifications.settle_pending(db.session(), now=utcnow(), cal=calendar())


@celery_app.task(name="portal.prepare_pdfs")  # type: ignore[untyped-decorator,unused-ignore]
def prepare_pdfs(application_id: int, slugs: list[str]) -> int:
    """#12: make a case's signed documents' PDFs ahead of their first download (kept by content
    digest, portal/documents/cache.py); returns how many exist now."""
    from portal import db
    from portal.documents.cache import prepare

    return prepare(db.session(), application_id, slugs)


@celery_app.task(name="portal.sweep_pdf_cache")  # type: ignore[untyped-decorator,unused-ignore]
def sweep_pdf_cache() -> int:
    """#12: delete the kept PDFs not read for PDF_CACHE_DAYS days; returns how many."""
    from portal.documents.cache import sweep_unread

    return sweep_unread()[0]
