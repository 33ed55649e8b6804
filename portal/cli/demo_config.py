"""Demo configuration: a second district whose maslikhat adopted other categories, amounts,
overrides and threshold than the first, and commission members in both (issue 11)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.calendar import Channel
from portal.domain.forms import AkimatLevel, Frequency
from portal.domain.grounds import GroundCategory
from portal.domain.income import MRP_TIYN
from portal.models import (
    Commission,
    CommissionMember,
    CommissionRole,
    Desk,
    District,
    DistrictGround,
)

SECOND_DISTRICT_CODE = "shymkent-abay"

# (category, frequency, MRP, enabled, overrides): this maslikhat sends old-age cases to the
# precinct commission, lets orphanhood go to a decision without the special commission and has
# not adopted the release-from-prison category.
SECOND_GROUNDS: tuple[tuple[GroundCategory, Frequency, int, bool, dict[str, bool]], ...] = (
    (GroundCategory.NATURAL_DISASTER, Frequency.ONE_OFF, 40, True, {}),
    (GroundCategory.FIRE, Frequency.ONE_OFF, 40, True, {}),
    (GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE, Frequency.MONTHLY, 4, True, {}),
    (GroundCategory.LOW_INCOME, Frequency.QUARTERLY, 8, True, {}),
    (GroundCategory.ORPHAN, Frequency.ONE_OFF, 20, True, {"needs_special_commission": False}),
    (GroundCategory.OLD_AGE_SELF_CARE, Frequency.MONTHLY, 3, True,
     {"needs_precinct_inspection": True}),
    (GroundCategory.RELEASED_FROM_PRISON, Frequency.ONE_OFF, 10, False, {}),
)

# The second district's one desk, named in kk, ru and en (as demo.DESKS).
SECOND_DESKS: tuple[tuple[Channel, tuple[str, str, str], bool], ...] = (
    (Channel.PROVIDER, ("Абай ауданы әкімдігі, қабылдау", "Акимат района Абай, приёмная",
                        "Abay district akimat, reception"), False),
)

MEMBERS: dict[str, tuple[tuple[Commission, str, str, CommissionRole], ...]] = {
    "astana-esil": (
        (Commission.PRECINCT, "Жақсылықов Нұрлан Асқарұлы", "Учаскелік комиссия төрағасы",
         CommissionRole.CHAIR),
        (Commission.PRECINCT, "Мұқанова Әсел Болатқызы", "Ауылдық округ маманы",
         CommissionRole.MEMBER),
        (Commission.SPECIAL, "Сейітова Гүлмира Ахметқызы", "Әкімнің орынбасары",
         CommissionRole.CHAIR),
        (Commission.SPECIAL, "Төлеуов Бауыржан Қайратұлы", "Арнайы комиссия хатшысы",
         CommissionRole.SECRETARY),
    ),
    SECOND_DISTRICT_CODE: (
        (Commission.PRECINCT, "Әбдіраманов Серік Жұмабекұлы", "Учаскелік комиссия төрағасы",
         CommissionRole.CHAIR),
        (Commission.SPECIAL, "Оспанова Мәдина Ерланқызы", "Бөлім басшысының орынбасары",
         CommissionRole.CHAIR),
        (Commission.SPECIAL, "Ли Наталья Игоревна", "Бас маман", CommissionRole.SECRETARY),
    ),
}


def ensure_second_district(session: Session, year: int = 2026) -> bool:
    """The second demo district, once; True when made now. The caller commits."""
    if session.scalar(select(District.id).where(District.code == SECOND_DISTRICT_CODE)):
        return False
    mrp = MRP_TIYN[year]
    district = District(
        code=SECOND_DISTRICT_CODE,
        name_kk="Шымкент қаласы, Абай ауданы",
        name_ru="город Шымкент, район Абай",
        name_en="Shymkent, Abay district",
        provider_name_kk="Абай ауданы әкімдігінің жұмыспен қамту және әлеуметтік бағдарламалар "
                         "бөлімі",
        provider_name_ru="Отдел занятости и социальных программ акимата района Абай",
        provider_name_en="Employment and social programmes department, Abay district akimat",
        provider_bin="990440005678",
        akimat_level=AkimatLevel.DISTRICT,
        threshold_numerator=1,
        threshold_denominator=1,
        grounds=[DistrictGround(category=c, frequency=f, amount_tiyn=n * mrp, enabled=on,
                                **overrides)
                 for c, f, n, on, overrides in SECOND_GROUNDS],
    )
    session.add(district)
    session.flush()
    session.add_all(Desk(district_id=district.id, channel=channel, name_kk=kk, name_ru=ru,
                         name_en=en, duty_branch=duty)
                    for channel, (kk, ru, en), duty in SECOND_DESKS)
    session.flush()
    return True


def ensure_members(session: Session) -> None:
    """Commission members of each demo district that has none yet. The caller commits."""
    for code, members in MEMBERS.items():
        district_id = session.scalar(select(District.id).where(District.code == code))
        if district_id is None or session.scalar(select(CommissionMember.id).where(
                CommissionMember.district_id == district_id)):
            continue
        session.add_all(CommissionMember(district_id=district_id, commission=commission,
                                         full_name=name, position=position, role=role)
                        for commission, name, position, role in members)
    session.flush()
