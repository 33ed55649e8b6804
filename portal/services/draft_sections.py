"""Saving the sections of a portal draft (F1-1): behalf, applicant, address, family, income,
bank, contacts, consents. Forms have checked the shape; these keep what the law asks of each.

Calls that reach the registers commit first: the gateway writes its evidence in its own short
transaction (docs/gateway.md) and must not wait for this one's lock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from portal.domain.apply import NeededDocument, Section
from portal.domain.forms import ApplicantCapacity, ConsentKind, Relation, Sex
from portal.domain.grounds import GroundCategory
from portal.domain.iin import parse_iin
from portal.domain.package import DocumentKind
from portal.domain.registers import GatewayOutcome, GatewayQuery, Requester
from portal.gateway import Gateway, GatewayResult
from portal.models import (
    Application,
    Citizen,
    Consent,
    Document,
    FamilyMember,
    IncomeRecord,
)
from portal.models.application import IncomeKind
from portal.services.drafts import mark_touched

__all__ = [
    "ConsentText",
    "IncomeLine",
    "add_member",
    "confirm_applicant",
    "remove_member",
    "save_address",
    "save_bank",
    "save_behalf",
    "save_consents",
    "save_contacts",
    "save_income",
    "subjects",
]


def _set(draft: Application, section: Section, values: dict[str, Any]) -> bool:
    """Assign the values that differ; reopen the section (and what rests on it) if any did."""
    changed = False
    for name, value in values.items():
        if getattr(draft, name) != value:
            setattr(draft, name, value)
            changed = True
    if changed or section.value not in (draft.sections or {}):
        mark_touched(draft, section)
    return changed


def subjects(draft: Application) -> list[str]:
    """Whom the registers are asked about (R6.3): the applicant, then each family member."""
    found = [draft.applicant_iin] if draft.applicant_iin else []
    found += [m.iin for m in draft.family if m.iin and m.iin not in found]
    return found


# -- R3.1: on whose behalf -----------------------------------------------------------------------

def save_behalf(session: Session, draft: Application, citizen: Citizen,
                capacity: ApplicantCapacity, *, represented_iin: str | None = None,
                poa_number: str | None = None, poa_date: dt.date | None = None) -> None:
    """Myself or my family: the citizen is the applicant. A representative (power of attorney
    or legal representative): the represented person is the applicant, the citizen acts."""
    acting_for_other = capacity in (ApplicantCapacity.ATTORNEY,
                                    ApplicantCapacity.LEGAL_REPRESENTATIVE)
    applicant = represented_iin if acting_for_other else citizen.iin
    values: dict[str, Any] = {
        "capacity": capacity,
        "representative_iin": citizen.iin if acting_for_other else None,
        "representative_name": citizen.full_name if acting_for_other else None,
        "poa_number": poa_number if capacity is ApplicantCapacity.ATTORNEY else None,
        "poa_date": poa_date if capacity is ApplicantCapacity.ATTORNEY else None,
    }
    if applicant != draft.applicant_iin:
        # Another applicant: what the registers said of the previous one no longer holds.
        values.update(applicant_iin=applicant, applicant_surname=None,
                      applicant_given_name=None, applicant_patronymic=None,
                      applicant_birth_date=None, applicant_sex=None)
        draft.gateway_answers.clear()
    _set(draft, Section.BEHALF, values)
    session.commit()


# -- F1-1: the applicant, confirmed by the State database "Individuals" ---------------------------

def confirm_applicant(session: Session, gateway: Gateway, draft: Application,
                      citizen: Citizen, *, requester: Requester = Requester.APPLICANT,
                      staff_id: int | None = None) -> GatewayResult:
    """Ask the State database "Individuals" about the applicant (residence: person and address)
    and keep the answer on the case; the person then confirms or, where it did not answer,
    types their details and attaches the identity document (R3.4)."""
    if draft.applicant_iin is None:
        raise ValueError("choose on whose behalf first")
    session.commit()
    # R6.3 the applicant asks; R3.3 at a desk the accepting specialist does (``requester``).
    result = gateway.ask(GatewayQuery.RESIDENCE, draft.applicant_iin, requester,
                         citizen_id=citizen.id, staff_id=staff_id, application_id=draft.id)
    keep_answer(draft, result)
    iin = parse_iin(draft.applicant_iin)
    person = result.person
    values: dict[str, Any] = {
        "applicant_birth_date": iin.birth_date,
        "applicant_sex": Sex(iin.sex.value),
    }
    if person is not None:
        values.update(applicant_surname=person.surname, applicant_given_name=person.given_name,
                      applicant_patronymic=person.patronymic)
        address = person.address or {}
        if address and not draft.address_correction_reason:
            values.update(_register_address(address))
    _set(draft, Section.APPLICANT, values)
    session.commit()
    return result


def save_applicant(session: Session, draft: Application, values: dict[str, Any]) -> bool:
    """The identity document (F1) and, where the register did not answer, the typed name."""
    changed = _set(draft, Section.APPLICANT, values)
    session.commit()
    return changed


def _register_address(address: dict[str, Any]) -> dict[str, Any]:
    return {
        "addr_region": address.get("region"), "addr_city": address.get("city"),
        "addr_village": address.get("village"), "addr_street": address.get("street"),
        "addr_house": address.get("house"), "addr_flat": address.get("flat"),
        "address_from_register": True, "address_correction_reason": None,
    }


def keep_answer(draft: Application, result: GatewayResult) -> None:
    """The case keeps the latest answer to each (person, query)."""
    for old in [a for a in draft.gateway_answers
                if a.subject_iin == result.subject_iin and a.query is result.query]:
        draft.gateway_answers.remove(old)
    draft.gateway_answers.append(Gateway.answer_for(draft.id, result))


def register_address(draft: Application) -> dict[str, Any] | None:
    """The applicant's address as the register answered it, if it did."""
    for answer in draft.gateway_answers:
        if (answer.subject_iin == draft.applicant_iin and answer.query is GatewayQuery.RESIDENCE
                and answer.payload.get("address")):
            address: dict[str, Any] = answer.payload["address"]
            return address
    return None


