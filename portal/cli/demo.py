"""Demo data for the embedded default: two districts with their configuration (demo_config),
staff of every role, citizens and their numbers in the simulated mobile citizens database, and
TEST EDS keys for all of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.cli import demo_config
from portal.db import utcnow
from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.forms import AkimatLevel, Frequency, Sex
from portal.domain.grounds import GroundCategory
from portal.domain.iin import parse_iin
from portal.domain.income import MRP_TIYN
from portal.domain.inspection import HousingType, IncomeRow, InspectionFindings
from portal.domain.workflow import Role, Status
from portal.models import (
    Application,
    ApplicationForm,
    Citizen,
    Desk,
    District,
    DistrictGround,
    Signature,
    StaffUser,
)
from portal.notify.mobile import register as register_phone
from portal.services.events import Actor, record
from portal.services.passwords import hash_password
from signing import Holder

DISTRICT_CODE = "astana-esil"


@dataclass(frozen=True)
class DemoAccount:
    login: str
    password: str
    role: str
    name: str
    iin: str = ""
    totp_secret: str = ""  # staff: base32, for any authenticator app (TEST only)


# Every demo person's TEST EDS key (`enrol_keys`): the same public secrets for all, as the
# passwords above. The key-file password follows the key-file rule (8+ characters, not trivial);
# the phone PIN has 8 digits and is neither a run nor a repeat.
KEY_FILE_PASSWORD = "demo-key-2026"  # noqa: S105 — public TEST secret, printed by `demo load`
PHONE_PIN = "58142037"

# Demo staff IINs: valid numbers with serials above what the simulated population uses
# (population.RESERVED_SERIALS), so no register person and no demo citizen shares one.
STAFF_IINS = {
    "intake": "880412499909", "akim": "790903399902", "corp": "900125499905",
    "precinct": "720630399906", "specialist": "861108499905", "commission": "810214399903",
    "head": "750719499901", "operator": "930502499900", "admin": "841021399902",
}
STAFF_ORGANISATION = "Есіл ауданы әкімдігі"


STAFF = (
    ("intake", Role.INTAKE, Channel.PROVIDER, "Сейткали Айгерім Маратқызы", "Бас маман (қабылдау)"),
    ("akim", Role.INTAKE, Channel.RURAL_AKIM, "Омаров Ерлан Бекұлы", "Ауылдық округ әкімінің маманы"),
    ("corp", Role.INTAKE, Channel.STATE_CORP, "Ким Ольга Викторовна", "Мемлекеттік корпорация қызметкері"),
    ("precinct", Role.PRECINCT, None, "Жақсылықов Нұрлан Асқарұлы", "Учаскелік комиссия төрағасы"),
    ("specialist", Role.SPECIALIST, None, "Әбілқасымова Динара Серікқызы", "Бөлім маманы"),
    ("commission", Role.COMMISSION, None, "Төлеуов Бауыржан Қайратұлы", "Арнайы комиссия хатшысы"),
    ("head", Role.HEAD, None, "Нұрланова Сәуле Ержанқызы", "Бөлім басшысы"),
    ("operator", Role.OPERATOR, None, "Петрова Анна Сергеевна", "1414 операторы"),
    ("admin", Role.ADMIN, None, "Әкімшісі Жүйе", "Жүйе әкімшісі"),
)

# The intake desks of the demo district, named in kk, ru and en; the State Corporation branch
# is a duty branch (L7).
DESKS = (
    (Channel.PROVIDER, ("Есіл ауданы әкімдігі, қабылдау", "Акимат района Есиль, приёмная",
                        "Esil district akimat, reception"), False),
    (Channel.RURAL_AKIM, ("Ауылдық округ әкімінің аппараты", "Аппарат акима сельского округа",
                          "Office of the rural district akim"), False),
    (Channel.STATE_CORP, ("ХҚКО, кезекші бөлім", "ЦОН, дежурный отдел",
                          "Public Service Centre, duty branch"), True),
)

CITIZENS = (
    ("850321301238", "Қасымов", "Бауыржан", "Серікұлы", "+77011234567"),
    ("921231445671", "Ахметова", "Гүлнар", "Бекқызы", "+77029876543"),
    ("500706400099", "Сұлтанова", "Күләш", None, None),
    ("760212350620", "Иванов", "Сергей", "Петрович", "+77051112233"),
)

# Demo amounts in monthly calculation indices (MRP), as a maslikhat might adopt them.
GROUNDS = (
    (GroundCategory.NATURAL_DISASTER, Frequency.ONE_OFF, 50),
    (GroundCategory.FIRE, Frequency.ONE_OFF, 50),
    (GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE, Frequency.MONTHLY, 5),
    (GroundCategory.LOW_INCOME, Frequency.ONE_OFF, 10),
    (GroundCategory.ORPHAN, Frequency.ONE_OFF, 15),
    (GroundCategory.OLD_AGE_SELF_CARE, Frequency.MONTHLY, 3),
    (GroundCategory.RELEASED_FROM_PRISON, Frequency.ONE_OFF, 10),
)


# L10.1: applications to look up at /status, by the 1414 operator and through the API (number,
# applicant IIN, status). Fixed numbers, so the README can name them.
APPLICATIONS = (
    ("SA-2026-DEMO-0001", "850321301238", Status.REGISTERED, GroundCategory.LOW_INCOME),
    ("SA-2026-DEMO-0002", "921231445671", Status.SUBMITTED, GroundCategory.FIRE),
    ("SA-2026-DEMO-0003", "760212350620", Status.REGISTERED, GroundCategory.OLD_AGE_SELF_CARE),
)


def demo_password(login: str) -> str:
    return f"demo-{login}-2026"


def load(session: Session, year: int = 2026) -> tuple[bool, list[DemoAccount]]:
    """Create the demo data once; return (created now?, the accounts to print)."""
    accounts = [
        DemoAccount(login, demo_password(login), role.value, name, STAFF_IINS[login])
        for login, role, _ch, name, _pos in STAFF
    ] + [
        DemoAccount(iin, demo_password("citizen"), "citizen", f"{s} {g}", iin)
        for iin, s, g, _p, _ph in CITIZENS
    ]
    if session.scalar(select(District).where(District.code == DISTRICT_CODE)) is not None:
        if demo_config.ensure_second_district(session, year):  # a database from before it
            record(session, Actor.system(), "demo_data_loaded",
                   data={"district": demo_config.SECOND_DISTRICT_CODE})
        demo_config.ensure_members(session)
        name_desks(session)
        _applications(session)
        accounts = _with_factors(session, accounts, record_events=True)
        session.commit()
        intake_demo(session)
        review_cases(session)
        return False, accounts
    mrp = MRP_TIYN[year]
    district = District(
        code=DISTRICT_CODE,
        name_kk="Астана қаласы, Есіл ауданы",
        name_ru="город Астана, район Есиль",
        name_en="Astana, Esil district",
        provider_name_kk="Есіл ауданы әкімдігінің жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
        provider_name_ru="Отдел занятости и социальных программ акимата района Есиль",
        provider_name_en="Employment and social programmes department, Esil district akimat",
        provider_bin="990340001234",
        akimat_level=AkimatLevel.CAPITAL,
        threshold_numerator=7,
        threshold_denominator=10,
        grounds=[
            DistrictGround(category=c, frequency=f, amount_tiyn=n * mrp) for c, f, n in GROUNDS
        ],
    )
    session.add(district)
    session.flush()
    desks = {channel: Desk(district_id=district.id, channel=channel, name_kk=kk, name_ru=ru,
                           name_en=en, duty_branch=duty)
             for channel, (kk, ru, en), duty in DESKS}
    session.add_all(desks.values())
    session.flush()
    for login, role, channel, name, position in STAFF:
        session.add(StaffUser(
            login=login, full_name=name, position=position, role=role,
            desk_id=desks[channel].id if channel is not None else None,
            district_id=district.id, password_hash=hash_password(demo_password(login)),
            iin=STAFF_IINS[login],
        ))
    citizen_hash = hash_password(demo_password("citizen"))
    for iin, surname, given, patronymic, phone in CITIZENS:
        parsed = parse_iin(iin)
        session.add(Citizen(
            iin=iin, surname=surname, given_name=given, patronymic=patronymic,
            birth_date=parsed.birth_date, sex=Sex(parsed.sex.value.lower()), phone=phone,
            password_hash=citizen_hash, confirmed_at=utcnow(),
        ))
        if phone is not None:  # 500706400099 has no number: her notices are printed (R15.10)
            register_phone(session, iin, phone)
    demo_config.ensure_second_district(session, year)
    demo_config.ensure_members(session)
    session.flush()
    _applications(session)
    record(session, Actor.system(), "demo_data_loaded",
           data={"district": DISTRICT_CODE, "districts": [DISTRICT_CODE,
                                                          demo_config.SECOND_DISTRICT_CODE],
                 "at": dt.date.today().isoformat()})
    session.flush()
    accounts = _with_factors(session, accounts, record_events=False)
    session.commit()
    intake_demo(session)
    review_cases(session)
    return True, accounts


def name_desks(session: Session) -> None:
    """The demo desks' Russian and English names, for a database whose desks had one name
    (migration 0010 copied it into all three): a name someone has translated since is kept."""
    names = {kk: (ru, en) for _ch, (kk, ru, en), _duty in (*DESKS, *demo_config.SECOND_DESKS)}
    for desk in session.scalars(select(Desk).where(Desk.name_kk.in_(names))):
        ru, en = names[desk.name_kk]
        if desk.name_ru == desk.name_kk:
            desk.name_ru = ru
        if desk.name_en == desk.name_kk:
            desk.name_en = en
    session.flush()


def _applications(session: Session) -> None:
    """The demo applications, each once: submitted on the portal today, registered at once or
    waiting for registration, with the term and the result's due date (L3.1, R7.1)."""
    from portal.domain.deadlines import service_term_due
    from portal.services.workdays import calendar

    district = session.scalar(select(District).where(District.code == DISTRICT_CODE))
    if district is None:
        return
    cal = calendar()
    # Made on a working morning, so a case shown as registered is registered by today (R7.1).
    now = _arrival(arrival_day(utcnow(), cal))
    term_start = cal.term_starts_on(now, Channel.PORTAL)
    for number, iin, status, ground in APPLICATIONS:
        if session.scalar(select(Application.id).where(Application.number == number)):
            continue
        citizen = session.scalar(select(Citizen).where(Citizen.iin == iin))
        if citizen is None:
            continue
        session.add(Application(
            number=number, citizen_id=citizen.id, district_id=district.id,
            channel=Channel.PORTAL, form=ApplicationForm.F1_1, ground=ground, status=status,
            applicant_iin=iin, applicant_surname=citizen.surname,
            applicant_given_name=citizen.given_name, applicant_patronymic=citizen.patronymic,
            applicant_birth_date=citizen.birth_date, arrived_at=now, submitted_at=now,
            term_started_on=term_start, result_due_on=service_term_due(term_start, cal),
            registered_on=(cal.registration_date(now, Channel.PORTAL)
                           if status is Status.REGISTERED else None),
        ))
    session.flush()


