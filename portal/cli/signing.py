"""`flask signing …`: issue TEST certificates, revoke them, export and verify signatures."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import click
from cryptography import x509
from flask import Flask

from portal import db
from portal.models import Signature
from portal.services import signing as signing_service
from portal.services.events import Actor
from portal.services.signing_ca import issue_certificate, revoke_certificate
from signing import Check, Holder, Policy, SigningError

REASONS = {r.name: r for r in x509.ReasonFlags if r.name not in {"remove_from_crl"}}
# Whoever runs the CLI: an operator at the server, recorded as the system.
OPERATOR = Actor("system", None, "cli")


def write_owner_only(path: Path, text: str) -> None:
    """Create ``path`` readable by its owner only from the first byte (0600, whatever the umask),
    replacing any older file in one step rather than loosening and then tightening its mode."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp: always 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def register_signing_cli(app: Flask) -> None:
    @app.cli.group("signing")
    def group() -> None:
        """The TEST certification authority and EDS signatures."""

    @group.command("init-ca")
    def init_ca() -> None:
        """Create the TEST root and issuing CA now (do it once before starting several workers)."""
        ca = signing_service.context().ca
        click.echo(f"root:    {ca.root_certificate.subject.rfc4514_string()}")
        click.echo(f"issuing: {ca.issuing_certificate.subject.rfc4514_string()}")

    @group.command("issue-cert")
    @click.option("--iin", required=True)
    @click.option("--surname", required=True)
    @click.option("--name", "given_name", required=True)
    @click.option("--patronymic", default="")
    @click.option("--position", default=None, help="staff only, with --organisation and --bin")
    @click.option("--organisation", default=None)
    @click.option("--bin", "bin_", default=None)
    @click.option("--signer", "signer_name", default="keyfile", show_default=True)
    @click.option("--secret", prompt="Key password (keyfile) or PIN (mobile)", hide_input=True,
                  confirmation_prompt=True)
    @click.option("--replace", is_flag=True, help="issue a new key and revoke the old certificate")
    def issue_cert(iin: str, surname: str, given_name: str, patronymic: str, position: str | None,
                   organisation: str | None, bin_: str | None, signer_name: str, secret: str,
                   replace: bool) -> None:
        """Issue a TEST key and certificate to a person, locked with their password or PIN."""
        try:
            holder = Holder(iin=iin, surname=surname, name=given_name, patronymic=patronymic,
                            position=position, organisation=organisation, bin=bin_)
            info = issue_certificate(db.session(), OPERATOR, signer_name=signer_name,
                                     holder=holder, secret=secret, replace=replace)
        except (ValueError, SigningError, signing_service.UnknownSigner) as exc:
            raise click.ClickException(str(exc) or type(exc).__name__) from exc
        click.echo(f"serial {info.serial}  {info.common_name}  valid {info.not_before:%Y-%m-%d}"
                   f" – {info.not_after:%Y-%m-%d}  (TEST)")

    @group.command("revoke")
    @click.argument("serial")
    @click.option("--reason", type=click.Choice(sorted(REASONS)), default="unspecified")
    def revoke(serial: str, reason: str) -> None:
        """Revoke a certificate by its serial number (hexadecimal, as printed)."""
        try:
            revoke_certificate(db.session(), OPERATOR, serial=int(serial, 16),
                               reason=REASONS[reason])
        except (ValueError, SigningError) as exc:
            raise click.ClickException(str(exc) or type(exc).__name__) from exc
        click.echo(f"revoked {serial} ({reason})")

    @group.command("export")
    @click.argument("signature_id", type=int)
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def export(signature_id: int, file: Path) -> None:
        """Write a stored signature and the exact bytes it covers to a JSON file (mode 0600)."""
        signature = db.session().get(Signature, signature_id)
        if signature is None:
            raise click.ClickException(f"no signature {signature_id}")
        started, completed = signature.exchange_started_at, signature.exchange_completed_at
        write_owner_only(file, json.dumps({
            "envelope": signature.envelope,
            "document": base64.b64encode(signature.document).decode("ascii"),
            "expected_iin": signature.signer_iin,
            # What the portal saw at signing, so `verify` of the file checks what it checked.
            "policy": signature.policy,
            "exchange_started_at": None if started is None else started.isoformat(),
            "exchange_completed_at": None if completed is None else completed.isoformat(),
        }, indent=2))
        click.echo(f"written {file}")

    @group.command("verify")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--iin", default=None, help="the IIN the signer must have (default: from FILE)")
    def verify_file(file: Path, iin: str | None) -> None:
        """Verify a signature file (from `flask signing export`) and print every check."""
        try:
            bundle = json.loads(file.read_text())
            document = base64.b64decode(bundle["document"], validate=True)
            envelope = str(bundle["envelope"])
            expected = iin or str(bundle["expected_iin"])
            policy = None if bundle.get("policy") is None else Policy(bundle["policy"])
            started, completed = (None if bundle.get(name) is None
                                  else dt.datetime.fromisoformat(bundle[name])
                                  for name in ("exchange_started_at", "exchange_completed_at"))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise click.ClickException(f"not a signature file: {type(exc).__name__}") from exc
        window = None if completed is None else (started, completed)
        result = signing_service.context().verify(envelope, document, expected, policy=policy,
                                                  signed_between=window)
        for check in Check:
            mark = "ok  " if result.passed(check) else "FAIL"
            reason = result.failures.get(check, "")
            click.echo(f"{mark} {check.value:<22} {reason}")
        click.echo("VALID" if result.ok else "INVALID")
        if not result.ok:
            raise SystemExit(1)
