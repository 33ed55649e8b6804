"""Flask CLI: migrations, demo data, audit-log checks and anchors."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from portal import db, migrate


def register_cli(app: Flask) -> None:
    from portal.cli.api import register_api_cli
    from portal.cli.documents import register_documents_cli
    from portal.cli.retention import register_retention_cli
    from portal.cli.sessions import register_sessions_cli
    from portal.cli.signing import register_signing_cli
    from portal.gateway.cli import register_gateway_cli

    register_api_cli(app)
    register_documents_cli(app)
    register_retention_cli(app)
    register_sessions_cli(app)
    register_signing_cli(app)
    register_gateway_cli(app)

    @app.cli.group("db")
    def db_group() -> None:
        """Database schema (Alembic)."""

    @db_group.command("upgrade")
    def db_upgrade() -> None:
        """Apply every migration up to the newest."""
        engine = db.engine_of(current_app)
        before = migrate.current(engine)
        migrate.upgrade(engine)
        after = migrate.current(engine)
        if before == after:
            click.echo(f"database already at {after}: nothing to migrate")
        else:
            click.echo(f"migrated {before or 'a new database'} → {after}")

    @db_group.command("grant-runtime")
    @click.argument("role")
    def db_grant_runtime(role: str) -> None:
        """Give ROLE what gunicorn and Celery need, and nothing that could lift the audit guards
        (PostgreSQL; run as the owner after each upgrade)."""
        try:
            migrate.grant_runtime(db.engine_of(current_app), role)
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"granted the runtime privileges to {role}")

    @db_group.command("refresh-deadlines")
    def db_refresh_deadlines() -> None:
        """Recompute every case's nearest duty (next_due_on, the queue's order): after upgrading
        to 0007_queue, or after a decree moved working days (CALENDAR_OVERRIDES)."""
        from portal.services.cases import refresh_all_next_due
        from portal.services.workdays import calendar

        count = refresh_all_next_due(db.session(), calendar())
        click.echo(f"next_due_on recomputed for {count} cases")

    @db_group.command("check")
    def db_check() -> None:
        """Fail when the models and the migrations disagree."""
        diffs = migrate.drift(db.engine_of(current_app))
        if diffs:
            for d in diffs:
                click.echo(repr(d))
            raise SystemExit(1)
        click.echo("models and migrations agree")

    @app.cli.group("demo")
    def demo_group() -> None:
        """Demo data for the embedded default."""

    @demo_group.command("load")
    def demo_load() -> None:
        """Load the demo data once (running it again changes nothing) and print the accounts."""
        from portal.cli import demo

        if not current_app.config.get("LOAD_DEMO_DATA"):
            raise click.ClickException(
                "demo data is disabled here (LOAD_DEMO_DATA is false): its passwords are public"
            )
        created, accounts = demo.load(db.session())
        click.echo("demo data loaded" if created else "demo data already present")
        click.echo("Demo accounts (TEST only):")
        click.echo(f"  {'role':<11} {'login':<13} {'password':<24} {'IIN':<13} "
                   f"{'TOTP secret (staff)':<33} name")
        for a in accounts:
            click.echo(f"  {a.role:<11} {a.login:<13} {a.password:<24} {a.iin:<13} "
                       f"{a.totp_secret or '-':<33} {a.name}")
        click.echo("Staff sign in at /sign-in/staff with the password, then the code of an "
                   "authenticator app given the secret above (TOTP, 6 digits, 30 s), or:")
        click.echo("  .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\"")
        for line in demo.enrol_keys(db.session()):
            click.echo(line)
        for line in demo.decision_cases(db.session()):
            click.echo(line)
        from portal.gateway.cli import case_lines, ensure_population

        click.echo(ensure_population(db.session()))
        for line in case_lines(db.session()):
            click.echo(line)
        db.session().commit()
        click.echo("Try it: open http://127.0.0.1:5000 — SMS codes appear at /dev/outbox (TEST).")

    @app.cli.group("events")
    def events_group() -> None:
        """The audit log (see also `flask audit`)."""

    @events_group.command("verify")
    def events_verify() -> None:
        """Check the keyed hash chain of the event log."""
        from portal.services.events import verify_chain

        broken = verify_chain(db.session())
        if broken is None:
            click.echo("event chain intact")
        else:
            click.echo(f"event chain broken at seq {broken}")
            raise SystemExit(1)

    @app.cli.group("audit")
    def audit_group() -> None:
        """The audit log's chain and its anchors outside the database."""

    @audit_group.command("anchor")
    def audit_anchor() -> None:
        """Append the verified chain tip (`seq hash time`) to the anchor file."""
        from portal.services import anchors

        path = anchors.anchor_file(current_app)
        try:
            anchor = anchors.write_anchor(db.session(), path)
        except anchors.ChainBroken as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"anchored seq {anchor.seq} in {path}" if anchor else "event log is empty")

    @audit_group.command("verify")
    @click.option("--anchors", "anchor_path", type=click.Path(dir_okay=False, path_type=Path),
                  default=None, help="anchor file (default: the configured one)")
    def audit_verify(anchor_path: Path | None) -> None:
        """Check the chain, then that it still holds every anchored tip."""
        from portal.services import anchors
        from portal.services.events import verify_chain

        session = db.session()
        broken = verify_chain(session)
        if broken is not None:
            click.echo(f"event chain broken at seq {broken}")
            raise SystemExit(1)
        path = anchor_path or anchors.anchor_file(current_app)
        try:
            written = anchors.read_anchors(path)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        moved = anchors.check_anchors(session, written)
        if moved is not None:
            click.echo(f"anchor at seq {moved} does not match: the chain was truncated or rebuilt")
            raise SystemExit(1)
        click.echo(f"event chain intact and matches {len(written)} anchors")