# When a demo package arrived (Asia/Almaty): in the morning of a working day.
_DEMO_ARRIVAL = dt.time(9, 30)


def arrival_day(now: dt.datetime, cal: WorkingCalendar) -> dt.date:
    """The working day the demo's paper packages arrived on: today once the office has been
    open a while, else the last working day. Run at night or at the weekend, the loader then
    registers no case on a later day than the steps taken on it now (R7.1, R7.2)."""
    from portal.domain.calendar import to_local

    local = to_local(now)
    day = local.date()
    if cal.is_working_day(day) and local.time() >= _DEMO_ARRIVAL:
        return day
    return working_days_back(day, 1, cal)


def working_days_back(day: dt.date, n: int, cal: WorkingCalendar) -> dt.date:
    """The n-th working day before ``day``."""
    for _ in range(n):
        day -= dt.timedelta(days=1)
        while not cal.is_working_day(day):
            day -= dt.timedelta(days=1)
    return day


def _arrival(day: dt.date) -> dt.datetime:
    from portal.domain.calendar import ALMATY

    return dt.datetime.combine(day, _DEMO_ARRIVAL, tzinfo=ALMATY)


def _fit(text: str, limit: int = 64) -> str:
    """A certificate attribute holds at most 64 UTF-8 bytes (about 30 Cyrillic letters)."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text.rstrip()


def _holders(session: Session) -> list[Holder]:
    holders = [Holder(iin=iin, surname=surname, name=given, patronymic=patronymic or "")
               for iin, surname, given, patronymic, _phone in CITIZENS]
    district = session.scalar(select(District).where(District.code == DISTRICT_CODE))
    bin_ = district.provider_bin if district is not None else "990340001234"
    for login, _role, _ch, name, position in STAFF:
        surname, given, *rest = name.split()
        holders.append(Holder(iin=STAFF_IINS[login], surname=surname, name=given,
                              patronymic=" ".join(rest), position=_fit(position),
                              organisation=STAFF_ORGANISATION, bin=bin_))
    return holders


def enrol_keys(session: Session) -> list[str]:
    """Issue every demo person a TEST key in the key-file and the phone signer, once: a key
    issued before (by an earlier run or `flask signing issue-cert`) is left as it is.

    Staff rows from before the staff had IINs get theirs. Returns what to print."""
    from portal.services import signing as signing_service
    from portal.services.signing_ca import issue_certificate

    for login, iin in STAFF_IINS.items():
        staff = session.scalar(select(StaffUser).where(StaffUser.login == login))
        if staff is not None and staff.iin is None:
            staff.iin = iin
    session.commit()
    secrets = {"keyfile": KEY_FILE_PASSWORD, "mobile": PHONE_PIN}
    issued = kept = 0
    signers = signing_service.context().signers
    for holder in _holders(session):
        for name, secret in secrets.items():
            signer = signers.get(name)
            if signer is None:
                continue
            if signer.is_enrolled(holder.iin):  # type: ignore[attr-defined]
                kept += 1
                continue
            issue_certificate(session, Actor.system(), signer_name=name, holder=holder,
                              secret=secret)
            issued += 1
    return [
        f"TEST EDS keys: {issued} issued now, {kept} issued before (left as they were).",
        f"  key file password: {KEY_FILE_PASSWORD}    phone (eGov Mobile) PIN: {PHONE_PIN}",
        "  sign in with EDS at /sign-in/eds (citizens) or /sign-in/staff/eds (staff), "
        "with the IIN printed above",
    ]


def _with_factors(session: Session, accounts: list[DemoAccount], *,
                  record_events: bool) -> list[DemoAccount]:
    """Demo staff come with an enrolled authenticator secret, kept across runs (a factor an
    admin reset, or one a SECRET_KEY change made unreadable, is made anew)."""
    from dataclasses import replace

    from portal.services.staff_accounts import enrol_demo

    logins = {login for login, *_ in STAFF}
    out = []
    for account in accounts:
        staff = session.scalar(select(StaffUser).where(StaffUser.login == account.login))
        if account.login in logins and staff is not None:
            account = replace(account, totp_secret=enrol_demo(session, staff, now=utcnow(),
                                                                record_event=record_events))
        out.append(account)
    return out


# -- intake at the desks (issue 11) --------------------------------------------------------------

# Paper applications made at the demo district's desks, each once: one registered at the
# provider's desk with its coupon (R6.1, R7.1), one refused at the rural akim's desk with the
# F2-1 receipt because the proof of the ground was not brought (R6.2), and one accepted at the
# State Corporation's desk with its electronic receipt, forwarded to the provider (R6.1).
INTAKE_CASES = (
    ("SA-2026-DESK-0001", "intake", "500706400099", GroundCategory.OLD_AGE_SELF_CARE, True),
    ("SA-2026-DESK-0002", "akim", "921231445671", GroundCategory.NATURAL_DISASTER, False),
    ("SA-2026-DESK-0003", "corp", "760212350620", GroundCategory.RELEASED_FROM_PRISON, True),
)
# F1's list of attached documents, as a desk in Astana writes it (no request, so no gettext).
INTAKE_TITLES = {
    "identity": "Жеке басын куәландыратын құжат",
    "income": "Соңғы тоқсандағы табыс туралы анықтама",
    "ground_proof": "Негізді растайтын құжат",
}
GROUND_PROOF_TITLES = {
    GroundCategory.OLD_AGE_SELF_CARE: "Өзіне-өзі қызмет көрсете алмайтыны туралы медициналық "
                                      "қорытынды",
    GroundCategory.NATURAL_DISASTER: "ТЖ қызметінің табиғи зілзала залалы туралы анықтамасы",
    GroundCategory.RELEASED_FROM_PRISON: "Бас бостандығынан айыру орындарынан босатылғаны туралы "
                                         "анықтама",
}
# "I ask to assign me ___ social assistance" (F1), in the applicant's words.
REQUESTED = {"one_off": "бір жолғы", "monthly": "ай сайынғы"}


@dataclass(frozen=True)
class PaperDetails:
    """What F1 holds of a demo citizen, as the intake desk types it from the identity document
    and the bank card: the ID card, the permanent address, the account, the phone."""

    id_number: str
    id_issued_on: dt.date
    region: str
    city: str
    street: str
    house: str
    flat: str | None
    bank: str
    iban: str
    phone: str | None  # None: the citizen's own (their number in the mobile database)


PAPER = {
    "850321301238": PaperDetails("045612378", dt.date(2019, 5, 14), "Астана қаласы",
                                 "Есіл ауданы", "Қабанбай батыр даңғылы", "11", "45",
                                 "Қазақстан Халық банкі АҚ", "KZ12601A861000123456", None),
    "921231445671": PaperDetails("051278934", dt.date(2021, 9, 2), "Астана қаласы",
                                 "Есіл ауданы", "Тұран даңғылы", "24", "117",
                                 "Kaspi Bank АҚ", "KZ18722S000012345678", None),
    # No mobile number (her notices are printed, R15.10): F1 gives her home telephone.
    "500706400099": PaperDetails("038845120", dt.date(2016, 11, 23), "Астана қаласы",
                                 "Есіл ауданы", "Сығанақ көшесі", "7", "12",
                                 "Қазақстан Халық банкі АҚ", "KZ31601A861000234567",
                                 "+77172241508"),
    "760212350620": PaperDetails("047730215", dt.date(2020, 2, 11), "Астана қаласы",
                                 "Есіл ауданы", "Ақмешіт көшесі", "3", "58",
                                 "Kaspi Bank АҚ", "KZ11722S000098765432", None),
}


def fill_f1(session: Session, application: Application, *, now: dt.datetime) -> None:
    """F1 as the intake desk fills it (views/staff/intake.py's applicant and consents steps):
    the identity document, the permanent address, the bank details and the phone, through the
    draft-section services, and the four statements agreed to in Kazakh. The request's words
    follow the ground's frequency. Idempotent: saving the same values again changes nothing."""
    from flask_babel import force_locale

    from portal.domain.forms import ConsentKind
    from portal.services import draft_sections
    from portal.web.consents import CONSENT_TEXTS, WORDING_VERSION

    details = PAPER.get(application.applicant_iin or "")
    if details is None:
        return
    if application.assistance_requested is None:
        offer = next((g for g in application.district.grounds
                      if g.category is application.ground and g.current), None)
        if offer is not None:
            application.assistance_requested = REQUESTED.get(offer.frequency.value)
    draft_sections.save_applicant(session, application, {
        "id_doc_type": "id_card", "id_doc_number": details.id_number,
        "id_doc_issued_by": "ҚР ІІМ", "id_doc_issued_on": details.id_issued_on})
    draft_sections.save_address(session, application, {
        "addr_region": details.region, "addr_city": details.city, "addr_village": None,
        "addr_street": details.street, "addr_house": details.house, "addr_flat": details.flat},
        None)
    draft_sections.save_bank(session, application, details.bank, details.iban)
    draft_sections.save_contacts(session, application, details.phone or application.phone,
                                 application.email)
    with force_locale("kk"):
        shown = [draft_sections.ConsentText(kind, str(text), "kk", WORDING_VERSION)
                 for kind, text in CONSENT_TEXTS.items()]
    draft_sections.save_consents(session, application, shown, set(ConsentKind), now=now)
# An intake official at each desk type, if a database from before lacks one.
INTAKE_STAFF = {
    Channel.PROVIDER: ("intake", "Сейткали Айгерім Маратқызы", "Бас маман (қабылдау)"),
    Channel.RURAL_AKIM: ("akim", "Омаров Ерлан Бекұлы", "Ауылдық округ әкімінің маманы"),
    Channel.STATE_CORP: ("corp", "Ким Ольга Викторовна", "Мемлекеттік корпорация қызметкері"),
}


def intake_demo(session: Session) -> None:
    """The intake officials of the demo district and three paper cases made through the intake
    services (services/intake.py), as a desk would: one accepted and registered with its coupon,
    one refused with the F2-1, one accepted at the State Corporation with its electronic
    receipt. F1 is filled as the desk's steps fill it (``fill_f1``)."""
    from portal.domain.calendar import to_local
    from portal.services import drafts
    from portal.services import intake as intake_service
    from portal.services.workdays import calendar

    district = session.scalar(select(District).where(District.code == DISTRICT_CODE))
    if district is None:
        return
    for desk in district.desks:
        staffed = session.scalar(select(StaffUser.id).where(StaffUser.desk_id == desk.id,
                                                            StaffUser.role == Role.INTAKE))
        login, name, position = INTAKE_STAFF[desk.channel]
        if staffed is None and session.scalar(
                select(StaffUser.id).where(StaffUser.login == login)) is None:
            session.add(StaffUser(login=login, full_name=name, position=position,
                                  role=Role.INTAKE, desk_id=desk.id, district_id=district.id,
                                  password_hash=hash_password(demo_password(login)),
                                  iin=STAFF_IINS[login]))
    session.commit()
    cal = calendar()
    for number, login, iin, ground, complete in INTAKE_CASES:
        if session.scalar(select(Application.id).where(Application.number == number)):
            continue
        staff = session.scalar(select(StaffUser).where(StaffUser.login == login))
        citizen = session.scalar(select(Citizen).where(Citizen.iin == iin))
        if staff is None or staff.desk is None or citizen is None:
            continue
        offer = next((g for g in district.grounds if g.category is ground and g.current), None)
        if offer is None:
            continue
        now = utcnow()
        draft = intake_service.start(session, staff, staff.desk, citizen,
                                     queued_at=now - dt.timedelta(minutes=12), now=now,
                                     number=number)
        drafts.choose_ground(session, draft, citizen, offer,
                             REQUESTED.get(offer.frequency.value))
        fill_f1(session, draft, now=now)
        details = PAPER[iin]
        proof_on = working_days_back(to_local(now).date(), 20, cal)
        entries = [intake_service.DocumentEntry(
            item=item, provided=complete or item.kind.value == "identity",
            title=(GROUND_PROOF_TITLES.get(ground, INTAKE_TITLES["ground_proof"])
                   if item.kind.value == "ground_proof"
                   else INTAKE_TITLES.get(item.kind.value, item.kind.value)),
            original_compared=True, sheets=2 if item.kind.value == "ground_proof" else 1,
            number=(details.id_number if item.kind.value == "identity"
                    else f"{number[-4:]}/{proof_on.year}" if item.kind.value == "ground_proof"
                    else None),
            issued_on=(details.id_issued_on if item.kind.value == "identity"
                       else proof_on if item.kind.value == "ground_proof" else None))
            for item in intake_service.checklist(draft)]
        intake_service.save_documents(session, draft, entries, staff, now=utcnow())
        if complete:
            intake_service.accept(session, draft, staff, now=utcnow(), cal=cal)
        else:
            intake_service.refuse(session, draft, staff, now=utcnow(), cal=cal)


# The review half of the back office (issue #11): cases of the demo district moved through the
# review services, one in each status from the precinct commission to the special commission's
# recommendation, so the queue and the case page show real work. Fixed numbers; each made once.
REVIEW_CASES = (
    ("SA-2026-DEMO-0101", "921231445671", Status.AT_PRECINCT),
    ("SA-2026-DEMO-0102", "760212350620", Status.PRECINCT_CONCLUDED),
    ("SA-2026-DEMO-0103", "850321301238", Status.INCOME_COMPUTED),
    ("SA-2026-DEMO-0104", "500706400099", Status.AT_SPECIAL_COMMISSION),
    ("SA-2026-DEMO-0105", "921231445671", Status.COMMISSION_CONCLUDED),
)
_REVIEW_ORDER = (Status.AT_PRECINCT, Status.PRECINCT_CONCLUDED, Status.INCOME_COMPUTED,
                 Status.AT_SPECIAL_COMMISSION, Status.COMMISSION_CONCLUDED)


def review_cases(session: Session) -> None:
    """Paper applications (low income) registered at the provider's desk today, then sent to the
    precinct commission, inspected (F3), concluded (F4), received back, income computed (R11.1),
    submitted and concluded by the special commission — each step by its role, through
    services/review.py, so each has its event. Commits per step (the services do)."""
    from portal.domain.deadlines import service_term_due
    from portal.domain.forms import DocumentAcceptor, Relation
    from portal.domain.income import previous_quarter
    from portal.domain.workflow import Actor as StepActor
    from portal.models import FamilyMember, IncomeKind, IncomeRecord
    from portal.services import review
    from portal.services.workdays import calendar

    district = session.scalar(select(District).where(District.code == DISTRICT_CODE))
    if district is None:
        return
    staff = {s.login: s for s in session.scalars(select(StaffUser).where(
        StaffUser.district_id == district.id))}
    if not {"intake", "precinct", "specialist", "commission"} <= staff.keys():
        return
    panel = _precinct_panel(session, district)
    if panel is None:
        return
    chair_text, others = panel
    cal = calendar()

    def who(login: str) -> tuple[StepActor, Actor]:
        person = staff[login]
        return person.actor, Actor("staff", person.id, person.role.value)

    for number, iin, target in REVIEW_CASES:
        if session.scalar(select(Application.id).where(Application.number == number)):
            continue
        citizen = session.scalar(select(Citizen).where(Citizen.iin == iin))
        if citizen is None:
            continue
        now = utcnow()
        arrived = _arrival(arrival_day(now, cal))
        today = cal.term_starts_on(arrived, Channel.PROVIDER)
        start, end = previous_quarter(today)
        applicant = " ".join(p for p in (citizen.surname, citizen.given_name) if p)
        application = Application(
            number=number, citizen_id=citizen.id, district_id=district.id,
            channel=Channel.PROVIDER, form=ApplicationForm.F1, ground=GroundCategory.LOW_INCOME,
            status=Status.REGISTERED, applicant_iin=iin, applicant_surname=citizen.surname,
            applicant_given_name=citizen.given_name, applicant_patronymic=citizen.patronymic,
            applicant_birth_date=citizen.birth_date, applicant_sex=citizen.sex,
            phone=citizen.phone, arrived_at=arrived, submitted_at=arrived, term_started_on=today,
            registered_on=today,
            result_due_on=service_term_due(today, cal), accepted_by_id=staff["intake"].id,
            desk_id=staff["intake"].desk_id,
            assignee_id=staff["specialist"].id,
            family=[FamilyMember(full_name="Ахметов Данияр", relation=Relation.CHILD,
                                 birth_date=dt.date(2015, 4, 2), occupation="оқушы")],
            incomes=[IncomeRecord(member_name=applicant, member_iin=iin, kind=IncomeKind.WAGES,
                                  amount_tiyn=12_000_000, period_start=start, period_end=end)],
        )
        session.add(application)
        session.flush()
        paper_documents(application, filed=today, cal=cal)
        fill_f1(session, application, now=now)
        intake = Actor("staff", staff["intake"].id, "intake")
        record(session, intake, "accept_paper", application_id=application.id,
               from_status=Status.DRAFT.value, to_status=Status.SUBMITTED.value)
        record(session, intake, "register", application_id=application.id,
               from_status=Status.SUBMITTED.value, to_status=Status.REGISTERED.value)
        session.commit()
        steps = _REVIEW_ORDER[:_REVIEW_ORDER.index(target) + 1]
        actor, by = who("specialist")
        review.send_to_precinct(session, application, actor, by, now=utcnow(), cal=cal)
        if Status.PRECINCT_CONCLUDED not in steps:
            continue
        actor, by = who("precinct")
        findings = _findings(applicant, 12_000_000, children=1)
        review.record_inspection(session, application, actor, by, inspected_on=today,
                                 findings=findings, chair=chair_text, members=others,
                                 applicant_has_read=True, now=utcnow(), cal=cal)
        review.conclude_precinct(
            session, application, actor, by, number=f"{number[-3:]}/У",
            concluded_on=today, needs_assistance=True,
            reasons="Отбасының жан басына шаққандағы табысы шектен төмен", chair=chair_text,
            members=others, acceptance=review.Acceptance(
                2, today, staff["specialist"].full_name, staff["specialist"].position,
                DocumentAcceptor.DEPARTMENT, staff["specialist"].id),
            now=utcnow(), cal=cal)
        if Status.INCOME_COMPUTED not in steps:
            continue
        actor, by = who("specialist")
        review.receive_documents(session, application, actor, by, now=utcnow(), cal=cal)
        plan = review.income_plan(application, today)
        review.compute_income(
            session, application, actor, by,
            counted={line.key for line in plan.lines if line.counted_by_default},
            computed_by=staff["specialist"], now=utcnow(), cal=cal)
        if Status.AT_SPECIAL_COMMISSION not in steps:
            continue
        review.submit_to_commission(session, application, actor, by, now=utcnow(), cal=cal)
        if Status.COMMISSION_CONCLUDED not in steps:
            continue
        actor, by = who("commission")
        review.conclude_commission(
            session, application, actor, by, concluded_on=today, needs_assistance=True,
            model_rules_ground=4, recommended_amount_tiyn=10 * MRP_TIYN[2026],
            reasons="Табыс шектен төмен: көмек көрсету ұсынылады", now=utcnow(), cal=cal)


def _precinct_panel(session: Session, district: District) -> tuple[str, list[str]] | None:
    """The district's precinct commission as its acts name it: the chair, then the members."""
    from portal.models import Commission, CommissionRole
    from portal.services import review

    members = review.commission_members(session, district.id, Commission.PRECINCT)
    chair = next((m for m in members if m.role is CommissionRole.CHAIR), None)
    if chair is None:
        return None
    return (f"{chair.full_name}, {chair.position}",
            [f"{m.full_name}, {m.position}" for m in members if m is not chair])


def _findings(applicant: str, quarter_tiyn: int, children: int = 0, *,
              incomes: tuple[IncomeRow, ...] = (), able_bodied: int = 1) -> InspectionFindings:
    """What the demo's precinct commission finds at a home (F3): one wage earner renting, or
    the family's income rows as given."""
    return InspectionFindings(
        able_bodied=able_bodied, registered_unemployed=0, children=children,
        housing=HousingType.RENTED, housing_costs_tiyn=4_500_000,
        incomes=incomes or (IncomeRow(applicant, "жалақы", quarter_tiyn),),
        school_supplies="жеткілікті", sanitary_state="қанағаттанарлық")


def paper_documents(application: Application, *, filed: dt.date, cal: WorkingCalendar,
                    shown: bool = True) -> None:
    """The documents of a low-income application (L8.1, L8.2), as F1's list names them: the
    applicant's identity document and the certificate of the last quarter's income — for this
    ground the income papers prove it (``domain.intake.desk_gaps``), so its number and date
    are what F5 prints. ``shown``: the originals were compared at a desk (not on the portal)."""
    from portal.domain.package import DocumentKind
    from portal.models import Document

    if application.documents:
        return
    details = PAPER.get(application.applicant_iin or "")
    application.documents.extend([
        Document(kind=DocumentKind.IDENTITY, subject_iin=application.applicant_iin,
                 title=INTAKE_TITLES["identity"], sheets=1, provided=True,
                 original_compared=shown,
                 number=details.id_number if details is not None else None,
                 issued_on=details.id_issued_on if details is not None else None),
        Document(kind=DocumentKind.INCOME, title=INTAKE_TITLES["income"], sheets=2,
                 provided=True, original_compared=shown,
                 number=f"{application.number[-4:]}-ТА",
                 issued_on=working_days_back(filed, 3, cal)),
    ])


def ground_document(application: Application) -> int | None:
    """The document proving the case's ground (F5, line 533): the ground's own proof, or for
    the low-income ground the income papers that prove it."""
    from portal.domain.package import DocumentKind

    provided = [d for d in application.documents if d.provided]
    proof = next((d for d in provided if d.kind is DocumentKind.GROUND_PROOF
                  and d.proves is application.ground), None)
    if proof is None and application.ground is GroundCategory.LOW_INCOME:
        proof = next((d for d in provided if d.kind is DocumentKind.INCOME), None)
    return proof.id if proof is not None else None


# SA-2026-DEMO-0206: the household README gives 850321301238 (and the simulated registers hold,
# gateway/households.py): he, his wife and their four children, on his wage of 150 000 ₸ and
# her child benefit of 30 000 ₸ a month — 30 000 ₸ a head. (name, relation, age, occupation,
# birthday); ages count back from the year the case was filed.
FAMILY_OF_SIX = (
    ("Қасымова Жанар Ерланқызы", "spouse", 34, "бала күтімі бойынша демалыста", (2, 17)),
    ("Қасымов Әлихан Бауыржанұлы", "child", 12, "оқушы", (9, 3)),
    ("Қасымова Аружан Бауыржанқызы", "child", 9, "оқушы", (4, 21)),
    ("Қасымов Нұрасыл Бауыржанұлы", "child", 6, "балабақша", (11, 8)),
    ("Қасымова Інжу Бауыржанқызы", "child", 2, "үйде", (6, 30)),
)
FAMILY_WAGE_TIYN = 15_000_000  # a month
FAMILY_BENEFIT_TIYN = 3_000_000  # a month
HOUSEHOLDS = {"SA-2026-DEMO-0206": FAMILY_OF_SIX}


# -- cases from the preliminary refusal to the notification (R15.1–R15.11) ----------------------

# (number, citizen, channel, status wanted): moved there through services/decisions.py and
# services/notifications.py, so the back office and the citizens' cabinets show real work.
DECISION_CASES = (
    ("SA-2026-DEMO-0201", "850321301238", Channel.PORTAL, Status.PRELIMINARY_REFUSAL),
    ("SA-2026-DEMO-0202", "921231445671", Channel.PORTAL, Status.OBJECTION_RECEIVED),
    ("SA-2026-DEMO-0203", "921231445671", Channel.PROVIDER, Status.HEARING_HELD),
    ("SA-2026-DEMO-0204", "760212350620", Channel.PROVIDER, Status.GRANTED),
    ("SA-2026-DEMO-0205", "500706400099", Channel.PROVIDER, Status.REFUSED),
    ("SA-2026-DEMO-0206", "850321301238", Channel.PORTAL, Status.NOTIFIED),
)


def _head_signature(session: Session, application: Application, document: dict[str, object],
                    head: StaffUser) -> Signature:
    """The head signs the demo F5 with the TEST key file, as on the signing page."""
    from portal.services import decisions
    from portal.services import signing as signing_service
    from signing import Role as SignRole
    from signing import canonical_json

    data = canonical_json(document)
    who = decisions.staff_actor(head)
    assert head.iin is not None
    challenge = signing_service.start_signing(
        session, who, signer_name="keyfile", document=data, signer_iin=head.iin,
        purpose=decisions.DECISION_PURPOSE, role=SignRole.STAFF, application_id=application.id)
    return signing_service.complete_signing(
        session, who, signer_name="keyfile", challenge_id=challenge.id, answer=KEY_FILE_PASSWORD,
        document=data, expected_iin=head.iin, purpose=decisions.DECISION_PURPOSE,
        document_kind="decision", application_id=application.id)


def _reviewed(session: Session, application: Application, *, filed: dt.date, on: dt.date,
              needy: bool, specialist: StaffUser, panel: tuple[str, list[str]]) -> None:
    """The review a decision case went through before the demo takes it on, as rows dated in
    the past (the audit log cannot be written backwards): registered and sent to the precinct
    commission on ``filed`` (R7.1, R7.2); inspected (F3) and concluded (F4) on ``on``, the
    documents received back, the income computed and the package submitted (R11.1), and the
    special commission's recommendation (F5) the same day. ``needy``: every finding says so —
    or every one says not, the negative conclusion a preliminary refusal cites (L9)."""
    from portal.domain.calendar import ALMATY
    from portal.domain.forms import DocumentAcceptor, Relation
    from portal.domain.income import is_below_threshold, per_capita_income, previous_quarter
    from portal.models import (
        CommissionConclusion,
        FamilyMember,
        IncomeComputation,
        IncomeKind,
        IncomeRecord,
        InspectionAct,
        PrecinctConclusion,
    )
    from portal.services import review

    applicant = " ".join(p for p in (application.applicant_surname,
                                     application.applicant_given_name) if p)
    threshold = review.district_threshold(application.district, on)
    start, end = previous_quarter(filed)
    household = HOUSEHOLDS.get(application.number, ())
    lines: tuple[tuple[str, str | None, IncomeKind, str, int], ...]
    if household:
        # The family's own incomes (HOUSEHOLDS): his wage, her child benefit, for the quarter.
        application.family.extend(
            FamilyMember(full_name=name, relation=Relation(relation),
                         birth_date=dt.date(filed.year - age, *birthday), occupation=occupation)
            for name, relation, age, occupation, birthday in household)
        spouse = household[0][0]
        lines = ((applicant, application.applicant_iin, IncomeKind.WAGES, "жалақы",
                  3 * FAMILY_WAGE_TIYN),
                 (spouse, None, IncomeKind.BENEFIT, "балаға арналған жәрдемақы",
                  3 * FAMILY_BENEFIT_TIYN))
    else:
        # A quarter's wages of half the monthly threshold, or of twice it, for the one member.
        quarter = 3 * threshold // 2 if needy else 3 * threshold * 2
        lines = ((applicant, application.applicant_iin, IncomeKind.WAGES, "жалақы", quarter),)
    quarter = sum(amount for *_who, amount in lines)
    count = 1 + len(household)
    per_capita = per_capita_income(quarter, count)
    children = sum(1 for _n, relation, *_rest in household if relation == "child")
    chair, members = panel
    act = InspectionAct(application_id=application.id, inspected_on=on, chair=chair,
                        members=members, applicant_has_read=True)
    act.fill(_findings(applicant, quarter, children,
                       incomes=tuple(IncomeRow(name, words, amount)
                                     for name, _iin, _kind, words, amount in lines),
                       able_bodied=2 if household else 1))
    application.registered_on = application.sent_to_precinct_on = filed
    application.documents_received_on = application.submitted_to_commission_on = on
    application.incomes.extend(
        IncomeRecord(member_name=name, member_iin=iin, kind=kind, amount_tiyn=amount,
                     period_start=start, period_end=end)
        for name, iin, kind, _words, amount in lines)
    application.inspection_act = act
    application.precinct_conclusion = PrecinctConclusion(
        application_id=application.id, number=f"{application.number[-3:]}/У", concluded_on=on,
        applicant_name=applicant, needs_assistance=needy, chair=chair, members=members,
        copies=2, accepted_on=on, accepted_by_name=specialist.full_name,
        accepted_by_position=specialist.position, accepted_by_kind=DocumentAcceptor.DEPARTMENT,
        accepted_by_id=specialist.id)
    application.income_computation = IncomeComputation(
        application_id=application.id, quarter_start=start, quarter_end=end, total_tiyn=quarter,
        members=count, per_capita_tiyn=per_capita, threshold_tiyn=threshold,
        below_threshold=is_below_threshold(per_capita, threshold),
        computed_by_id=specialist.id,
        computed_at=dt.datetime.combine(on, dt.time(11), tzinfo=ALMATY))
    application.commission_conclusion = CommissionConclusion(
        application_id=application.id, concluded_on=on, needs_assistance=needy,
        model_rules_ground=4, recommended_amount_tiyn=10 * MRP_TIYN[2026] if needy else None,
        reasons=("Табыс шектен төмен: көмек көрсету ұсынылады" if needy
                 else "Жан басына шаққандағы табыс шектен жоғары: көмекке мұқтаж емес"))
    application.status = Status.COMMISSION_CONCLUDED
    session.flush()


def decision_cases(session: Session) -> list[str]:
    """Demo cases in every status from the preliminary refusal to the notification, each once.

    Steps that need time to have passed (the R15.1/R15.3 windows before a refusal) are seeded
    as rows dated in the past, since the audit log cannot be written backwards; every step
    taken now goes through the services (the guard, the event, the notification)."""
    from portal.domain.calendar import ALMATY, to_local
    from portal.domain.deadlines import (
        earliest_decision_date,
        objection_window_closes,
        service_term_due,
    )
    from portal.domain.forms import NotificationChannel
    from portal.domain.hearing import HearingMode, RefusalGround
    from portal.models import HearingProtocol, PreliminaryDecision
    from portal.notify import sms
    from portal.services import cases, decisions, notifications
    from portal.services.signing import context
    from portal.services.workdays import calendar

    district = session.scalar(select(District).where(District.code == DISTRICT_CODE))
    if district is None or "keyfile" not in context().signers:
        return []
    specialist = session.scalar(select(StaffUser).where(StaffUser.login == "specialist"))
    head = session.scalar(select(StaffUser).where(StaffUser.login == "head"))
    intake = session.scalar(select(StaffUser).where(StaffUser.login == "intake"))
    panel = _precinct_panel(session, district)
    if specialist is None or head is None or panel is None:
        return []
    enrol_keys(session)  # the head signs with the TEST key (idempotent; `demo load` did it)
    cal = calendar()
    made: list[str] = []
    for number, iin, channel, wanted in DECISION_CASES:
        if session.scalar(select(Application.id).where(Application.number == number)):
            continue
        citizen = session.scalar(select(Citizen).where(Citizen.iin == iin))
        if citizen is None:
            continue
        now = utcnow()
        today = to_local(now).date()
        # Reviewed by both commissions four working days back, registered the day before: the
        # refusal's windows (R15.1, R15.3) have passed, and a decision taken now is still within
        # the service term (L3.1).
        past = working_days_back(arrival_day(now, cal), 4, cal)
        filed = working_days_back(past, 1, cal)
        application = Application(
            number=number, citizen_id=citizen.id, district_id=district.id, channel=channel,
            form=ApplicationForm.F1_1 if channel is Channel.PORTAL else ApplicationForm.F1,
            ground=GroundCategory.LOW_INCOME, status=Status.REGISTERED,
            applicant_iin=iin, applicant_surname=citizen.surname,
            applicant_given_name=citizen.given_name, applicant_patronymic=citizen.patronymic,
            applicant_birth_date=citizen.birth_date, phone=citizen.phone,
            arrived_at=_arrival(filed), submitted_at=_arrival(filed), term_started_on=filed,
            result_due_on=service_term_due(filed, cal), assignee_id=specialist.id)
        if channel is not Channel.PORTAL:  # handed in at the provider's desk (F1)
            application.desk_id = intake.desk_id if intake is not None else None
            application.accepted_by_id = intake.id if intake is not None else None
        session.add(application)
        session.flush()
        paper_documents(application, filed=filed, cal=cal, shown=channel is not Channel.PORTAL)
        fill_f1(session, application, now=now)
        _reviewed(session, application, filed=filed, on=past, specialist=specialist,
                  panel=panel, needy=wanted in {Status.GRANTED, Status.NOTIFIED})
        cases.refresh_next_due(application, cal)
        session.commit()
        if wanted is Status.REFUSED:
            # The refusal's notice, objection window and hearing lie in the past (seeded rows).
            issued = dt.datetime.combine(past, dt.time(16), tzinfo=ALMATY)  # after the F5
            held = dt.datetime.combine(cal.add_working_days(past, 2), dt.time(11), tzinfo=ALMATY)
            pre = PreliminaryDecision(
                application_id=application.id, district_id=application.district_id,
                refusal_ground=RefusalGround.NEGATIVE_CONCLUSION,
                reasons="Учаскелік комиссияның F4 қорытындысы: көмекке мұқтаж емес.",
                issued_at=issued, delivered_at=issued, delivered_via=NotificationChannel.PRINT,
                objection_due_on=objection_window_closes(past, cal),
                earliest_decision_on=earliest_decision_date(past, cal), hearing_at=held,
                hearing_mode=HearingMode.OTHER_MEANS)
            application.preliminary_decisions.append(pre)
            session.flush()
            session.add(HearingProtocol(
                application_id=application.id, preliminary_decision_id=pre.id, held_at=held,
                text="Өтініш беруші тыңдалды; жаңа құжаттар ұсынылмады.",
                made_by_id=specialist.id))
            application.status = Status.HEARING_HELD
            cases.refresh_next_due(application, cal)
            session.commit()
        elif wanted in {Status.PRELIMINARY_REFUSAL, Status.OBJECTION_RECEIVED,
                        Status.HEARING_HELD}:
            _first, last = decisions.hearing_window(now, cal)
            decisions.issue_preliminary_refusal(
                session, application, specialist, ground=RefusalGround.NEGATIVE_CONCLUSION,
                reasons="Учаскелік комиссияның F4 қорытындысы: отбасының табысы шектен жоғары.",
                hearing_at=dt.datetime.combine(last, dt.time(11), tzinfo=ALMATY),
                mode=HearingMode.VIDEO_OR_COMMUNICATION,
                link="https://meet.example.kz/hearing-" + number[-4:], now=now, cal=cal)
            if channel is not Channel.PORTAL:
                decisions.deliver_notice(session, application, specialist,
                                         via=NotificationChannel.PRINT, delivered_at=utcnow(),
                                         now=utcnow(), cal=cal)
            if wanted is Status.OBJECTION_RECEIVED:
                # Handed in on paper at the department and entered by the specialist (an
                # objection made in the cabinet is signed: the demo has no keys at this point).
                decisions.enter_objection(
                    session, application, specialist,
                    text="Ұлымның табысы қазан айында тоқтады, анықтаманы қоса беремін.",
                    now=utcnow(), cal=cal)
            if wanted is Status.HEARING_HELD:
                decisions.hold_hearing(
                    session, application, specialist, held_at=utcnow(),
                    text="Өтініш беруші тыңдалды.", oral_objection="Табыс дұрыс есептелмеген.",
                    now=utcnow(), cal=cal)
        if wanted in {Status.GRANTED, Status.REFUSED, Status.NOTIFIED}:
            draft = (decisions.DecisionDraft(granted=False,
                                             refusal_ground=RefusalGround.NEGATIVE_CONCLUSION,
                                             reasons="Тыңдаудан кейін де мұқтаждық анықталмады.")
                     if wanted is Status.REFUSED else decisions.DecisionDraft(
                         granted=True, amount_tiyn=10 * MRP_TIYN[today.year if today.year
                                                                 in MRP_TIYN else 2026],
                         frequency=Frequency.ONE_OFF, paid_from=today))
            now = utcnow()
            number_f5 = decisions.next_decision_number(session, application, now)
            document = decisions.decision_document(session, application, draft, head,
                                                   number=number_f5, now=now)
            signature = _head_signature(session, application, document, head)
            decision = decisions.decide(session, application, head, draft, number=number_f5,
                                        signature=signature, now=utcnow(), cal=cal)
            # F5's "number and date of the document proving the ground" (line 533).
            decision.ground_document_id = ground_document(application)
            session.commit()
            if wanted is not Status.GRANTED:
                notifications.issue(session, application, sms=sms(), now=utcnow(), cal=cal)
        made.append(f"  {number}: {application.status.value}")
    if made:
        return ["Demo cases from the preliminary refusal to the notification:", *made]
    return []
