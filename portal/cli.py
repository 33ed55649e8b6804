"""Flask CLI: migrations, demo data, audit-log check."""

from __future__ import annotations

import click
from flask import Flask, current_app

from portal import db, migrate


def register_cli(app: Flask) -> None:
    from portal.gateway.cli import register_gateway_cli
    from portal.signing_cli import register_signing_cli

    register_signing_cli(app)
    register_gateway_cli(app)

    @app.cli.group("db")
    def db_group() -> None:
        """Database schema (Alembic)."""

    @db_group.command("upgrade")
    def db_upgrade() -> None:
        """Apply every migration up to the newest."""
        migrate.upgrade(db.engine_of(current_app))
        click.echo("database is up to date")

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
        from portal import demo

        if not current_app.config.get("LOAD_DEMO_DATA"):
            raise click.ClickException(
                "demo data is disabled here (LOAD_DEMO_DATA is false): its passwords are public"
            )
        created, accounts = demo.load(db.session())
        click.echo("demo data loaded" if created else "demo data already present")
        click.echo("Demo accounts (TEST only):")
        for a in accounts:
            click.echo(f"  {a.role:<11} {a.login:<13} {a.password:<24} {a.name}")
        from portal.gateway.cli import case_lines, ensure_population

        click.echo(ensure_population(db.session()))
        for line in case_lines(db.session()):
            click.echo(line)

    @app.cli.group("events")
    def events_group() -> None:
        """The audit log."""

    @events_group.command("verify")
    def events_verify() -> None:
        """Check the hash chain of the event log."""
        from portal.services.events import verify_chain

        broken = verify_chain(db.session())
        if broken is None:
            click.echo("event chain intact")
        else:
            click.echo(f"event chain broken at seq {broken}")
            raise SystemExit(1)
