"""`flask gateway …`: generate the simulated population, ask a register, list the test people."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from fractions import Fraction

import click
from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db
from portal.db import utcnow
from portal.domain.calendar import ALMATY
from portal.domain.registers import GatewayQuery, Requester
from portal.models import District


def _districts(session: Session) -> list[str]:
    from portal.cli.demo import DISTRICT_CODE

    return list(session.scalars(select(District.code).order_by(District.id))) or [DISTRICT_CODE]


def _today() -> dt.date:
    return utcnow().astimezone(ALMATY).date()


def ensure_population(session: Session) -> str:
    """Generate the default population once (``flask demo load``); say what happened."""
    from portal.gateway.load import load

    report = load(session, seed=current_app.config["GATEWAY_SEED"],
                  people=current_app.config["GATEWAY_DEMO_PEOPLE"],
                  districts=_districts(session), as_of=_today())
    if not report.created:
        return f"simulated registers already hold {report.people} people"
    return f"simulated registers: {report.people} people generated in {report.seconds:.1f} s"


def _demo_phone(session: Session, iin: str) -> str:
    """The number the simulated mobile citizens database holds for a demo person: made up from
    the IIN (+7 700 …, never a failure number), registered once. The caller commits."""
    from portal.cli.demo import CITIZENS
    from portal.notify import mobile

    existing = mobile.phone_for(session, iin)
    if existing is not None or iin in {c[0] for c in CITIZENS}:
        return existing or "(no phone)"  # a demo citizen keeps what the demo gave them
    digits = str(int(hashlib.sha256(iin.encode()).hexdigest(), 16))[-7:]
    phone = f"+7700{digits}"
    mobile.register(session, iin, phone)
    return phone


def case_lines(session: Session) -> list[str]:
    """Which IINs to use for which case: the demo citizens, one per ground, the failures."""
    from portal.cli.demo import DISTRICT_CODE
    from portal.gateway.cases import examples, threshold_for
    from portal.gateway.households import DEMO_CASES
    from portal.gateway.population import FAILURES

    lines = ["Demo citizens in the simulated registers (TEST):"]
    lines += [f"  {iin}  {case}" for iin, case in DEMO_CASES.items()]
    district = session.scalar(select(District).where(District.code == DISTRICT_CODE))
    multiplier = (Fraction(district.threshold_numerator, district.threshold_denominator)
                  if district else Fraction(7, 10))
    today = _today()
    failing = frozenset(f.iin for f in FAILURES)
    lines.append("Ground cases (qualifies / does not), per the simulator's reading, each with the "
                 "phone the simulated mobile citizens database holds for them (to register):")
    for category, (yes, no) in examples(session, today, threshold_for(today, multiplier),
                                        skip=failing).items():
        cells = [f"{iin} {_demo_phone(session, iin)}" if iin else "-" for iin in (yes, no)]
        lines.append(f"  {category.value:<30} {cells[0]:<26} {cells[1]}")
    lines.append("Gateway failures on demand:")
    lines += [f"  {f.iin}  {f.outcome.value:<12} {f.note}" for f in FAILURES]
    return lines


def register_gateway_cli(app: Flask) -> None:
    @app.cli.group("gateway")
    def group() -> None:
        """The e-government gateway and its simulated registers (TEST)."""

    @group.command("generate")
    @click.option("--people", type=click.IntRange(min=50), default=2000, show_default=True)
    @click.option("--seed", type=int, default=None, help="default: GATEWAY_SEED")
    @click.option("--district", "districts", multiple=True,
                  help="district code, repeatable (default: every district in the database)")
    @click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
                  help="the day ages and incomes count from (default: today in Asia/Almaty)")
    def generate(people: int, seed: int | None, districts: tuple[str, ...],
                 as_of: dt.datetime | None) -> None:
        """Replace the simulated population with a newly generated one."""
        from portal.gateway.load import load

        session = db.session()
        report = load(session, seed=current_app.config["GATEWAY_SEED"] if seed is None else seed,
                      people=people, districts=list(districts) or _districts(session),
                      as_of=as_of.date() if as_of else _today(), replace=True)
        click.echo(f"{report.people} people generated in {report.seconds:.1f} s")

    @group.command("ask")
    @click.argument("query", type=click.Choice([q.value for q in GatewayQuery]))
    @click.argument("iin")
    def ask(query: str, iin: str) -> None:
        """Ask one register about one IIN, as the provider's specialist, and print the answer."""
        from portal.gateway import gateway

        try:
            result = gateway().ask(GatewayQuery(query), iin, Requester.PROVIDER_EMPLOYEE)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        verdict = gateway().verify(result)
        click.echo(f"outcome: {result.outcome.value}  request: {result.request_id}")
        if verdict is not None:
            click.echo(f"signature: {'valid' if verdict.ok else ', '.join(verdict.reason_codes)}")
        if result.payload is not None:
            click.echo(json.dumps(result.payload, ensure_ascii=False, indent=2))

    @group.command("people")
    def people_cmd() -> None:
        """Print which IINs to use for which case."""
        for line in case_lines(db.session()):
            click.echo(line)
