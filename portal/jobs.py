"""The Celery app and tasks; eager (in-process) in the embedded default, Redis in production."""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask

celery_app = Celery("portal")
log = logging.getLogger(__name__)


def init_celery(app: Flask) -> Celery:
    class FlaskTask(Task):  # type: ignore[misc]
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config.get("CELERY_BROKER_URL") or "memory://"
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