# -- F1: the permanent address ---------------------------------------------------------------------

def save_address(session: Session, draft: Application, values: dict[str, Any],
                 reason: str | None) -> None:
    """The address as the register holds it, or corrected by the person with a reason."""
    from_register = register_address(draft)
    same = from_register is not None and all(
        (values.get(f"addr_{k}") or None) == (from_register.get(k) or None)
        for k in ("region", "city", "village", "street", "house", "flat")
    )
    _set(draft, Section.ADDRESS, {**values, "address_from_register": same,
                                  "address_correction_reason": None if same else reason})
    session.commit()


# -- family members, each fetched by IIN ----------------------------------------------------------

def add_member(session: Session, gateway: Gateway, draft: Application, citizen: Citizen,
               iin: str, relation: Relation, *, typed_name: str | None = None,
               requester: Requester = Requester.APPLICANT,
               staff_id: int | None = None) -> GatewayResult:
    """Add a family member: the State database "Individuals" names them; where it does not
    answer, the name typed is kept and the identity document is asked for later (R3.4)."""
    session.commit()
    result = gateway.ask(GatewayQuery.IDENTITY, iin, requester, citizen_id=citizen.id,
                         staff_id=staff_id, application_id=draft.id)
    person = result.person
    if person is None and not typed_name:
        raise NameNeeded(result)
    keep_answer(draft, result)
    born = parse_iin(iin).birth_date
    draft.family.append(FamilyMember(
        iin=iin, relation=relation,
        full_name=person.full_name if person is not None else (typed_name or ""),
        birth_date=person.birth_date if person is not None else born,
        from_register=person is not None,
    ))
    mark_touched(draft, Section.FAMILY)
    session.commit()
    return result


class NameNeeded(Exception):
    """The register did not name the person: their full name must be typed (F1)."""

    def __init__(self, result: GatewayResult) -> None:
        super().__init__(result.outcome.value)
        self.result = result


def remove_member(session: Session, draft: Application, member: FamilyMember) -> None:
    draft.family.remove(member)
    for answer in [a for a in draft.gateway_answers if a.subject_iin == member.iin]:
        draft.gateway_answers.remove(answer)
    for record in [r for r in draft.incomes if r.member_iin == member.iin]:
        draft.incomes.remove(record)
    mark_touched(draft, Section.FAMILY)
    session.commit()


# -- L8.2: income of the previous quarter ------------------------------------------------------

@dataclass(frozen=True)
class IncomeLine:
    member_iin: str
    member_name: str
    kind: IncomeKind
    amount_tiyn: int


