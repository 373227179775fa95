"""`retaguarda users …`: a thin shell over `sync.users`.

The token `users add` and `users token` print is shown once: the store keeps only its digest.
"""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from retaguarda.addin.marks import visible
from retaguarda.sync.console import format_option, json_text, shown
from retaguarda.sync.settings import SettingsError, load_settings
from retaguarda.sync.store.database import Store, StoreError
from retaguarda.sync.users import (
    MIN_PASSWORD,
    ROLES,
    UserError,
    add_user,
    disable_user,
    list_users,
    new_user_token,
    set_password,
)

ONCE = "guarde-o agora: ele não será mostrado de novo (só o resumo dele fica no banco)."


def _store() -> Store:
    try:
        return Store.open(load_settings().database_url)
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    except StoreError as error:
        raise click.ClickException(str(error)) from None


@click.group("users")
def users_group() -> None:
    """Usuários do serviço: quem usa a API, o suplemento do Excel e o painel."""


@users_group.command("add")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLES),
    help="leitura: só vê; financeiro: também roda as macros de finanças; admin: vê todos os times.",
)
@click.option("--team", help="Time cujos dados o usuário vê (sem ele: todos os times).")
@format_option
def users_add(name: str, role: str, team: str | None, output_format: str) -> None:
    """Cadastra um usuário e mostra o token de acesso dele (uma vez só).

    Exemplo: retaguarda users add ana --role leitura --team "Filial SP" --format json
    """
    try:
        user, token = add_user(_store(), name, role=role, team=team)
    except UserError as error:
        raise click.UsageError(str(error)) from None
    if output_format == "json":
        click.echo(
            json_text({"name": user.name, "role": user.role, "team": user.team, "token": token})
        )
        return
    click.echo(f"usuário cadastrado: {visible(user.name)} ({user.role}, {_team(user.team)})")
    click.echo(f"token de acesso: {token}")
    click.echo(ONCE, err=True)


@users_group.command("list")
@click.option("--all", "everyone", is_flag=True, help="Inclui os usuários removidos.")
@format_option
def users_list(everyone: bool, output_format: str) -> None:
    """Lista os usuários."""
    found = list_users(_store(), disabled=everyone)
    if output_format == "json":
        click.echo(json_text([u.as_dict() for u in found]))
        return
    if not found:
        click.echo("nenhum usuário; cadastre com: retaguarda users add NOME --role …")
        return
    table = Table("Usuário", "Papel", "Time", "Senha", "Desde", box=None)
    for user in found:
        since = user.created_at.date().strftime("%d/%m/%Y")
        state = "sim" if user.has_password else "não"
        if not user.is_active:
            state = "removido"
        table.add_row(shown(user.name), user.role, shown(_team(user.team)), state, since)
    Console().print(table)


@users_group.command("remove")
@click.argument("name")
def users_remove(name: str) -> None:
    """Remove o acesso de um usuário: o token e a senha deixam de valer na hora.

    O nome continua reservado (e no histórico).
    """
    try:
        user = disable_user(_store(), name)
    except UserError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"usuário removido: {visible(user.name)}")


@users_group.command("password")
@click.argument("name")
@click.option(
    "--password-stdin",
    "from_stdin",
    is_flag=True,
    help="Lê a senha da primeira linha da entrada padrão (para scripts).",
)
def users_password(name: str, from_stdin: bool) -> None:
    """Define a senha com que o usuário entra no painel (pergunta duas vezes, sem mostrar).

    Trocar a senha encerra as sessões abertas com a anterior.

    Exemplo: retaguarda users password ana
    """
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            f"Nova senha (pelo menos {MIN_PASSWORD} caracteres)",
            hide_input=True,
            confirmation_prompt="Repita a senha",
        )
    try:
        user = set_password(_store(), name, password)
    except UserError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"senha definida: {visible(user.name)}")


@users_group.command("token")
@click.argument("name")
@format_option
def users_token(name: str, output_format: str) -> None:
    """Dá ao usuário um token de acesso novo; o anterior deixa de valer na hora.

    Exemplo: retaguarda users token ana --format json
    """
    try:
        user, token = new_user_token(_store(), name)
    except UserError as error:
        raise click.UsageError(str(error)) from None
    if output_format == "json":
        click.echo(json_text({"name": user.name, "token": token}))
        return
    click.echo(f"token de acesso novo: {token}")
    click.echo(ONCE, err=True)


def _team(team: str | None) -> str:
    return team if team is not None else "todos os times"
