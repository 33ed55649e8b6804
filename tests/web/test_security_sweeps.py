"""Sweeps over the url map (#14, docs/security.md; ASVS 5.0 V8.2.2, V8.3.1, V14.3.2).

1. Every route with an object id in its path answers 404 to a person the route admits but who
   does not own the object: another citizen, staff of another district. The owner (or staff of
   the object's district) reaches the same URL, so the 404 is the ownership check and not a
   wrong id.
2. Every page only a signed-in person sees is never stored: ``Cache-Control: no-store`` on the
   answer and ``hx-history="false"`` on the page, so htmx keeps no copy in localStorage either;
   and every such page offers the sign-out button.
3. Every sign-in, code, lookup and verify POST answers 429 after a burst.

The routes come from ``app.url_map``: a route added later is swept without touching this file.
A route whose path names an argument this file does not know fails the first sweep with the
argument's name; teach ``_values`` (or ``NOT_OWNED``, with the reason) what it names.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from portal import db
from portal.db import utcnow
from portal.domain.calendar import Channel
from portal.domain.forms import NotificationChannel, NotificationForm, Relation
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Action, Role, Status
from portal.models import Citizen, CommissionMember, FamilyMember, StaffUser
from portal.models.application import Receipt, ReceiptKind
from portal.models.district import Commission, CommissionRole
from portal.models.review import Decision, Notification
from portal.services import drafts, events
from portal.services.uploads import attach_files
from portal.web.access import ANYONE, CITIZEN, audience_of
from tests import samples
from tests.factories import (
    create_application,
    create_citizen,
    create_desk,
    create_district,
    create_document,
    create_staff,
)
from tests.pages import ClientRequest

STAFF_ROLES = [r for r in Role if r not in {Role.CITIZEN, Role.SYSTEM}]

# Path arguments that name no object of a person or a district, each with the reason; routes
# whose every argument is here are not part of the ownership sweep.
NOT_OWNED: dict[str, str] = {
    "filename": "static files: the same for everyone",
    "code": "a language code, or a public verification code meant to be shared",
    "token": "a signing link's capability token (unguessable, single-use, sent to the signer)",
    "challenge_id": "a signing challenge polled by its holder; answers only a state, no data",
    "override_id": "the national calendar override table: every administrator keeps it",
    "name": "the name of a report, not an object",
}


def _choices() -> dict[str, list[str]]:
    """Path arguments that pick one of a fixed set, not an object: each value is tried, so the
    owner side reaches the route with a valid one."""
    found = {"action": [a.value for a in Action]}
    try:  # the catalogue of the order's forms, where the forms pages exist
        from portal.documents import forms as catalogue  # type: ignore[attr-defined,unused-ignore]

        found["form"] = sorted(catalogue.FORMS)
    except ImportError:
        pass
    return found


CHOICES = _choices()
# Routes open to anyone that look an object up by a number: the status API (a bearer token and
# a second factor, tests/web/test_status_api.py) and the files origin's signed links (the link is
# the credential, issued after the access check and checked again against the account it names,
# tests/web/test_files_origin.py) — not owned by a signed-in person.
PUBLIC_LOOKUPS = frozenset({"api.application_status", "files.show_signed_file"})
# Routes whose object needs more than this world builds before even its owner gets past a 404;
# the stranger's 404 is still swept, and the owner's way in is proven by the named test.
OWNER_PROVEN_ELSEWHERE: dict[str, str] = {
    "citizen.application_pdf": "needs a signed submission: "
                               "web/test_no_personal_data_in_logs.py (owner gets the PDF)",
    "citizen.read_protocol": "needs a hearing protocol: web/test_cabinet.py",
    # The objection to a preliminary refusal and the remarks on its protocol (R15.3, R15.6):
    # they need the refusal delivered and the hearing held, as web/test_cabinet.py builds them.
    **{f"citizen.{step}_{what}": "needs a delivered preliminary refusal: web/test_cabinet.py"
       for step in ("submit", "sign") for what in ("objection", "remarks")},
    "citizen.objection": "needs a delivered preliminary refusal: web/test_cabinet.py",
    "citizen.remarks": "needs a hearing protocol: web/test_cabinet.py",
}


@dataclass
class World:
    """Two districts, two citizens, staff of every role in each district; what the owner side
    has: a draft and a submitted application with a document, a file and a family member."""

    owner: Citizen
    stranger: Citizen
    home: dict[Role, StaffUser]
    away: dict[Role, StaffUser]
    values: dict[str, list[str]] = field(default_factory=dict)


def _world(app: Flask) -> World:
    with app.test_request_context():
        s = db.session()
        home, away = create_district(s, code="home"), create_district(s, code="away")
        owner = create_citizen(s, iin="850321301238")
        stranger = create_citizen(s, iin="900101300017")
        # A draft with its ground chosen, so that every section page opens.
        draft = drafts.start_draft(s, owner, home, now=utcnow())
        offer = next(g for g in home.grounds if g.category is GroundCategory.LOW_INCOME)
        drafts.choose_ground(s, draft, owner, offer, None)
        # Files on an application then submitted: a draft's items follow its ground's package.
        submitted = create_application(s, district=home, citizen=owner, status=Status.DRAFT,
                                       ground=GroundCategory.FIRE)
        document = create_document(s, submitted)
        added, _ = attach_files(s, document, [FileStorage(io.BytesIO(samples.jpeg()),
                                                          filename="passport.jpg")],
                                actor=events.Actor.system())
        submitted.status = Status.REGISTERED
        # A paper application at the home district's intake desk, still being taken.
        paper = create_application(s, district=home, citizen=owner, status=Status.DRAFT,
                                   ground=GroundCategory.ORPHAN, channel=Channel.PROVIDER)
        receipt = Receipt(application_id=submitted.id, kind=ReceiptKind.COUPON,
                          number=f"R-{submitted.number}", issued_by_name="Staff")
        s.add(receipt)
        member = FamilyMember(application_id=draft.id, full_name="Қасымова Айгүл",
                              relation=Relation.CHILD)
        s.add(member)
        staff: dict[str, dict[Role, StaffUser]] = {"home": {}, "away": {}}
        for side, district in (("home", home), ("away", away)):
            for role in STAFF_ROLES:
                desk = create_desk(s, district) if role is Role.INTAKE else None
                staff[side][role] = create_staff(s, district, role=role, desk=desk)
        commission = CommissionMember(district_id=home.id, commission=Commission.PRECINCT,
                                      full_name="Ахметов Серік", position="Депутат",
                                      role=CommissionRole.CHAIR)
        s.add(commission)
        # A refused application whose notification (F7) waits to be printed and handed over.
        decided = create_application(s, district=home, citizen=owner, status=Status.REFUSED,
                                     ground=GroundCategory.NATURAL_DISASTER)
        decision = Decision(application_id=decided.id, number=f"D-{decided.number}",
                            decided_on=utcnow().date(), granted=False, refusal_ground="L9(1)")
        s.add(decision)
        s.flush()
        notification = Notification(
            application_id=decided.id, decision_id=decision.id, decision_granted=False,
            form=NotificationForm.F7, assistance_type="бір жолғы",
            channel=NotificationChannel.PRINT, responsible_name="Нұрланова С.",
            responsible_position="Бөлім басшысы")
        s.add(notification)
        message = _inbox_message(s, owner, submitted)
        paper.desk_id = staff["home"][Role.INTAKE].desk_id
        s.flush()
        values = {
            "number": [draft.number, submitted.number, paper.number, decided.number],
            "file_id": [str(f.id) for f in added],
            "document_id": [str(document.id)],
            "member_id": [str(member.id), str(commission.id)],
            "ground_id": [str(home.grounds[0].id)],
            "staff_id": [str(staff["home"][Role.SPECIALIST].id)],
            "receipt_id": [str(receipt.id)],
            "notification_id": [str(notification.id)],
            **({"message_id": [str(message)]} if message is not None else {}),
        }
        s.commit()
        for person in [owner, stranger, *staff["home"].values(), *staff["away"].values()]:
            s.expunge(person)
        return World(owner, stranger, staff["home"], staff["away"], values)


def _inbox_message(s: Any, owner: Citizen, application: Any) -> int | None:
    """A message in the owner's cabinet inbox, where the inbox exists."""
    try:
        from portal.models.inbox import (  # type: ignore[import-not-found,unused-ignore]
            InboxKind,
            InboxMessage,
        )
    except ImportError:
        return None
    row = InboxMessage(citizen_id=owner.id, application_id=application.id,
                       kind=InboxKind.REGISTERED, data={})
    s.add(row)
    s.flush()
    return int(row.id)


