"""The households of the simulated population: the named cases first, then random families."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from portal.cli.demo import CITIZENS
from portal.domain.forms import Sex
from portal.domain.iin import parse_iin
from portal.domain.registers import GatewayOutcome
from portal.gateway import names as n
from portal.gateway.population import (
    FAILURES,
    HOME_FIELDS,
    Builder,
    Population,
    years_before,
)
from portal.models.registers import RecordKind, RelationKind

DEMO_CASES = {
    "850321301238": "low income: a family of six on one wage and a child benefit",
    "921231445671": "orphans: guardian of two wards (one over 14) whose parents died",
    "500706400099": "old age: lives alone, 1st disability group, pension",
    "760212350620": "socially significant disease (tuberculosis) and released from prison",
}

Home = dict[str, Any]


def generate(seed: int, people: int, districts: Sequence[str], as_of: dt.date) -> Population:
    """The same arguments always give the same population (IINs, names, records, incomes)."""
    b = Builder(seed, districts, as_of)
    first = districts[0]
    _demo_citizens(b, first)
    _failures(b, first)
    _showcase(b, first)
    builders: list[Callable[[Builder, str, int], object]] = [
        _family, _single_parent, _single_adult, _pensioner, _pensioner_couple,
        _three_generations, _couple, _guardians]
    weights = [33, 8, 12, 10, 10, 10, 12, 5]
    while len(b.out.people) < people:
        index = b.households % len(districts)
        b.rng.choices(builders, weights)[0](b, districts[index], index)
    return b.out


# -- the named people ------------------------------------------------------------------------


def _demo_citizens(b: Builder, district: str) -> None:
    people = {iin: (surname, given, patronymic) for iin, surname, given, patronymic, _ in CITIZENS}

    def demo(home: Home, iin: str) -> str:
        surname, given, patronymic = people[iin]
        parsed = parse_iin(iin)
        return b.add(home, surname, given, patronymic, Sex(parsed.sex.value), parsed.birth_date,
                     iin=iin)

    # Low income: 150 000 ₸ wages + 30 000 ₸ benefit for six people is below 0.7 × 50 851 ₸.
    home = b.household(district)
    father = demo(home, "850321301238")
    mother = b.add(home, "Қасымова", "Жанар", "Ерланқызы", Sex.FEMALE, b.birth_date(33, 36))
    b.relate(RelationKind.MARRIAGE, father, mother, years_before(b.as_of, 14))
    for age in ((12, 12), (9, 9), (6, 6), (2, 2)):
        b.child(home, (father, mother), "Бауыржан", "Қасымов", True, age)
    b.work(father, 150_000, 150_001)
    b.benefit(mother, 30_000)
    b.account(father)
    b.account(mother)

    # Orphans: her sister and brother-in-law died; she is guardian of their two children.
    home = b.household(district)
    guardian = demo(home, "921231445671")
    b.child(home, (guardian,), "Нұрлан", "Ахметов", True, (6, 6))
    gone = b.household(district)
    gone_on = years_before(b.as_of, 3)
    parents = [
        b.add(gone, "Серікбаев", "Ерболат", "Асқарұлы", Sex.MALE, b.birth_date(38, 40),
              died_on=gone_on),
        b.add(gone, "Серікбаева", "Айнұр", "Бекқызы", Sex.FEMALE, b.birth_date(35, 37),
              died_on=gone_on),
    ]
    b.relate(RelationKind.MARRIAGE, parents[0], parents[1], years_before(b.as_of, 18))
    for age, sex in (((15, 15), Sex.FEMALE), ((9, 9), Sex.MALE)):
        ward = b.child(home, parents, "Ерболат", "Серікбаев", True, age, sex)
        b.relate(RelationKind.GUARDIANSHIP, guardian, ward, gone_on + dt.timedelta(days=40))
        b.benefit(ward, 45_000)  # survivor's benefit
    b.work(guardian, 250_000, 250_001)
    b.account(guardian)

    # Old age: alone, first disability group, a pension.
    home = b.household(district)
    old = demo(home, "500706400099")
    b.pension(old, 118_000, 118_001)
    b.disability(old, "1", years_before(b.as_of, 4), None)
    b.home_of(home, old, 0)
    b.account(old)

    # Disease and prison: tuberculosis diagnosed after release four months ago; lives with his
    # mother, a pensioner.
    home = b.household(district)
    son = demo(home, "760212350620")
    mother = b.add(home, "Иванова", "Галина", "Николаевна", Sex.FEMALE, b.birth_date(72, 74))
    b.relate(RelationKind.BIRTH, mother, son, parse_iin(son).birth_date)
    released = b.as_of - dt.timedelta(days=120)
    b.penal(son, RecordKind.RELEASE, released)
    b.dispensary(son, "A15", released + dt.timedelta(days=30))
    b.pension(mother, 95_000, 95_001)
    b.home_of(home, mother, 0)
    b.account(mother)


def _failures(b: Builder, district: str) -> None:
    for case in FAILURES:
        parsed = parse_iin(case.iin)
        home = b.household(district)
        sex = Sex(parsed.sex.value)
        given, patronymic = b.names(sex, True)
        shifted = parsed.birth_date + dt.timedelta(days=10)
        scripted = None if case.outcome is GatewayOutcome.MISMATCH else case.outcome
        b.add(home, b.surname("Тестов", sex), given, patronymic, sex, parsed.birth_date,
              iin=case.iin, register_birth=shifted if scripted is None else None,
              scripted_outcome=scripted, scripted_source=case.source)


def _showcase(b: Builder, district: str) -> None:
    """One household per ground case that qualifies, and one that just does not."""
    # Above the income threshold: two wages, one child.
    _family(b, district, 0, kids=1, wages=((300_000, 400_000), (250_000, 300_000)))
    # Fire and natural disaster this year; three years ago no longer counts.
    for kind, days in ((RecordKind.FIRE, (20, 60)), (RecordKind.NATURAL_DISASTER, (30, 90)),
                       (RecordKind.FIRE, (3 * 365, 3 * 365 + 30)),
                       (RecordKind.NATURAL_DISASTER, (3 * 365, 3 * 365 + 30))):
        members = _family(b, district, 0, kids=2)
        b.incident(members, kind, b.days_ago(*days))
    # Probation now; a release six years ago.
    iin, _ = b.adult(b.household(district), Sex.MALE, False, 25, 40)
    b.penal(iin, RecordKind.PROBATION, b.days_ago(30, 200), b.as_of + dt.timedelta(days=400))
    iin, _ = b.adult(b.household(district), Sex.MALE, True, 30, 50)
    b.penal(iin, RecordKind.RELEASE, years_before(b.as_of, 6))
    b.work(iin, 180_000, 220_000)
    # Under dispensary observation for a disease that is not socially significant; and a
    # tuberculosis registration that ended when she was cured.
    iin, _ = b.adult(b.household(district), Sex.FEMALE, True, 50, 58)
    b.dispensary(iin, "I10", b.days_ago(400, 2000))
    b.work(iin, 200_000, 260_000)
    iin, _ = b.adult(b.household(district), Sex.FEMALE, False, 30, 45)
    b.dispensary(iin, "A15", b.days_ago(900, 1200), b.days_ago(200, 300))
    b.work(iin, 200_000, 260_000)
    _pensioner_couple(b, district, 0)


# -- random households -----------------------------------------------------------------------


def _extras(b: Builder, adults: Sequence[str], home: Home, index: int) -> None:
    for iin in adults:
        roll = b.rng.random()
        if roll < 0.05:
            b.disability(iin, b.rng.choice("123"), b.days_ago(100, 3000),
                         None if b.rng.random() < 0.5 else b.days_ago(-300, 200))
        elif roll < 0.11:
            icd = b.rng.choice(list(n.SOCIALLY_SIGNIFICANT) + list(n.OTHER_CHRONIC))
            b.dispensary(iin, icd, b.days_ago(30, 3000))
        elif roll < 0.12:
            b.penal(iin, RecordKind.RELEASE, b.days_ago(10, 2500))
        if b.rng.random() < 0.85:
            b.account(iin)
    if adults and b.rng.random() < 0.65:
        b.home_of(home, adults[0], index)
    roll = b.rng.random()
    if roll < 0.01:
        b.incident(adults, RecordKind.FIRE, b.days_ago(5, 900))
    elif roll < 0.02:
        b.incident(adults, RecordKind.NATURAL_DISASTER, b.days_ago(5, 900))


def _wage(b: Builder, iin: str) -> None:
    tier = b.rng.random()
    low, high = (85_000, 150_000) if tier < 0.3 else (150_000, 350_000) if tier < 0.8 else \
        (350_000, 900_000)
    b.work(iin, low, high)


def _family(b: Builder, district: str, index: int, kids: int | None = None,
            wages: Sequence[tuple[int, int]] | None = None) -> list[str]:
    home = b.household(district)
    kazakh = b.rng.random() < 0.7
    father, father_given = b.adult(home, Sex.MALE, kazakh, 25, 50)
    surname = b.by_iin[father]["surname"]
    mother, _ = b.adult(home, Sex.FEMALE, kazakh, 23, 45, surname=surname)
    b.relate(RelationKind.MARRIAGE, father, mother, b.days_ago(365, 9000))
    count = kids if kids is not None else b.rng.choice((1, 1, 2, 2, 3, 4, 5))
    children = [b.child(home, (father, mother), father_given, surname, kazakh)
                for _ in range(count)]
    if wages is not None:
        for iin, (low, high) in zip((father, mother), wages, strict=False):
            b.work(iin, low, high)
    else:
        _wage(b, father)
        if b.rng.random() < 0.55:
            _wage(b, mother)
        elif count >= 4:
            b.benefit(mother, 8_000 * count)  # large-family allowance
    if b.rng.random() < 0.03 and children:
        b.disability(children[0], "child", b.days_ago(100, 2000), None)
        b.benefit(mother, 70_000)
    _extras(b, (father, mother), home, index)
    return [father, mother, *children]


def _single_parent(b: Builder, district: str, index: int) -> None:
    home = b.household(district)
    kazakh = b.rng.random() < 0.7
    mother, _ = b.adult(home, Sex.FEMALE, kazakh, 23, 45)
    father = b.rng.choice(n.KAZAKH_MALE if kazakh else tuple(n.RUSSIAN_MALE))
    for _ in range(b.rng.randint(1, 3)):
        b.child(home, (mother,), father, b.by_iin[mother]["surname"].removesuffix("а"), kazakh)
    if b.rng.random() < 0.7:
        _wage(b, mother)
    else:
        b.benefit(mother, 25_000)
    _extras(b, (mother,), home, index)


def _single_adult(b: Builder, district: str, index: int) -> None:
    home = b.household(district)
    iin, _ = b.adult(home, b.rng.choice((Sex.MALE, Sex.FEMALE)), b.rng.random() < 0.7, 19, 60)
    if b.rng.random() < 0.75:
        _wage(b, iin)
    _extras(b, (iin,), home, index)


def _pensioner(b: Builder, district: str, index: int) -> None:
    home = b.household(district)
    sex = b.rng.choice((Sex.MALE, Sex.FEMALE))
    iin, _ = b.adult(home, sex, b.rng.random() < 0.7, 64, 92)
    b.pension(iin)
    _extras(b, (iin,), home, index)


def _pensioner_couple(b: Builder, district: str, index: int) -> None:
    home = b.household(district)
    kazakh = b.rng.random() < 0.7
    husband, _ = b.adult(home, Sex.MALE, kazakh, 66, 85)
    wife, _ = b.adult(home, Sex.FEMALE, kazakh, 63, 82, surname=b.by_iin[husband]["surname"])
    b.relate(RelationKind.MARRIAGE, husband, wife, b.days_ago(12_000, 20_000))
    b.pension(husband)
    b.pension(wife)
    _extras(b, (husband, wife), home, index)


def _three_generations(b: Builder, district: str, index: int) -> None:
    father = b.by_iin[_family(b, district, index)[0]]
    home = {k: father[k] for k in HOME_FIELDS}
    born = years_before(father["birth_date"], b.rng.randint(20, 35), b.rng.randint(0, 364))
    grandmother = b.add(home, b.surname(father["surname"], Sex.FEMALE),
                        *b.names(Sex.FEMALE, True), Sex.FEMALE, born)
    b.relate(RelationKind.BIRTH, grandmother, father["iin"], father["birth_date"])
    b.pension(grandmother)


def _couple(b: Builder, district: str, index: int) -> None:
    _family(b, district, index, kids=0)


def _guardians(b: Builder, district: str, index: int) -> None:
    home = b.household(district)
    kazakh = b.rng.random() < 0.8
    guardian, _ = b.adult(home, b.rng.choice((Sex.MALE, Sex.FEMALE)), kazakh, 30, 60)
    gone = b.household(district)
    died = b.days_ago(200, 3000)
    father, father_given = b.adult(gone, Sex.MALE, kazakh, 30, 50)
    surname = b.by_iin[father]["surname"]
    mother, _ = b.adult(gone, Sex.FEMALE, kazakh, 28, 45, surname=surname)
    for parent in (father, mother):
        b.by_iin[parent]["died_on"] = died
    for _ in range(b.rng.randint(1, 2)):
        ward = b.child(home, (father, mother), father_given, surname, kazakh, (3, 17))
        b.relate(RelationKind.GUARDIANSHIP, guardian, ward, died + dt.timedelta(days=30))
        b.benefit(ward, 45_000)
    _wage(b, guardian)
    _extras(b, (guardian,), home, index)