def save_income(session: Session, draft: Application, lines: Iterable[IncomeLine],
                quarter: tuple[dt.date, dt.date]) -> None:
    start, end = quarter
    wanted = sorted((line.member_iin, line.kind.value, line.amount_tiyn) for line in lines)
    current = sorted((r.member_iin or "", r.kind.value, r.amount_tiyn) for r in draft.incomes)
    if wanted != current or Section.INCOME.value not in (draft.sections or {}):
        draft.incomes.clear()
        draft.incomes.extend(
            IncomeRecord(member_iin=line.member_iin, member_name=line.member_name,
                         kind=line.kind, amount_tiyn=line.amount_tiyn,
                         period_start=start, period_end=end)
            for line in lines if line.amount_tiyn > 0
        )
        mark_touched(draft, Section.INCOME)
    session.commit()


# -- F1: bank details; phone and e-mail ----------------------------------------------------------

def register_accounts(draft: Application) -> list[dict[str, Any]]:
    """The accounts the organisation paying social assistance holds for the applicant."""
    for answer in draft.gateway_answers:
        if answer.subject_iin == draft.applicant_iin and answer.query is GatewayQuery.BANK_DETAILS:
            accounts: list[dict[str, Any]] = answer.payload.get("accounts") or []
            return accounts
    return []


def save_bank(session: Session, draft: Application, bank_name: str | None,
              iban: str | None) -> None:
    from_register = any(a.get("iban") == iban for a in register_accounts(draft))
    _set(draft, Section.BANK, {"bank_name": bank_name, "bank_account": iban,
                               "bank_from_register": from_register})
    session.commit()


def save_contacts(session: Session, draft: Application, phone: str | None,
                  email: str | None) -> None:
    _set(draft, Section.CONTACTS, {"phone": phone, "email": email})
    session.commit()


# -- F1 consents and undertakings ---------------------------------------------------------------

@dataclass(frozen=True)
class ConsentText:
    """The exact wording shown, in the language it was shown in."""

    kind: ConsentKind
    text: str
    locale: str
    version: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def save_consents(session: Session, draft: Application, shown: Sequence[ConsentText],
                  given: set[ConsentKind], *, now: dt.datetime) -> None:
    """Each statement stored with the exact text version shown and the time it was answered."""
    existing = {c.kind: c for c in draft.consents}
    changed = False
    for text in shown:
        row = existing.get(text.kind)
        agreed = text.kind in given
        if row is None:
            row = Consent(kind=text.kind)
            draft.consents.append(row)
        elif (row.given == agreed and row.wording_sha256 == text.sha256
              and row.wording_locale == text.locale):
            continue
        row.given = agreed
        row.given_at = now
        row.wording_version = text.version
        row.wording_locale = text.locale
        row.wording_sha256 = text.sha256
        changed = True
    if changed or Section.CONSENTS.value not in (draft.sections or {}):
        mark_touched(draft, Section.CONSENTS)
    session.commit()


# -- R3.4, L8: the documents to attach --------------------------------------------------------------

def sync_documents(session: Session, draft: Application, needed: Sequence[NeededDocument],
                   titles: dict[str, str]) -> list[tuple[NeededDocument, Document]]:
    """One Document row per item the person must attach (the files hang on it); items no
    longer needed (a register answered on a retry, a member removed) go with their files."""
    by_key = {_document_key(d): d for d in draft.documents}
    wanted = {item.key: item for item in needed}
    changed = False
    for key, document in by_key.items():
        if key not in wanted:
            draft.documents.remove(document)
            changed = True
    pairs: list[tuple[NeededDocument, Document]] = []
    for key, item in wanted.items():
        found = by_key.get(key)
        if found is None:
            found = Document(
                kind=item.kind, subject_iin=item.subject, because=item.because,
                proves=draft.ground if item.kind is DocumentKind.GROUND_PROOF else None,
                title=titles.get(key, item.kind.value)[:300], provided=False)
            draft.documents.append(found)
            changed = True
        pairs.append((item, found))
    if changed:
        session.commit()
    return pairs


def _document_key(document: Document) -> str:
    return NeededDocument(document.kind, document.subject_iin).key


def missing_files(pairs: Sequence[tuple[NeededDocument, Document]]) -> list[Document]:
    return [document for _item, document in pairs if not document.files]


def ground_proved_by_registers(draft: Application) -> bool:
    """L8 (line 369): on the portal the socially significant disease comes from the register of
    dispensary patients, so a registration there marked socially significant proves the ground
    without a paper."""
    if draft.ground is not GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE:
        return False
    people = set(subjects(draft))
    return any(
        answer.query is GatewayQuery.DISPENSARY and answer.subject_iin in people
        and answer.outcome is GatewayOutcome.FOUND
        and any(r.get("socially_significant") for r in answer.payload.get("registrations") or [])
        for answer in draft.gateway_answers
    )
