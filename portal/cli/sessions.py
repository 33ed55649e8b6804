"""`flask sessions end-all`: every signed-in session ends (an incident; ASVS 7.4.5)."""

from __future__ import annotations

import click
from flask import Flask

from portal import db
from portal.models import SubjectKind


def register_sessions_cli(app: Flask) -> None:
    @app.cli.group("sessions")
    def group() -> None:
        """Signed-in sessions of citizens and staff."""

    @group.command("end-all")
    @click.option("--who", type=click.Choice(["everyone", "citizens", "staff"]),
                  default="everyone", show_default=True, help="Whose sessions end.")
    @click.confirmation_option(prompt="Every session ends now and everyone signs in again. Go on?")
    def end_all(who: str) -> None:
        """End every open session now, server-side: each cookie, wherever it is, opens nothing
        more. An `all_sessions_ended` event records it. For an incident (a leaked SECRET_KEY is
        a key rotation instead, docs/operations.md)."""
        from portal.services.staff_accounts import end_everyones_sessions

        kinds = {"everyone": (SubjectKind.CITIZEN, SubjectKind.STAFF),
                 "citizens": (SubjectKind.CITIZEN,), "staff": (SubjectKind.STAFF,)}[who]
        ended = end_everyones_sessions(db.session(), kinds)
        click.echo(f"sessions ended: {ended} ({who})")
