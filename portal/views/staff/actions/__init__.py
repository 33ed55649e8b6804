"""The case page's actions: one form per workflow action, registered by the journey that owns it.

MINIMAL copy of the registry for the intake branch (the contract in /work/notes/contract.md;
the case-page journey owns the real one — keep that one at merge). A handler changes the case
only through a service that calls ``services.cases.change`` and returns an :class:`Outcome`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from portal.domain import workflow
from portal.domain.calendar import WorkingCalendar
from portal.domain.workflow import Action
from portal.models import Application, StaffUser
from portal.services import events

__all__ = ["ACTION_FORMS", "ActionForm", "CaseContext", "Handler", "Outcome", "action_form"]


@dataclass(frozen=True)
class CaseContext:
    application: Application  # loaded in the staff member's district (else 404 earlier)
    staff: StaffUser
    actor: workflow.Actor  # role + desk of the staff member
    who: events.Actor  # for events.record / cases.change
    now: dt.datetime  # aware UTC, from the app clock
    cal: WorkingCalendar
    session: Session
    form: MultiDict[str, str]  # request.form
    files: MultiDict[str, Any]  # request.files


@dataclass(frozen=True)
class Outcome:
    """Done (``message``, optionally ``redirect``) or invalid (``errors``; nothing saved)."""

    message: str | None = None
    errors: dict[str, str] | None = None
    redirect: str | None = None


Handler = Callable[[CaseContext], Outcome]
ContextProvider = Callable[[Application, StaffUser], Mapping[str, Any]]


@dataclass(frozen=True)
class ActionForm:
    action: Action
    template: str
    label: Any  # a LazyString: the button and the panel's heading
    handler: Handler
    context: ContextProvider | None = field(default=None)


ACTION_FORMS: dict[Action, ActionForm] = {}


def action_form(
    action: Action, template: str, *, label: Any, context: ContextProvider | None = None
) -> Callable[[Handler], Handler]:
    """Register ``handler(ctx) -> Outcome`` for ``action``; ``template`` renders its form."""

    def register(handler: Handler) -> Handler:
        if action in ACTION_FORMS:
            raise RuntimeError(f"two forms registered for {action}")
        ACTION_FORMS[action] = ActionForm(action, template, label, handler, context)
        return handler

    return register


from portal.views.staff.actions import intake  # noqa: E402,F401
