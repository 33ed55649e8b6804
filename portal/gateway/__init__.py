"""The e-government gateway (F1-2, R3.3, R6.3): one interface to the registers the service reads.

Built once in the app factory from ``GATEWAY_BACKEND``; services take the :class:`Gateway` as an
argument and views get it from :func:`gateway`. See docs/gateway.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask, current_app

from portal.db import utcnow
from portal.domain.calendar import ALMATY
from portal.gateway.base import Backend, Declared, GatewayResult, Person
from portal.gateway.bodies import BODIES, BodySigner
from portal.gateway.service import Gateway, times_out
from portal.gateway.simulated import SimulatedBackend
from signing import VerificationResult

__all__ = ["BODIES", "Declared", "Gateway", "GatewayResult", "Person", "gateway", "init_app",
           "times_out"]


def _today() -> dt.date:
    return utcnow().astimezone(ALMATY).date()


def _simulated(app: Flask) -> Backend:
    return SimulatedBackend(app.extensions["db_sessionmaker"], today=_today,
                            delay_seconds=app.config["GATEWAY_SIMULATED_DELAY_MS"] / 1000)


BACKENDS: dict[str, Callable[[Flask], Backend]] = {"simulated": _simulated}


def init_app(app: Flask) -> Gateway:
    from portal.gateway import tasks
    from portal.services import signing

    name = app.config["GATEWAY_BACKEND"]
    if name not in BACKENDS:
        raise RuntimeError(f"GATEWAY_BACKEND must be one of {sorted(BACKENDS)}, not {name!r}")

    def context() -> signing.SigningContext:
        return signing.context(app)

    def verifier(envelope: str, document: bytes, iin: str, purpose: str
                 ) -> VerificationResult:
        return context().verify(envelope, document, iin, purpose)

    signer = BodySigner(ca=lambda: context().ca, storage=lambda: context().storage,
                        secret=lambda: signing.ca_secret(app), now=utcnow)
    instance = Gateway(
        BACKENDS[name](app), app.extensions["db_sessionmaker"], signer, verifier,
        timeout=float(app.config["GATEWAY_TIMEOUT_SECONDS"]),
        timeout_share=float(app.config["GATEWAY_TIMEOUT_SHARE"]), now=utcnow,
        # Eager Celery would run the task in-process anyway; calling it directly keeps it on
        # this app (a task class is bound to the first app the process made).
        enqueue=None if app.config["CELERY_TASK_ALWAYS_EAGER"] else tasks.enqueue,
    )
    app.extensions["gateway"] = instance
    return instance


def gateway(app: Flask | None = None) -> Gateway:
    """The app's gateway (built by :func:`init_app` in the factory)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    instance: Gateway = app.extensions["gateway"]
    return instance

