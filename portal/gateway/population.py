"""A deterministic population for the simulated registers: families, records, incomes.

``generate(seed, people, districts, as_of)`` is pure: the same arguments give the same rows, so
tests and demos can name the people they use. The four demo citizens, the failure IINs and one
household per ground case come first; random households fill up to the size asked for.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from portal.domain.forms import Sex
from portal.domain.iin import Sex as IinSex
from portal.domain.iin import make_iin
from portal.domain.registers import GatewayOutcome, SourceSystem
from portal.gateway import names as n
from portal.models.application import IncomeKind
from portal.models.registers import RecordKind, RelationKind

Row = dict[str, Any]
# Incomes are held for the 8 quarters up to that of ``as_of`` and, as if they went on the same,
# the 4 after it: a demo database stays usable for a year after it was generated.
QUARTERS_BACK: Final = 8
QUARTERS_AHEAD: Final = 4
RESERVED_SERIALS: Final = 9900  # serials from here up are for the fixed people below
HOME_FIELDS: Final = ("district_code", "household", "region", "city", "street", "house", "flat",
                      "registered_on")


@dataclass(frozen=True)
class FailureCase:
    iin: str
    outcome: GatewayOutcome
    source: SourceSystem | None  # None: every register fails so
    note: str


# Failure on demand (docs/gateway.md). MISMATCH is not scripted: the register holds a birth date
# ten days off the IIN's, and the gateway's own comparison finds it.
FAILURES: Final = (
    FailureCase("910415399015", GatewayOutcome.NO_DATA, None, "not in any register yet"),
    FailureCase("831102499025", GatewayOutcome.MISMATCH, None, "birth date in the register "
                "differs from the IIN"),
    FailureCase("790630399037", GatewayOutcome.TIMEOUT, None, "every register times out"),
    FailureCase("950909499044", GatewayOutcome.UNAVAILABLE, None, "every register is down"),
    FailureCase("680120399051", GatewayOutcome.UNAVAILABLE, SourceSystem.DISPENSARY_REGISTER,
                "only the dispensary register is down"),
)


@dataclass
class Population:
    people: list[Row] = field(default_factory=list)
    relations: list[Row] = field(default_factory=list)
    records: list[Row] = field(default_factory=list)
    incomes: list[Row] = field(default_factory=list)


def quarter_starts(as_of: dt.date, back: int = QUARTERS_BACK,
                   ahead: int = QUARTERS_AHEAD) -> list[dt.date]:
    index = as_of.year * 4 + (as_of.month - 1) // 3
    return [dt.date(i // 4, i % 4 * 3 + 1, 1) for i in range(index - back + 1, index + ahead + 1)]


def years_before(day: dt.date, years: int, extra_days: int = 0) -> dt.date:
    year = day.year - years
    moved = day.replace(year=year, day=28) if day.month == 2 and day.day == 29 else \
        day.replace(year=year)
    return moved - dt.timedelta(days=extra_days)


def _iban(bank_code: str, account: str) -> str:
    bban = bank_code + account
    digits = "".join(str(int(c, 36)) for c in bban + "KZ00")
    return f"KZ{98 - int(digits) % 97:02d}{bban}"


class Builder:
    def __init__(self, seed: int, districts: Sequence[str], as_of: dt.date) -> None:
        if not districts:
            raise ValueError("at least one district code is needed")
        self.rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
        self.districts = list(districts)
        self.as_of = as_of
        self.quarters = quarter_starts(as_of)
        self.out = Population()
        self.used: set[str] = {f.iin for f in FAILURES}
        self.serials: dict[tuple[dt.date, Sex], int] = {}
        self.households = 0
        self.numbers = 0
        self.by_iin: dict[str, Row] = {}

    # -- people ------------------------------------------------------------------------------

    def iin_for(self, born: dt.date, sex: Sex) -> str:
        serial = self.serials.get((born, sex))
        if serial is None:
            serial = self.rng.randrange(1, 4000)
        while True:
            if serial >= RESERVED_SERIALS:
                raise RuntimeError("too many people born on one day")
            iin = make_iin(born, IinSex(sex.value), serial)
            serial += 1
            if iin is not None and iin not in self.used:
                self.serials[(born, sex)] = serial
                self.used.add(iin)
                return iin

    def household(self, district: str) -> dict[str, Any]:
        self.households += 1
        region, city = n.DISTRICT_PLACES.get(district, (district, district))
        flat = str(self.rng.randint(1, 180)) if self.rng.random() < 0.8 else None
        return {"district_code": district, "household": self.households, "region": region,
                "city": city, "street": self.rng.choice(n.STREETS),
                "house": str(self.rng.randint(1, 80)), "flat": flat,
                "registered_on": self.as_of - dt.timedelta(days=self.rng.randint(60, 6000))}

    def add(self, home: dict[str, Any], surname: str, given: str, patronymic: str | None,
            sex: Sex, born: dt.date, *, iin: str | None = None, died_on: dt.date | None = None,
            register_birth: dt.date | None = None, **extra: Any) -> str:
        iin = iin or self.iin_for(born, sex)
        self.used.add(iin)
        row = {
            **home, "iin": iin, "surname": surname, "given_name": given, "patronymic": patronymic,
            "birth_date": register_birth or born, "sex": sex, "died_on": died_on,
            "registered_on": max(home["registered_on"], born),
            "scripted_outcome": None, "scripted_source": None, **extra,
        }
        self.out.people.append(row)
        self.by_iin[iin] = row
        return iin

    def birth_date(self, low: int, high: int) -> dt.date:
        # Counted from the 1st of January, so the same seed gives the same people (IINs) all year.
        anchor = dt.date(self.as_of.year, 1, 1)
        return years_before(anchor, self.rng.randint(low, high), self.rng.randint(0, 364))

    def adult(self, home: dict[str, Any], sex: Sex, kazakh: bool, low: int = 22, high: int = 60,
              surname: str | None = None) -> tuple[str, str]:
        """A new adult; returns (IIN, given name) so children can take the patronymic."""
        given, patronymic = self.names(sex, kazakh)
        base = surname or self.rng.choice(n.KAZAKH_SURNAMES if kazakh else n.RUSSIAN_SURNAMES)
        return self.add(home, self.surname(base, sex), given, patronymic, sex,
                        self.birth_date(low, high)), given

    def names(self, sex: Sex, kazakh: bool) -> tuple[str, str]:
        father = self.rng.choice(n.KAZAKH_MALE if kazakh else tuple(n.RUSSIAN_MALE))
        given = self.rng.choice(self.given_names(sex, kazakh))
        return given, self.patronymic(father, sex, kazakh)

    @staticmethod
    def given_names(sex: Sex, kazakh: bool) -> Sequence[str]:
        if kazakh:
            return n.KAZAKH_MALE if sex is Sex.MALE else n.KAZAKH_FEMALE
        return tuple(n.RUSSIAN_MALE) if sex is Sex.MALE else n.RUSSIAN_FEMALE

    @staticmethod
    def patronymic(father: str, sex: Sex, kazakh: bool) -> str:
        if kazakh:
            return father + ("ұлы" if sex is Sex.MALE else "қызы")
        return n.RUSSIAN_MALE[father][0 if sex is Sex.MALE else 1]

    @staticmethod
    def surname(base: str, sex: Sex) -> str:
        return base if sex is Sex.MALE or base in n.INVARIABLE_SURNAMES else base + "а"

    def child(self, home: dict[str, Any], parents: Sequence[str], father_given: str,
              surname: str, kazakh: bool, age: tuple[int, int] = (0, 17),
              sex: Sex | None = None) -> str:
        sex = sex or self.rng.choice((Sex.MALE, Sex.FEMALE))
        born = self.birth_date(*age)
        # No parent younger than 19 at the birth.
        youngest = max((self.by_iin[p]["birth_date"] for p in parents), default=None)
        if youngest is not None and born < (earliest := years_before(youngest, -19)):
            born = min(earliest + dt.timedelta(days=self.rng.randint(0, 365)), self.as_of)
        given = self.rng.choice(self.given_names(sex, kazakh))
        iin = self.add(home, self.surname(surname, sex), given,
                       self.patronymic(father_given, sex, kazakh), sex, born)
        for parent in parents:
            self.relate(RelationKind.BIRTH, parent, iin, born)
        return iin

    # -- records -----------------------------------------------------------------------------

    def number(self, prefix: str) -> str:
        self.numbers += 1
        return f"{prefix}-{self.as_of.year % 100:02d}{self.numbers:06d}"

    def relate(self, kind: RelationKind, first: str, second: str, on: dt.date,
               ended_on: dt.date | None = None) -> None:
        office = {
            RelationKind.BIRTH: "АХАЖ бөлімі (ТЕСТ)",
            RelationKind.MARRIAGE: "АХАЖ бөлімі (ТЕСТ)",
            RelationKind.GUARDIANSHIP: "Қорғаншылық және қамқоршылық органы (ТЕСТ)",
        }[kind]
        self.out.relations.append({
            "kind": kind, "first_iin": first, "second_iin": second, "number": self.number(
                "G" if kind is RelationKind.GUARDIANSHIP else "A"),
            "office": office, "registered_on": on, "ended_on": ended_on,
        })

    def record(self, iin: str, kind: RecordKind, title: str, start_on: dt.date, *,
               code: str | None = None, number: str | None = None, address: str | None = None,
               end_on: dt.date | None = None) -> None:
        self.out.records.append({"person_iin": iin, "kind": kind, "code": code, "title": title,
                                 "number": number, "address": address, "start_on": start_on,
                                 "end_on": end_on})

    def income(self, iin: str, kind: IncomeKind, payer: str, monthly_tenge: int) -> None:
        for quarter in self.quarters:
            amount = round(monthly_tenge * 3 * self.rng.uniform(0.97, 1.03)) * 100
            self.out.incomes.append({"person_iin": iin, "quarter_start": quarter, "kind": kind,
                                     "payer": payer, "amount_tiyn": amount})

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.as_of - dt.timedelta(days=self.rng.randint(low, high))

    def account(self, iin: str) -> None:
        bic, code, bank = self.rng.choice(n.BANKS)
        account = "".join(str(self.rng.randint(0, 9)) for _ in range(13))
        self.record(iin, RecordKind.BANK_ACCOUNT, bank, self.days_ago(100, 4000), code=bic,
                    number=_iban(code, account))

    def home_of(self, home: dict[str, Any], iin: str, district_index: int) -> None:
        address = ", ".join(filter(None, (home["city"], home["street"], home["house"])))
        if home["flat"]:
            address += f", {home['flat']} пәтер"
        cadastre = (f"21:{320 + district_index}:{self.rng.randint(1, 999):03d}:"
                    f"{self.rng.randint(1, 9999):04d}")
        self.record(iin, RecordKind.REAL_ESTATE, "Пәтер" if home["flat"] else "Тұрғын үй",
                    home["registered_on"], code="flat" if home["flat"] else "house",
                    number=cadastre, address=address)

    def work(self, iin: str, low: int, high: int) -> None:
        self.income(iin, IncomeKind.WAGES, self.rng.choice(n.EMPLOYERS),
                    self.rng.randrange(low, high, 1000))

    def pension(self, iin: str, low: int = 70_000, high: int = 220_000) -> None:
        self.income(iin, IncomeKind.PENSION, n.PENSION_PAYER, self.rng.randrange(low, high, 500))

    def benefit(self, iin: str, monthly: int) -> None:
        self.income(iin, IncomeKind.BENEFIT, n.BENEFIT_PAYER, monthly)

    def disability(self, iin: str, group: str, since: dt.date, until: dt.date | None) -> None:
        title = "Мүгедек бала" if group == "child" else f"{group}-топтағы мүгедектік"
        self.record(iin, RecordKind.DISABILITY, title, since, code=group,
                    number=self.number("MSE"), end_on=until)

    def dispensary(self, iin: str, icd: str, since: dt.date, until: dt.date | None = None) -> None:
        title = n.SOCIALLY_SIGNIFICANT.get(icd) or n.OTHER_CHRONIC[icd]
        self.record(iin, RecordKind.DISPENSARY, title, since, code=icd,
                    number=self.number("D"), end_on=until)

    def incident(self, members: Sequence[str], kind: RecordKind, on: dt.date) -> None:
        title = ("Мемлекеттік өртке қарсы қызметтің өрт туралы актісі" if kind is RecordKind.FIRE
                 else "Төтенше жағдайлар комиссиясының дүлей апат туралы актісі")
        number = self.number("TJ")
        for iin in members:
            self.record(iin, kind, title, on, number=number)

    def penal(self, iin: str, kind: RecordKind, on: dt.date, until: dt.date | None = None) -> None:
        title = ("Бас бостандығынан айыру орнынан босатылғаны туралы анықтама"
                 if kind is RecordKind.RELEASE else "Пробация қызметінің есебінде тұр")
        self.record(iin, kind, title, on, number=self.number("PB"), end_on=until)
