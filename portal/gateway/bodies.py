"""The bodies that answer through the gateway, and their TEST signing keys.

Each body signs its answers with a key certified by the portal's TEST CA. The certificate uses
the staff profile that ``signing`` already has (an official's IIN, the organisation, its BIN and
a position), as NCA RK's legal-entity certificates do, so ``signing/`` needs no change. The keys
live in the signing storage (database), locked by a secret derived from ``CA_KEY``, and are kept
unlocked in the process after first use, like the CA's own keys.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from portal.domain.iin import Sex, make_iin
from portal.domain.registers import SourceSystem
from signing import Holder, Role, SignedEnvelope, SignRequest
from signing.base import AlreadyEnrolled
from signing.ca import TestCA
from signing.jws import sign_envelope
from signing.keystore import KeyVault, UnlockedKey
from signing.storage import Storage

POSITION: Final = "Ақпараттық жүйе (TEST)"
RENEW_BEFORE: Final = dt.timedelta(days=7)


@dataclass(frozen=True)
class Body:
    source: SourceSystem
    name_kk: str
    name_ru: str
    name_en: str
    short: str  # on the certificate (O= and CN=); 64 UTF-8 bytes at most
    bin: str
    official_iin: str  # the IIN on the body's certificate (its authorised official)


def _official(n: int) -> str:
    iin = make_iin(dt.date(1970, 1, 1) + dt.timedelta(days=n), Sex.MALE, 9950 + n)
    assert iin is not None
    return iin


_NAMES: Final = (
    (SourceSystem.GBD_FL, "«Жеке тұлғалар» мемлекеттік деректер қоры",
     "Государственная база данных «Физические лица»", "State database “Individuals”", "ЖТ МДҚ"),
    (SourceSystem.PAYING_ORGANISATION, "Әлеуметтік көмекті төлейтін ұйым",
     "Организация, осуществляющая выплату социальной помощи",
     "Organisation paying social assistance", "Төлем ұйымы"),
    (SourceSystem.REAL_ESTATE_CADASTRE, "Жылжымайтын мүліктің бірыңғай мемлекеттік кадастры",
     "Единый государственный кадастр недвижимости", "Unified state real estate cadastre",
     "ЖМБМК"),
    (SourceSystem.CIVIL_REGISTRY, "Азаматтық хал актілерін тіркеу (АХАЖ)",
     "Регистрация актов гражданского состояния (ЗАГС)", "Civil registry", "АХАЖ"),
    (SourceSystem.EDUCATION_DATABASE, "Ұлттық білім беру деректер қоры",
     "Национальная образовательная база данных", "National education database", "ҰББДҚ"),
    (SourceSystem.DISPENSARY_REGISTER, "Диспансерлік науқастардың электрондық тіркелімі",
     "Электронный регистр диспансерных больных", "Electronic register of dispensary patients",
     "ДНЭТ"),
    (SourceSystem.DISABILITY_DATABASE, "Мүгедектігі бар адамдардың орталықтандырылған деректер "
     "базасы", "Централизованная база данных лиц с инвалидностью",
     "Central database of persons with disabilities", "МАОДБ"),
    (SourceSystem.SECOND_TIER_BANKS, "Екінші деңгейдегі банктер ақпараттық жүйесі",
     "Информационная система банков второго уровня", "Second-tier banks", "ЕДБ АЖ"),
)

BODIES: Final[dict[SourceSystem, Body]] = {
    source: Body(source, kk, ru, en, short, f"99054000{i:04d}", _official(i))
    for i, (source, kk, ru, en, short) in enumerate(_NAMES, start=1)
}


def purpose_of(query: str) -> str:
    return f"gateway.answer.{query}"


class BodySigner:
    """Signs a body's answer with its key; issues the key and certificate on first use."""

    def __init__(self, ca: Callable[[], TestCA], storage: Callable[[], Storage],
                 secret: Callable[[], bytes], now: Callable[[], dt.datetime]) -> None:
        self._ca, self._storage, self._secret, self._now = ca, storage, secret, now
        self._keys: dict[SourceSystem, UnlockedKey] = {}
        self._lock = threading.Lock()

    def _password(self) -> str:
        return hmac.new(self._secret(), b"gateway-bodies", hashlib.sha256).hexdigest()

    def key(self, body: Body) -> UnlockedKey:
        with self._lock:
            cached = self._keys.get(body.source)
            if cached is None or cached.certificate.not_valid_after_utc - RENEW_BEFORE < self._now():
                cached = self._keys[body.source] = self._unlock(body)
            return cached

    def _unlock(self, body: Body) -> UnlockedKey:
        vault = KeyVault(self._storage(), namespace="gateway", ca=self._ca(), now=self._now,
                         server_key=self._secret())
        holder = Holder(iin=body.official_iin, surname="TEST", name=body.short,
                        position=POSITION, organisation=f"TEST {body.short}", bin=body.bin)
        password = self._password()
        if not vault.is_enrolled(body.official_iin):
            with contextlib.suppress(AlreadyEnrolled):  # another worker issued it a moment ago
                vault.enroll(holder, password)
        unlocked = vault.unlock(body.official_iin, password)
        if unlocked.certificate.not_valid_after_utc - RENEW_BEFORE < self._now():
            vault.enroll(holder, password, replace=True)
            unlocked = vault.unlock(body.official_iin, password)
        return unlocked

    def sign(self, body: Body, document: bytes, query: str, title: str) -> SignedEnvelope:
        key = self.key(body)
        request = SignRequest(document=document, signer_iin=body.official_iin,
                              purpose=purpose_of(query), role=Role.STAFF, title=title)
        return sign_envelope(request, key.key, key.certificate, key.chain,
                             signing_time=self._now(), signer="gateway")
