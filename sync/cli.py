"""The `retaguarda` command: a thin shell over the library functions of the same names.

Every option can also be set as an environment variable (`RETAGUARDA_CLOSED_UNTIL`, ...).

Each command lives in a module of its own, imported only when that command runs: `validate`
and `--help` start without the store, the service, Excel or Google, whose libraries alone take
longer to import than checking a small workbook does.
"""

from __future__ import annotations

import importlib

import click

#: command name -> where it is defined, and the first line of its help: what `retaguarda --help`
#: lists without importing the command (a test keeps the two the same)
COMMANDS = {
    "addin": ("retaguarda.sync.cli_workbooks:addin_group", "Suplemento do Excel de mesa."),
    "emulator": (
        "retaguarda.sync.cli_sync:emulator_command",
        "Emulador local da API do Google Sheets, para desenvolver e testar sem o Google.",
    ),
    "payroll": (
        "retaguarda.sync.cli_payroll:payroll",
        "Calcula a folha: INSS, IRRF, FGTS e líquido de cada linha da aba Folha de pagamento.",
    ),
    "reconcile": (
        "retaguarda.sync.cli_reconcile:reconcile_group",
        "Conciliações: extrato x razão, folha x pagamentos, contagem x estoque, equipe x equipe.",
    ),
    "report": (
        "retaguarda.sync.cli_report:report",
        "Relatórios financeiros: balancete, DRE, balanço, fluxo de caixa, aging, folha, estoque.",
    ),
    "samples": (
        "retaguarda.sync.cli_workbooks:samples_command",
        "Gera planilhas de exemplo de três equipes, com erros plantados e registrados.",
    ),
    "serve": (
        "retaguarda.sync.cli_serve:serve",
        "Serve o painel, a API, os webhooks do Google Sheets e o suplemento do Excel.",
    ),
    "sources": (
        "retaguarda.sync.cli_sync:sources_group",
        "Fontes: as planilhas de cada time que alimentam o banco consolidado.",
    ),
    "sync": (
        "retaguarda.sync.cli_sync:sync_command",
        "Traz as planilhas das fontes para o banco consolidado (todas, se nenhuma for dada).",
    ),
    "templates": ("retaguarda.sync.cli_workbooks:templates", "Modelos de planilha (templates)."),
    "users": (
        "retaguarda.sync.cli_users:users_group",
        "Usuários do serviço: quem usa a API, o suplemento do Excel e o painel.",
    ),
    "validate": (
        "retaguarda.sync.cli_validate:validate",
        "Confere as planilhas e lista as pendências, agrupadas por aba.",
    ),
    "worker": (
        "retaguarda.sync.cli_worker:worker",
        "Executa as sincronizações da fila (webhooks, consulta ao Drive, novas tentativas).",
    ),
}


class LazyGroup(click.Group):
    """click's LazyGroup: a command's module is imported when the command is looked up."""

    def __init__(self, *args: object, lazy: dict[str, tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.lazy)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return None
        module, _, name = self.lazy[cmd_name][0].partition(":")
        command: click.Command = getattr(importlib.import_module(module), name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's list of commands, shortened as click shortens it, from the help kept here
        instead of from the commands themselves, which would import every one of them."""
        limit = formatter.width - 6 - max(map(len, self.lazy))
        rows = [
            (name, click.Command(name, help=self.lazy[name][1]).get_short_help_str(limit))
            for name in self.list_commands(ctx)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"auto_envvar_prefix": "RETAGUARDA", "help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="retaguarda")
def main() -> None:
    """Retaguarda: confere, concilia e consolida as planilhas da retaguarda administrativa."""
