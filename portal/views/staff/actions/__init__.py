"""The case page's actions: one form per workflow action, registered by the journey that owns it.

The case page (views/staff/case.py) shows, for each action `domain.workflow.allowed_actions`
gives the staff member now, the partial template registered here; the one POST route
``staff.act`` checks the version and the role, then calls the handler. A handler changes the case
only through a service that calls ``services.cases.change`` and returns an :class:`Outcome`.
See /work/notes/contract.md and docs/back-office.md.
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
    """What a handler returns: done (``message``, optionally ``redirect``) or invalid
    (``errors``: field name -> message in the user's language; nothing was saved)."""

    message: str | None = None
    errors: dict[str, str] | None = None
    redirect: str | None = None


Handler = Callable[[CaseContext], Outcome]
# Extra variables a partial needs beyond what the case page gives every partial (e.g. the
# district's commission members): called with the case and the staff member.
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
    """Register ``handler(ctx) -> Outcome`` for ``action``; ``template`` is the partial that
    renders the action's form (e.g. "staff/actions/issue_preliminary_refusal.html").
    ``context`` (optional) gives the partial extra variables."""

    def register(handler: Handler) -> Handler:
        if action in ACTION_FORMS:
            raise RuntimeError(f"two forms registered for {action}")
        ACTION_FORMS[action] = ActionForm(action, template, label, handler, context)
        return handler

    return register


# The journeys' handlers register themselves on import (their modules are on other branches
# until merged: each import is added at merge).
from portal.views.staff.actions import decision, intake, refusal, review  # noqa: E402,F401
