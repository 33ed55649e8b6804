"""The portal application F1-1 as sections: their order, what each waits for, and their state.

The sections follow F1-1 field for field (R3.1, R6.3, R3.4, L8); the table below says which
sections must be done before another can start, and which apply only to some grounds. A
section's state is computed, never stored: the draft keeps only which sections the person
touched and which they confirmed ("save and continue"). A change to a section sends every
section that rests on it back to "in progress", so a confirmed answer never hides a stale one.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from portal.domain.forms import ApplicantCapacity, Relation
from portal.domain.grounds import GroundCategory, GroundRule
from portal.domain.package import DocumentKind
from portal.domain.registers import GatewayOutcome, GatewayQuery

__all__ = [
    "APPLICANT_QUERIES",
    "SECTIONS",
    "Mark",
    "NeededDocument",
    "Section",
    "SectionState",
    "documents_needed",
    "member_queries",
    "ready_to_check",
    "rests_on",
    "section_states",
]


class Section(enum.StrEnum):
    GROUND = "ground"  # the kind of assistance and the ground (L8.3, district configuration)
    BEHALF = "behalf"  # R3.1: myself, the family, a representative
    APPLICANT = "applicant"  # F1-1: confirmation of state bodies
    ADDRESS = "address"  # F1: permanent address, from the register, correctable
    FAMILY = "family"  # family members, each fetched by IIN
    REGISTERS = "registers"  # R6.3: the F1-2 queries, with the person watching
    INCOME = "income"  # L8.2: only where the ground needs income
    BANK = "bank"  # F1: bank details
    CONTACTS = "contacts"  # F1 phone, F1-1 e-mail
    DOCUMENTS = "documents"  # R3.4: only what the registers did not answer
    CONSENTS = "consents"  # F1 consents 1 and 2, undertaking, acknowledgement


class Mark(enum.StrEnum):
    """What the draft remembers of a section."""

    TOUCHED = "touched"
    DONE = "done"


class SectionState(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANNOT_START = "cannot_start"  # a section it rests on is not done yet
    NOT_NEEDED = "not_needed"  # e.g. income for a ground granted regardless of income


@dataclass(frozen=True)
class SectionSpec:
    section: Section
    needs: frozenset[Section] = frozenset()
    income_only: bool = False  # applies only where the ground needs income (L8.2, R11.2)


def _spec(section: Section, *needs: Section, income_only: bool = False) -> SectionSpec:
    return SectionSpec(section, frozenset(needs), income_only)


S = Section
SECTIONS: Final[tuple[SectionSpec, ...]] = (
    _spec(S.GROUND),
    _spec(S.BEHALF),
    _spec(S.APPLICANT, S.BEHALF),
    _spec(S.ADDRESS, S.APPLICANT),
    _spec(S.FAMILY, S.APPLICANT),
    # R6.3: the registers are asked about the applicant and every family member.
    _spec(S.REGISTERS, S.GROUND, S.APPLICANT, S.FAMILY),
    _spec(S.INCOME, S.GROUND, S.FAMILY, income_only=True),
    _spec(S.BANK, S.REGISTERS),
    _spec(S.CONTACTS),
    # R3.4: what to attach depends on what the registers answered and on the ground.
    _spec(S.DOCUMENTS, S.GROUND, S.BEHALF, S.REGISTERS, S.INCOME),
    _spec(S.CONSENTS),
)
_BY_SECTION: Final = MappingProxyType({s.section: s for s in SECTIONS})


def rests_on(section: Section) -> frozenset[Section]:
    """Every section that waits, directly or not, for ``section``: changing it reopens them."""
    found: set[Section] = set()
    frontier = {section}
    while frontier:
        frontier = {s.section for s in SECTIONS if s.needs & frontier} - found
        found |= frontier
    return frozenset(found)


def section_states(
    marks: Mapping[Section, Mark], needs_income: bool | None
) -> dict[Section, SectionState]:
    """The state of every section, in order. ``needs_income`` is None until a ground is chosen."""
    states: dict[Section, SectionState] = {}
    for spec in SECTIONS:
        if spec.income_only and needs_income is False:
            states[spec.section] = SectionState.NOT_NEEDED
            continue
        waiting = [
            n for n in spec.needs
            if states.get(n) not in (SectionState.DONE, SectionState.NOT_NEEDED)
        ]
        mark = marks.get(spec.section)
        if waiting:
            states[spec.section] = SectionState.CANNOT_START
        elif mark is Mark.DONE:
            states[spec.section] = SectionState.DONE
        elif mark is Mark.TOUCHED:
            states[spec.section] = SectionState.IN_PROGRESS
        else:
            states[spec.section] = SectionState.NOT_STARTED
    return states


def ready_to_check(states: Mapping[Section, SectionState]) -> bool:
    """Check your answers (and signing) opens when every section that applies is done."""
    return all(s in (SectionState.DONE, SectionState.NOT_NEEDED) for s in states.values())


# R6.3 / F1-2 (lines 308–316): the same queries as the desk's request, by the IIN of the
# applicant and of each family member, plus the disability look-up L8 names (line 369). Bank
# details are the applicant's alone (the assistance is paid to them); a ward's registration
# (item 8) is asked only for a ward.
APPLICANT_QUERIES: Final[tuple[GatewayQuery, ...]] = (
    GatewayQuery.IDENTITY,
    GatewayQuery.RESIDENCE,
    GatewayQuery.BANK_DETAILS,
    GatewayQuery.REAL_ESTATE,
    GatewayQuery.BIRTH_RECORDS,
    GatewayQuery.MARRIAGE,
    GatewayQuery.GUARDIANSHIP,
    GatewayQuery.DISPENSARY,
    GatewayQuery.DISABILITY,
)
_MEMBER_QUERIES: Final[tuple[GatewayQuery, ...]] = (
    GatewayQuery.IDENTITY,
    GatewayQuery.RESIDENCE,
    GatewayQuery.REAL_ESTATE,
    GatewayQuery.DISPENSARY,
    GatewayQuery.DISABILITY,
)


def member_queries(relation: Relation) -> tuple[GatewayQuery, ...]:
    if relation is Relation.WARD:
        return (*_MEMBER_QUERIES, GatewayQuery.WARD_RESIDENCE)
    return _MEMBER_QUERIES


@dataclass(frozen=True)
class NeededDocument:
    """One item of the List (L8) the person attaches on the portal.

    ``subject`` is the IIN of the person it is about (None: the application as a whole);
    ``because`` the register query that did not answer, when that is why it is asked (R3.4).
    """

    kind: DocumentKind
    subject: str | None = None
    because: GatewayQuery | None = None
    outcome: GatewayOutcome | None = None

    @property
    def key(self) -> str:
        """A stable name for the item within one application (used in forms and URLs)."""
        # Kind and person: a re-asked register failing on another query keeps the same item.
        return "-".join(p for p in (self.kind.value, self.subject or "") if p)


# The identity and registration of every person come from the State database "Individuals"
# (L8, line 369); where it does not answer, the identity document is attached (R3.4).
_IDENTITY_QUERIES: Final = (GatewayQuery.IDENTITY, GatewayQuery.RESIDENCE)


def documents_needed(
    rule: GroundRule,
    capacity: ApplicantCapacity,
    subjects: Iterable[str],
    outcomes: Mapping[tuple[str, GatewayQuery], GatewayOutcome],
    earners: Iterable[str] = (),
    ground_proved_by_registers: bool = False,
) -> tuple[NeededDocument, ...]:
    """What the person must attach on the portal (L8, R3.4), in the order of L8.

    ``subjects``: the applicant's IIN first, then each family member's; ``outcomes``: the
    register's answer to each (subject, query) asked; ``earners``: those who declared an income
    for the previous quarter (their income papers, L8.2, only where the ground needs income);
    ``ground_proved_by_registers``: a register answer proves the ground (e.g. the dispensary
    register for a socially significant disease, L8), so no paper proof is asked.
    """
    needed: list[NeededDocument] = []
    for iin in dict.fromkeys(subjects):  # one item per person, even if listed twice
        for query in _IDENTITY_QUERIES:
            outcome = outcomes.get((iin, query))
            if outcome is not None and outcome is not GatewayOutcome.FOUND:
                needed.append(NeededDocument(DocumentKind.IDENTITY, iin, query, outcome))
                break
    if rule.needs_income:
        needed.extend(NeededDocument(DocumentKind.INCOME, iin) for iin in dict.fromkeys(earners))
    # L8.3: ONE document proving the ground; for the low-income ground the income papers and
    # the income declared are the proof (the L8.3 list names no other document for it).
    if not ground_proved_by_registers and rule.category is not GroundCategory.LOW_INCOME:
        needed.append(NeededDocument(DocumentKind.GROUND_PROOF))
    if capacity.needs_power_of_attorney:
        needed.append(NeededDocument(DocumentKind.POWER_OF_ATTORNEY))
    return tuple(needed)