def _audience(app: Flask, rule: Rule) -> frozenset[object]:
    return audience_of(app.view_functions[rule.endpoint]) or frozenset()


def _ids(rule: Rule) -> list[str]:
    return sorted(a for a in rule.arguments if a not in NOT_OWNED and a not in CHOICES)


def _owned_rules(app: Flask) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules()
                   if r.endpoint != "static" and r.endpoint not in PUBLIC_LOOKUPS and _ids(r)),
                  key=lambda r: (r.rule, r.endpoint))


def _urls(rule: Rule, values: dict[str, list[str]]) -> list[str]:
    """The rule's path with every combination of the owner side's values."""
    names = sorted(rule.arguments)
    choices = [["x"] if n in NOT_OWNED else CHOICES.get(n) or values.get(n, ["x"]) for n in names]
    urls = []
    for combo in itertools.product(*choices):
        path = rule.rule
        for name, value in zip(names, combo, strict=True):
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
        urls.append(path)
    return urls


def _csrf(client: FlaskClient) -> str:
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    token: str = json.loads(page.body["hx-headers"])["X-CSRFToken"]
    return token


def _request(client: FlaskClient, rule: Rule, url: str, token: str) -> TestResponse:
    if "GET" in (rule.methods or set()):
        return client.get(url)
    return client.post(url, data={"csrf_token": token, "confirm": "y"},
                       headers={"X-CSRFToken": token})


