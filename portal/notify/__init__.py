"""Notifying people: SMS (with the mobile citizens database) through a configured backend.

``init_app`` builds the SMS service once from ``SMS_BACKEND``; ``sms()`` hands it to the code
that calls use cases, which take it as an argument.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app
from kombu.exceptions import OperationalError

from portal.notify.outbox import OutboxGateway
from portal.notify.sms import RetryPolicy, Sms, SmsGateway

log = logging.getLogger(__name__)

BACKENDS: dict[str, Callable[[], SmsGateway]] = {"outbox": OutboxGateway}


def _enqueue_send(message_id: int) -> None:
    from portal.jobs import send_sms

    try:
        send_sms.delay(message_id)
    except OperationalError as exc:
        # The row is committed and stays queued: the sweeper (portal.sweep_sms) sends it later.
        log.error("sms %d not enqueued (%s); the sweeper will retry", message_id,
                  type(exc).__name__)


def init_app(app: Flask) -> Sms:
    name = app.config["SMS_BACKEND"]
    try:
        gateway = BACKENDS[name]()
    except KeyError:
        raise RuntimeError(f"SMS_BACKEND must be one of {sorted(BACKENDS)}, not {name!r}") from None
    if gateway.simulated and app.config.get("CONFIG_NAME") == "production":
        log.warning("SMS_BACKEND=%s is simulated: no SMS will reach a phone", name)
    policy = RetryPolicy(
        max_attempts=int(app.config["SMS_MAX_ATTEMPTS"]),
        backoff=float(app.config["SMS_RETRY_BACKOFF_SECONDS"]),
        backoff_max=float(app.config["SMS_RETRY_BACKOFF_MAX_SECONDS"]),
    )
    service = Sms(gateway, policy, _enqueue_send)
    app.extensions["sms"] = service
    return service


def sms() -> Sms:
    """The app's SMS service."""
    service: Sms = current_app.extensions["sms"]
    return service
