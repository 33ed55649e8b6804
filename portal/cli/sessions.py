"""`flask sessions`: end one citizen's sessions (`end-citizen`), or every signed-in session
(`end-all`, an incident); ASVS 7.4.5. A staff member's are ended by their district's
administrator at /staff/admin/people."""

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

    @group.command("end-citizen")
    @click.option("--iin", prompt="IIN", hide_input=True,
                  help="Asked for when not given; give it at the prompt, so that it stays out of "
                       "the shell's history and the process list.")
    def end_citizen(iin: str) -> None:
        """End every session of one citizen now (a stolen phone, a call to 1414 after an
        identity check). A `citizen_sessions_ended` event records it, with the account's id."""
        from portal.services.accounts import end_citizen_sessions, find

        citizen = find(db.session(), iin.strip())
        if citizen is None:
            raise click.ClickException("no account with this IIN")
        ended = end_citizen_sessions(db.session(), citizen)
        click.echo(f"sessions ended: {ended} (account {citizen.id})")

    @group.command("reseal-factors")
    def reseal_factors() -> None:
        """Seal every staff member's authenticator seed under the current SECRET_KEY (AES-256-GCM).
        Run after a SECRET_KEY rotation, while the old key is still in SECRET_KEY_FALLBACKS;
        then the fallback can go without anyone enrolling again. A `factors_resealed` event
        records the counts. Seeds no accepted key opens are counted, not changed."""
        from portal.services.staff_accounts import reseal_all

        resealed, unreadable = reseal_all(db.session())
        click.echo(f"sealed anew: {resealed}; unreadable (enrol again): {unreadable}")
