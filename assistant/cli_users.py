"""`assistant users add|remove|list`: who may log in to the app in a team deployment.

A Typer sub-app; `assistant/cli.py` registers it with `app.add_typer(users_app, name="users")`. Users live in
`<ASSISTANT_DATA_DIR>/users.yaml` (bcrypt hashes only); login is switched on with `ASSISTANT_AUTH_ENABLED=1`.
"""

from __future__ import annotations

from typing import Optional

import typer

from assistant.config import get_settings
from assistant.i18n import msg

users_app = typer.Typer(no_args_is_help=True, help="Users for the team login (users.yaml in the data directory).")


def _store():
    from assistant.users import UserStore

    return UserStore.for_settings(get_settings())


@users_app.command("add")
def add(
    username: str = typer.Argument(..., help="Login name (lowercase letters, digits, . _ -)."),
    role: str = typer.Option("advisor", "--role", help="advisor or admin."),
    name: Optional[str] = typer.Option(None, "--name", help="Display name."),
    password: str = typer.Option(..., "--password", prompt=True, hide_input=True, confirmation_prompt=True,
                                 help="Asked for when not given (input hidden)."),
) -> None:
    """Add a user or replace their password/role."""
    from assistant.users import UserError

    lang = get_settings().lang
    store = _store()
    existed = store.get(username.strip().lower()) is not None
    try:
        user = store.add(username, password, role=role, name=name)
    except UserError as exc:
        typer.echo(msg("auth.cli_error", lang, error=str(exc)), err=True)
        raise typer.Exit(2)
    key = "auth.cli_updated" if existed else "auth.cli_added"
    typer.echo(msg(key, lang, username=user.username, role=msg(f"auth.role_{user.role}", lang), path=store.path))
    if not get_settings().auth_enabled:
        typer.echo(msg("auth.cli_enable_hint", lang))


@users_app.command("remove")
def remove(username: str = typer.Argument(..., help="Login name.")) -> None:
    """Remove a user (their saved consultations stay, admins still see them)."""
    lang = get_settings().lang
    if not _store().remove(username):
        typer.echo(msg("auth.cli_unknown", lang, username=username), err=True)
        raise typer.Exit(1)
    typer.echo(msg("auth.cli_removed", lang, username=username))


@users_app.command("list")
def list_users() -> None:
    """List users and roles."""
    lang = get_settings().lang
    users = _store().users()
    if not users:
        typer.echo(msg("auth.cli_none", lang))
        return
    for user in users:
        typer.echo(f"{user.username:20} {msg(f'auth.role_{user.role}', lang):12} {user.name}")
