"""Cases with every official form's rows filled in, made directly (the back office's screens fill
the same rows): a paper application granted (coupon, F1, F3, F4, F5, F6), one refused (F7), one
at the State Corporation (the electronic receipt) and one refused at the desk (F2-1)."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.domain.calendar import Channel
from portal.domain.forms import (
    ConsentKind,
    DocumentAcceptor,
    Frequency,
    NotificationChannel,
    NotificationForm,
    NotificationStatus,
    Relation,
    Sex,
)
from portal.domain.grounds import GroundCategory
from portal.domain.inspection import (
    CategoryPresent,
    HousingType,
    IncomeRow,
    InspectionFindings,
    SupportRow,
)
from portal.domain.package import DocumentKind
from portal.domain.workflow import Role, Status
from portal.models import Application, District, Signature
from portal.models.application import Consent, FamilyMember, Receipt, ReceiptKind
from portal.models.review import (
    CommissionConclusion,
    Decision,
    InspectionAct,
    Notification,
    PrecinctConclusion,
)
from tests.factories import almaty, create_application, create_document, create_staff

DAY = dt.date(2026, 11, 23)  # a Monday
AMOUNT_TIYN = 12_162_550  # 121 625,50 ₸
_serial = itertools.count(1)


@dataclass
class Cases:
    granted: Application
    refused: Application
    state_corp: Application
    refused_acceptance: Application
    portal: Application


def signature(session: Session, application: Application, kind: str, role: str) -> Signature:
    n = next(_serial)
    body = f"{kind}-{application.number}-{n}".encode()
    row = Signature(application_id=application.id, document_kind=kind,
                    signer_iin="800101300123", signer_role=role, certificate_serial=f"7E57{n:04d}",
                    document=body, document_digest=hashlib.sha256(body).hexdigest(),
                    envelope="not-a-jws", verification_code=f"VC{n:06d}-{application.id}")
    session.add(row)
    session.flush()
    return row


def _paper_application(session: Session, district: District, **fields: object) -> Application:
    application = create_application(
        session, district=district, channel=Channel.PROVIDER, ground=GroundCategory.FIRE,
        applicant_iin="850321301238", applicant_surname="Қасымов",
        applicant_given_name="Бауыржан", applicant_patronymic="Өмірұлы",
        applicant_birth_date=dt.date(1985, 3, 21), applicant_sex=Sex.MALE,
        id_doc_type="id_card", id_doc_series="ҚР", id_doc_number="041234567",
        id_doc_issued_by="ҚР ІІМ", id_doc_issued_on=dt.date(2019, 5, 14),
        addr_region="Ақмола облысы", addr_city="Көкшетау", addr_village="Шағалалы",
        addr_street="Әуезов көшесі", addr_house="11", addr_flat="45",
        bank_name="Halyk Bank", bank_account="KZ86125KZT5004100100", phone="+77011234567",
        assistance_requested="бір жолғы", arrived_at=almaty(DAY, 10),
        registered_on=DAY, result_due_on=dt.date(2026, 12, 3), **fields)
    return application


def make_cases(session: Session, district: District) -> Cases:
    head = create_staff(session, district, role=Role.HEAD, full_name="Нұрланова Сәуле",
                        position="Бөлім басшысы")
    specialist = create_staff(session, district, role=Role.SPECIALIST,
                              full_name="Серікбаев Ұлан", position="Бас маман")

    # -- granted: coupon, F1, F3, F4, F5, F6 ------------------------------------------------------
    granted = _paper_application(session, district, status=Status.NOTIFIED,
                                 accepted_by_id=specialist.id)
    granted.family = [
        FamilyMember(full_name="Қасымова Гүлнұр Һадиқызы", relation=Relation.SPOUSE,
                     birth_date=dt.date(1987, 1, 1), occupation="мұғалім", iin="870101400123"),
        FamilyMember(full_name="Қасымов Ұлан", relation=Relation.CHILD,
                     birth_date=dt.date(2015, 5, 5), occupation="оқушы"),
    ]
    granted.consents = [Consent(kind=k, given=True, wording_version="F1/36", wording_locale="kk",
                                wording_sha256="0" * 64) for k in ConsentKind]
    proof = create_document(session, granted, kind=DocumentKind.GROUND_PROOF,
                            proves=GroundCategory.FIRE, title="Өрт туралы анықтама",
                            number="ТЖ-4471", issued_on=dt.date(2026, 11, 2), sheets=2,
                            note="түпнұсқа көрсетілді")
    create_document(session, granted, kind=DocumentKind.IDENTITY, title="Жеке куәлік", sheets=1)
    session.add(Receipt(application_id=granted.id, kind=ReceiptKind.COUPON,
                        number=f"T-{granted.id}", issued_at=almaty(DAY, 10, 20),
                        issued_by_name="Серікбаев Ұлан", result_due_on=dt.date(2026, 12, 3)))
    act = InspectionAct(application_id=granted.id, inspected_on=dt.date(2026, 11, 24),
                        chair="Жақсылықов Нұрлан", members=["Әбенова Айгүл", "Төлеуов Қайрат"],
                        applicant_has_read=True)
    act.fill(InspectionFindings(
        able_bodied=2, registered_unemployed=1, children=1, fee_paying_students=1,
        yearly_fee_tiyn=45_000_000, categories=frozenset({CategoryPresent.PENSIONER,
                                                          CategoryPresent.OTHER}),
        other_category="көпбалалы ана", housing=HousingType.RENTED, housing_costs_tiyn=3_550_000,
        incomes=(IncomeRow("Қасымов Бауыржан", "жалақы", 37_036_800, "саяжай 6 сотық"),),
        car="жоқ", other_housing="жоқ",
        prior_assistance=(SupportRow("бір жолғы көмек", 5_000_000, "әкімдік"),),
        other_income=(SupportRow("алимент", 2_400_000, "сот шешімі"),),
        school_supplies="қамтамасыз етілген, жиһаз бар", sanitary_state="қанағаттанарлық"))
    session.add(act)
    session.flush()
    accept_sig = signature(session, granted, "F4", "precinct")
    session.add(PrecinctConclusion(
        application_id=granted.id, number="УК-17", concluded_on=dt.date(2026, 11, 24),
        applicant_name="Қасымов Бауыржан Өмірұлы", needs_assistance=True,
        chair="Жақсылықов Нұрлан", members=["Әбенова Айгүл", "Төлеуов Қайрат"], copies=2,
        accepted_on=dt.date(2026, 11, 25), accepted_by_name="Омаров Ерлан",
        accepted_by_position="ауыл әкімі", accepted_by_kind=DocumentAcceptor.RURAL_AKIM,
        accepted_signature_id=accept_sig.id))
    session.add(CommissionConclusion(application_id=granted.id, concluded_on=dt.date(2026, 11, 26),
                                     needs_assistance=True, model_rules_ground=2,
                                     recommended_amount_tiyn=AMOUNT_TIYN))
    decision_sig = signature(session, granted, "decision", "head")
    decision = Decision(application_id=granted.id, number=f"Ш-{granted.id}",
                        decided_on=dt.date(2026, 11, 27), granted=True, amount_tiyn=AMOUNT_TIYN,
                        frequency=Frequency.ONE_OFF, paid_from=dt.date(2026, 12, 1),
                        ground_document_id=proof.id, head_id=head.id,
                        specialist_id=specialist.id, signature_id=decision_sig.id)
    session.add(decision)
    session.flush()
    f6_sig = signature(session, granted, "F6", "head")
    session.add(Notification(
        application_id=granted.id, decision_id=decision.id, decision_granted=True,
        form=NotificationForm.F6, assistance_type="бір жолғы", channel=NotificationChannel.CABINET,
        status=NotificationStatus.SENT, responsible_name="Нұрланова Сәуле",
        responsible_position="Бөлім басшысы", created_at=almaty(dt.date(2026, 11, 27), 15),
        sent_at=almaty(dt.date(2026, 11, 27), 15, 5), signature_id=f6_sig.id))

    # -- refused: F5 refusal, F7 -----------------------------------------------------------------
    refused = _paper_application(session, district, status=Status.NOTIFIED,
                                 citizen=granted.citizen)
    refused_sig = signature(session, refused, "decision", "head")
    refusal = Decision(application_id=refused.id, number=f"Ш-{refused.id}",
                       decided_on=dt.date(2026, 11, 27), granted=False,
                       refusal_ground="negative_conclusion", head_id=head.id,
                       specialist_id=specialist.id, signature_id=refused_sig.id)
    session.add(refusal)
    session.flush()
    f7_sig = signature(session, refused, "F7", "head")
    session.add(Notification(
        application_id=refused.id, decision_id=refusal.id, decision_granted=False,
        form=NotificationForm.F7, assistance_type="бір жолғы", channel=NotificationChannel.PRINT,
        status=NotificationStatus.HANDED, responsible_name="Нұрланова Сәуле",
        responsible_position="Бөлім басшысы", created_at=almaty(dt.date(2026, 11, 27), 16),
        signature_id=f7_sig.id))

    # -- the State Corporation's electronic receipt -------------------------------------------------
    state_corp = create_application(
        session, district=district, citizen=granted.citizen, channel=Channel.STATE_CORP,
        status=Status.SUBMITTED, applicant_surname="Қасымов", applicant_given_name="Бауыржан",
        applicant_patronymic="Өмірұлы", arrived_at=almaty(DAY, 11),
        result_due_on=dt.date(2026, 12, 3))
    create_document(session, state_corp, kind=DocumentKind.IDENTITY, title="Жеке куәлік")
    create_document(session, state_corp, kind=DocumentKind.INCOME, title="Табыс туралы анықтама",
                    sheets=3)
    session.add(Receipt(application_id=state_corp.id, kind=ReceiptKind.ELECTRONIC_RECEIPT,
                        number=f"E-{state_corp.id}", issued_at=almaty(DAY, 11, 7),
                        issued_by_name="Жұмабаева Әсел Қайратқызы",
                        result_due_on=dt.date(2026, 12, 3)))

    # -- F2-1 ----------------------------------------------------------------------------------------
    refused_acceptance = create_application(
        session, district=district, citizen=granted.citizen, channel=Channel.PROVIDER,
        status=Status.REFUSED_ACCEPTANCE, applicant_surname="Қасымов",
        applicant_given_name="Бауыржан", applicant_patronymic="Өмірұлы")
    session.add(Receipt(application_id=refused_acceptance.id,
                        kind=ReceiptKind.REFUSAL_TO_ACCEPT, number=f"B-{refused_acceptance.id}",
                        issued_at=almaty(DAY, 12), issued_by_name="Серікбаев Ұлан",
                        application_date=DAY, incomplete=True, expired=False,
                        missing_documents=["Өрт туралы анықтама", "Табыс туралы анықтама"]))
    # -- F1-1: a portal application signed with its document --------------------------------------
    portal = create_application(session, district=district, citizen=granted.citizen,
                                channel=Channel.PORTAL, status=Status.REGISTERED,
                                submitted_at=almaty(DAY, 9))
    portal_signature = signature(session, portal, "application", "applicant")
    portal_signature.document = portal_document(portal.number)
    portal_signature.document_digest = hashlib.sha256(portal_signature.document).hexdigest()
    session.commit()
    return Cases(granted, refused, state_corp, refused_acceptance, portal)


def portal_document(number: str) -> bytes:
    """The signed F1-1 document of the portal case (the unit test's, with this case's number)."""
    import json

    from tests.unit.test_f1_1_pdf import f1_1_document

    return json.dumps({**f1_1_document(), "number": number}, ensure_ascii=False,
                      sort_keys=True).encode()
