"""Intake of a paper application at a desk: the L8 checklist shown, its gaps (R6.2), and the
L3.2 / L3.3 times measured while the person is served."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from portal.domain.apply import NeededDocument, documents_needed
from portal.domain.forms import ApplicantCapacity
from portal.domain.grounds import GroundCategory, GroundRule
from portal.domain.package import DocumentKind, PackageDocument, package_gaps
from portal.domain.registers import GatewayOutcome, GatewayQuery

__all__ = [
    "MAX_SERVICE",
    "MAX_WAIT",
    "DeskGaps",
    "DeskTimes",
    "ShownDocument",
    "desk_checklist",
    "desk_gaps",
]

MAX_WAIT: Final = timedelta(minutes=30)  # L3.2: the longest wait to hand in the package
MAX_SERVICE: Final = timedelta(minutes=30)  # L3.3: the longest time serving the person


def desk_checklist(
    rule: GroundRule,
    capacity: ApplicantCapacity,
    applicant_iin: str,
    members: Iterable[str],
    outcomes: Mapping[tuple[str, GatewayQuery], GatewayOutcome],
    ground_proved_by_registers: bool = False,
) -> tuple[NeededDocument, ...]:
    """The documents of the List (L8) the desk checks for this application, in the order of L8.

    At a desk the applicant's identity document is always shown (L8.1); a family member's only
    where the State database "Individuals" did not confirm them (R3.4). Income papers are one
    item, "income of the person (family members)" (L8.2), where the ground needs income; then
    the ONE proof of the ground (L8.3) and the power of attorney of a representative (R3.1) —
    the same items the portal asks for (``documents_needed``).
    """
    portal_items = documents_needed(
        rule, capacity, [applicant_iin, *members], outcomes,
        ground_proved_by_registers=ground_proved_by_registers)
    identities = [i for i in portal_items
                  if i.kind is DocumentKind.IDENTITY and i.subject != applicant_iin]
    rest = [i for i in portal_items if i.kind is not DocumentKind.IDENTITY]
    items = [NeededDocument(DocumentKind.IDENTITY, applicant_iin), *identities]
    if rule.needs_income:
        items.append(NeededDocument(DocumentKind.INCOME))
    return (*items, *rest)


@dataclass(frozen=True)
class ShownDocument:
    """One checklist item as the desk recorded it: shown or not, and until when it is valid."""

    item: NeededDocument
    provided: bool
    valid_until: date | None = None
    proves: object = None  # the ground a ground proof proves (GroundCategory)


@dataclass(frozen=True)
class DeskGaps:
    """R6.2: the items missing and the items expired (checklist keys), for the F2-1 receipt."""

    missing: tuple[str, ...] = ()
    expired: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing and not self.expired


def desk_gaps(rule: GroundRule, shown: Iterable[ShownDocument], on: date, *,
              representative: bool, ground_proved_by_registers: bool = False) -> DeskGaps:
    """What the package lacks on ``on`` (R6.2): every checklist item shown and still valid.

    Each item of the checklist is one person's or one kind's document, so each must be there;
    ``package_gaps`` is asked too, so that the law's own list (identity, income where needed,
    the ONE proof of this very ground, the power of attorney) is never less than what is asked.
    """
    rows = list(shown)
    missing = [r.item.key for r in rows if not r.provided]
    expired = [r.item.key for r in rows
               if r.provided and r.valid_until is not None and r.valid_until < on]
    documents = [PackageDocument(r.item.kind, r.valid_until, r.proves)  # type: ignore[arg-type]
                 for r in rows if r.provided]
    if rule.category is GroundCategory.LOW_INCOME:
        # L8.3 names no document for the low-income ground: the income papers prove it (as
        # ``documents_needed`` says), so they stand as its proof for ``package_gaps`` too.
        documents += [PackageDocument(DocumentKind.GROUND_PROOF, d.valid_until,
                                      GroundCategory.LOW_INCOME)
                      for d in documents if d.kind is DocumentKind.INCOME]
    if ground_proved_by_registers:
        # The register proved the ground (L8: the dispensary register), so the checklist asked
        # for no paper proof (``desk_checklist``), and the law's list must not ask for one either.
        documents.append(PackageDocument(DocumentKind.GROUND_PROOF, None, rule.category))
    law = package_gaps(rule, documents, on, representative=representative)
    named_missing = {r.item.kind for r in rows if r.item.key in missing}
    named_expired = {r.item.kind for r in rows if r.item.key in expired}
    if rule.category is GroundCategory.LOW_INCOME:  # its proof's gap is the income papers' gap
        named_missing.add(DocumentKind.GROUND_PROOF)
        named_expired.add(DocumentKind.GROUND_PROOF)
    missing += [k.value for k in law.missing if k not in named_missing]
    expired += [k.value for k in law.expired if k not in named_expired]
    return DeskGaps(tuple(dict.fromkeys(missing)), tuple(dict.fromkeys(expired)))


@dataclass(frozen=True)
class DeskTimes:
    """L3.2 / L3.3: the wait from the queue ticket to the desk, and the time serving."""

    queued_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None

    @property
    def wait(self) -> timedelta | None:
        if self.queued_at is None or self.started_at is None:
            return None
        return max(self.started_at - self.queued_at, timedelta(0))

    @property
    def service(self) -> timedelta | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return max(self.ended_at - self.started_at, timedelta(0))

    @property
    def wait_too_long(self) -> bool:
        return self.wait is not None and self.wait > MAX_WAIT

    @property
    def service_too_long(self) -> bool:
        return self.service is not None and self.service > MAX_SERVICE


def seconds(span: timedelta | None) -> int | None:
    return None if span is None else int(span.total_seconds())
