"""Anchors: the audit chain's tip, written now and then where the database's roles cannot reach.

Each anchor is one line `seq hash time` appended to a file (and logged, so syslog or a remote log
carries a copy off the machine). Someone who can rewrite the database — even with the chain key
— can rebuild a chain that checks out on its own, but not one that still has the anchored hash
at the anchored position.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import Event, EventChainHead
from portal.services.events import verify_chain

ANCHOR_FILE = "anchors.log"
log = logging.getLogger("portal.audit")


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str

    def line(self) -> str:
        return f"{self.seq} {self.hash} {self.at}\n"


class ChainBroken(RuntimeError):
    """The chain does not verify, so its tip must not be anchored (that would bless it)."""


def anchor_file(app: Flask) -> Path:
    directory = app.config.get("AUDIT_ANCHOR_DIR") or Path(app.instance_path) / "audit-anchors"
    return Path(directory) / ANCHOR_FILE


def write_anchor(session: Session, path: Path) -> Anchor | None:
    """Append the verified tip to `path` (owner-only, append-only use); None for an empty log."""
    broken = verify_chain(session)
    if broken is not None:
        log.critical("audit event chain broken at seq %d: not anchored", broken)
        raise ChainBroken(f"event chain broken at seq {broken}")
    head = session.get(EventChainHead, 1)
    if head is None or head.last_seq == 0:
        return None
    anchor = Anchor(head.last_seq, head.last_hash, utcnow().isoformat(timespec="seconds"))
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, anchor.line().encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    log.info("audit chain anchor %s", anchor.line().strip())
    return anchor


def read_anchors(path: Path) -> list[Anchor]:
    if not path.exists():
        return []
    anchors = []
    for number, line in enumerate(path.read_text(encoding="ascii").splitlines(), start=1):
        parts = line.split()
        if len(parts) != 3 or not parts[0].isdigit():
            raise ValueError(f"{path}: line {number} is not `seq hash time`")
        anchors.append(Anchor(int(parts[0]), parts[1], parts[2]))
    return anchors


def check_anchors(session: Session, anchors: list[Anchor]) -> int | None:
    """The first anchored seq the chain no longer holds with the anchored hash, or None."""
    for anchor in anchors:
        found = session.scalar(select(Event.hash).where(Event.seq == anchor.seq))
        if found != anchor.hash:
            return anchor.seq
    return None
