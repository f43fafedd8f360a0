"""``interdict keys``: create, list and revoke API keys (only a salted, peppered hash is stored)."""

from __future__ import annotations

import getpass

import typer
from rich.table import Table

from interdict.cli.common import console, print_json

app = typer.Typer(help="API keys for `interdict serve`: create, list, revoke.", no_args_is_help=True)


def _db():
    from interdict.audit.db import open_service_db

    return open_service_db()


@app.command("create")
def create(
    label: str = typer.Option(..., "--label", "-l", help="Who or what uses the key."),
    role: str = typer.Option("screener", "--role", "-r", help="screener, analyst or admin."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Create an API key and print it once (it cannot be shown again).

    Example: interdict keys create --label "core banking" --role screener
    """
    from interdict.audit.keys import create_key

    key, token = create_key(_db(), label=label, role=role, created_by=f"cli:{getpass.getuser()}")
    if as_json:
        print_json({**key.to_dict(), "token": token})
        return
    console.print(f"Created key [bold]{key.key_id}[/] ({key.role}) for {key.label!r}. Store it now, it is not shown again:")
    console.print(token, highlight=False, soft_wrap=True)


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List API keys (ids, labels, roles, revocation; never secrets).

    Example: interdict keys list
    """
    from interdict.audit.keys import list_keys

    found = list_keys(_db())
    if as_json:
        print_json([k.to_dict() for k in found])
        return
    table = Table(title="API keys")
    for col in ("key id", "label", "role", "created", "by", "revoked"):
        table.add_column(col)
    for k in found:
        table.add_row(k.key_id, k.label, k.role, k.created_at[:19], k.created_by, (k.revoked_at or "")[:19])
    console.print(table)


@app.command("revoke")
def revoke(key_id: str = typer.Argument(..., help="The key id (or the whole key).")) -> None:
    """Revoke an API key; requests with it get 401 from then on.

    Example: interdict keys revoke 3f9a1c2b7d10
    """
    from interdict.audit.keys import revoke_key

    key = revoke_key(_db(), key_id, revoked_by=f"cli:{getpass.getuser()}")
    console.print(f"Revoked key {key.key_id} ({key.label!r}) at {key.revoked_at}.")
