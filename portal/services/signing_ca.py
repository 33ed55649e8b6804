"""Operations of the TEST certification authority (issue a key, revoke a certificate), as events.

The CLI and any future admin screen come through here so each operation is in the audit log and
the security log; neither names the person, only the certificate serial.
"""

from __future__ import annotations

import logging
from typing import Any

from cryptography import x509
from sqlalchemy.orm import Session

from portal.services.events import Actor, record
from portal.services.signing import context
from signing import CertificateInfo, Holder

log = logging.getLogger("portal.security.signing")


def issue_certificate(session: Session, actor: Actor, *, signer_name: str, holder: Holder,
                      secret: str, replace: bool = False) -> CertificateInfo:
    """A TEST key for ``holder`` in the named signer's key store, locked with ``secret``."""
    signer: Any = context().signer(signer_name)
    info: CertificateInfo = signer.enroll(holder, secret, replace=replace)
    data = {"signer": signer_name, "certificate_serial": info.serial, "replaced": replace,
            "staff": holder.is_staff}
    record(session, actor, "certificate_issued", data=data)
    session.commit()
    log.info("certificate_issued signer=%s serial=%s replaced=%s", signer_name, info.serial, replace)
    return info


def revoke_certificate(session: Session, actor: Actor, *, serial: int,
                       reason: x509.ReasonFlags) -> None:
    context().ca.revoke(serial, reason)
    record(session, actor, "certificate_revoked", reason=reason.value,
           data={"certificate_serial": format(serial, "x")})
    session.commit()
    log.warning("certificate_revoked serial=%x reason=%s", serial, reason.value)
