"""`flask api`: bearer tokens for the status API (issue, list, revoke)."""

from __future__ import annotations

import click
from flask import Flask

from portal import db
from portal.db import utcnow


def register_api_cli(app: Flask) -> None:
    @app.cli.group("api")
    def group() -> None:
        """The status API's bearer tokens."""

    @group.command("issue-token")
    @click.option("--system", required=True, help="the partner system's name, e.g. 1414-crm")
    @click.option("--days", type=click.IntRange(1, 366), default=90, show_default=True)
    def issue_token(system: str, days: int) -> None:
        """Issue a token for SYSTEM, valid DAYS days; prints it once (it is not stored)."""
        from portal.services import api_tokens

        name = system.strip()
        if not name or len(name) > 100:
            raise click.ClickException("the system's name must have 1 to 100 characters")
        issued = api_tokens.issue(db.session(), name, days, now=utcnow())
        click.echo(f"token id {issued.token_id} for {name}, valid until "
                   f"{issued.expires_at.isoformat(timespec='seconds')}", err=True)
        click.echo(issued.token)

    @group.command("tokens")
    def list_tokens() -> None:
        """Every token issued: id, system, expiry, revoked."""
        from portal.services import api_tokens

        for row in api_tokens.listing(db.session()):
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            click.echo(f"{row.id}  {row.system:<30} until {row.expires_at:%Y-%m-%d}  {state}")

    @group.command("revoke-token")
    @click.argument("token_id")
    def revoke_token(token_id: str) -> None:
        """Revoke the token TOKEN_ID at once."""
        from portal.services import api_tokens

        if not api_tokens.revoke(db.session(), token_id, now=utcnow()):
            raise click.ClickException("no active token with that id")
        click.echo(f"revoked {token_id}")