def _pairs(app: Flask, rule: Rule, world: World) -> list[tuple[Any, Any]]:
    """(owner side, stranger) pairs the route admits both of."""
    audience = _audience(app, rule)
    pairs: list[tuple[Any, Any]] = []
    if CITIZEN in audience:
        pairs.append((world.owner, world.stranger))
    pairs += [(world.home[r], world.away[r]) for r in STAFF_ROLES if r in audience]
    return pairs


def _signed_in(app: Flask, person: Citizen | StaffUser) -> tuple[FlaskClient, str]:
    request = ClientRequest(app, app.test_client())
    request.login(person)
    return request.client, _csrf(request.client)


class _Clients:
    """One signed-in client (and its CSRF token) per person, for every route of a sweep."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.clients: dict[int, tuple[FlaskClient, str]] = {}

    def __call__(self, person: Citizen | StaffUser) -> tuple[FlaskClient, str]:
        key = id(person)
        if key not in self.clients:
            self.clients[key] = _signed_in(self.app, person)
        return self.clients[key]


def test_no_route_with_an_id_reaches_another_persons_or_another_districts_object(
    app: Flask,
) -> None:
    world = _world(app)
    rules = _owned_rules(app)
    unknown = sorted({a for r in rules for a in _ids(r) if a not in world.values})
    assert unknown == [], f"teach the sweep what these path arguments name: {unknown}"
    assert len(rules) >= 20
    client_of = _Clients(app)

    leaks, unproven = [], []
    swept = 0
    for rule in rules:
        pairs = _pairs(app, rule, world)
        if ANYONE in _audience(app, rule) or not pairs:
            leaks.append(f"{rule.endpoint}: open to anyone but names {_ids(rule)}")
            continue
        for _owner, stranger in pairs:  # strangers first: the owner's POSTs may change things
            client, token = client_of(stranger)
            for url in _urls(rule, world.values):
                answer = _request(client, rule, url, token).status_code
                if answer != 404:
                    who = getattr(stranger, "role", "citizen")
                    leaks.append(f"{rule.endpoint} {url} as another {who}: {answer}")
                swept += 1
    # The owner side last, GET routes first and deletions at the very end: a POST may change
    # what the next route finds.
    for rule in sorted(rules, key=lambda r: ("GET" not in (r.methods or set()),
                                             "delete" in r.endpoint, r.rule)):
        answers = []
        for owner, _stranger in _pairs(app, rule, world):
            client, token = client_of(owner)
            answers += [_request(client, rule, url, token).status_code
                        for url in _urls(rule, world.values)]
        # Proven when someone on the owner side gets past the 404 (not every role need: an
        # intake desk's draft is its desk's only).
        if all(code == 404 for code in answers) and rule.endpoint not in OWNER_PROVEN_ELSEWHERE:
            unproven.append(f"{rule.endpoint}: {answers}")
    assert leaks == []
    # The 404s above prove the ownership check only if the owner side gets past it.
    assert unproven == [], "\n".join(unproven)
    assert swept >= 40


# Printable pages without navigation (the order's forms as A4): their Back link returns to a page
# with the sign-out button. They are still no-store and out of htmx history.
PRINT_PAGES = frozenset({"citizen.form_page", "staff.form_page"})


def _signed_in_pages(app: Flask) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules()
                   if r.endpoint != "static" and "GET" in (r.methods or set())
                   and ANYONE not in _audience(app, r)),
                  key=lambda r: (r.rule, r.endpoint))


@pytest.mark.one_database("Cache-Control, hx-history and the sign-out button come from the "
                           "response hooks and the layout, whichever database the page read")
def test_every_signed_in_page_is_no_store_and_kept_out_of_htmx_history(app: Flask) -> None:
    world = _world(app)
    rules = _signed_in_pages(app)
    assert len(rules) >= 10
    client_of = _Clients(app)
    stored, in_history, unreached, no_sign_out = [], [], [], []
    checked = 0
    # The owner side last, GET routes first and deletions at the very end: a POST may change
    # what the next route finds.
    for rule in sorted(rules, key=lambda r: ("GET" not in (r.methods or set()),
                                             "delete" in r.endpoint, r.rule)):
        for owner, _stranger in _pairs(app, rule, world):
            client, _token = client_of(owner)
            who = getattr(owner, "role", "citizen")
            reached = False
            for url in _urls(rule, world.values):
                for htmx in (False, True):
                    response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
                    if response.status_code != 200:
                        continue
                    reached = True
                    checked += 1
                    if "no-store" not in response.headers.get("Cache-Control", ""):
                        stored.append(f"{rule.endpoint} {url} as {who}{' (htmx)' * htmx}")
                    if not htmx and response.mimetype == "text/html":
                        body = BeautifulSoup(response.get_data(as_text=True), "html.parser").body
                        if body is None or body.get("hx-history") != "false":
                            in_history.append(f"{rule.endpoint} as {who}")
                        if rule.endpoint not in PRINT_PAGES and (
                                body is None
                                or body.find("form", action="/sign-in/sign-out") is None):
                            no_sign_out.append(f"{rule.endpoint} as {who}")
            if not reached:
                unreached.append(f"{rule.endpoint} as {who}")
    assert stored == [], "\n".join(stored)
    assert in_history == [], "\n".join(in_history)
    assert no_sign_out == [], no_sign_out  # ASVS V7.4.4: a visible way out on every page
    assert checked >= 20
    # Pages whose object this world does not build in the state they need (a draft's later
    # sections send back to the first one not done, a PDF needs a signed submission, a desk's
    # intake needs its own draft) are not proven here; most pages must be.
    assert len(unreached) <= len(rules) // 2, unreached


@pytest.mark.one_database("which public page shows whose name is the templates' and the cache "
                           "rules' doing, not the database's")
@pytest.mark.parametrize("who", ["citizen", *STAFF_ROLES], ids=str)
def test_public_pages_seen_signed_in_carry_no_personal_data(
    client_request: ClientRequest, who: str | Role
) -> None:
    """Public pages may be cached (they are not no-store); so they must not show who is signed
    in: no name, no IIN, no login."""
    person = client_request.login_as(who)
    app = client_request.app
    rules = [r for r in app.url_map.iter_rules()
             if r.endpoint not in {"static", "public.health", "public.ready"}
             and "GET" in (r.methods or set()) and not r.arguments
             and ANYONE in _audience(app, r)]
    assert len(rules) >= 3
    secrets = [getattr(person, name) for name in ("iin", "surname", "given_name", "login",
                                                  "full_name") if getattr(person, name, None)]
    assert secrets
    for rule in rules:
        response = client_request.client.get(rule.rule)
        if response.status_code != 200 or "no-store" in response.headers.get("Cache-Control", ""):
            continue
        text = response.get_data(as_text=True)
        assert [s for s in secrets if s in text] == [], rule.endpoint


def test_deleting_a_draft_that_holds_an_uploaded_file_is_not_a_500(app: Flask) -> None:
    with app.test_request_context():
        s = db.session()
        district = create_district(s)
        owner = create_citizen(s, iin="850321301238")
        draft = create_application(s, district=district, citizen=owner, status=Status.DRAFT)
        attach_files(s, create_document(s, draft), [
            FileStorage(io.BytesIO(samples.jpeg()), filename="passport.jpg")],
            actor=events.Actor("citizen", owner.id, "citizen"))
        number = draft.number
        s.commit()
        s.expunge(owner)
    client, token = _signed_in(app, owner)
    response = client.post(f"/cabinet/applications/{number}/delete",
                           data={"csrf_token": token, "confirm": "y"})
    assert response.status_code == 303


# Every POST whose path is one of these is a sign-in, a code, a lookup or a verification: each
# must answer 429 after a burst from one address (ASVS V6.3.1, V2.4.1). Read from the url map.
LIMITED_PATHS = re.compile(r"^/(sign-in/|status$|operator/|sign/mobile/|verify)|lookup|verify")
# POSTs under those paths that are neither a guess nor a lookup, with the reason.
NOT_GUESSES: dict[str, str] = {
    "auth.sign_out": "ends the caller's own session",
    "auth.keep_alive": "renews the caller's own session",
    "auth.new_password": "only after a reset code was accepted (a single-use marker in the "
                         "session); the code itself is limited",
}


@pytest.mark.one_database("the limits count in the limiter's storage (memory here, Redis in "
                           "production), never in the database")
def test_every_sign_in_code_lookup_and_verify_post_is_rate_limited(app: Flask) -> None:
    rules = [r for r in app.url_map.iter_rules()
             if "POST" in (r.methods or set()) and LIMITED_PATHS.search(r.rule)
             and r.endpoint not in NOT_GUESSES]
    assert len(rules) >= 12
    operator = None
    unlimited = []
    for rule in sorted(rules, key=lambda r: r.rule):
        client = app.test_client()
        audience = _audience(app, rule)
        if ANYONE not in audience:
            if operator is None:
                with app.app_context():
                    s = db.session()
                    operator = create_staff(s, create_district(s), role=Role.OPERATOR)
                    s.commit()
                    s.expunge(operator)
            assert Role.OPERATOR in audience, rule.endpoint  # the only signed-in lookup so far
            client, token = _signed_in(app, operator)
        else:
            token = _csrf(client)
        url = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "x", rule.rule)
        answers = [client.post(url, data={"csrf_token": token, "iin": "850321301238",
                                          "query": "850321301238", "reason": "call",
                                          "number": "SA-0", "login": "someone"},
                               headers={"X-CSRFToken": token}).status_code
                   for _ in range(70)]
        if 429 not in answers:
            unlimited.append(f"{rule.endpoint} {rule.rule}")
    assert unlimited == []
