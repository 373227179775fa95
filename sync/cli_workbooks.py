"""`retaguarda templates build`, `retaguarda samples` and `retaguarda addin …`: the commands that
write the workbooks and files Retaguarda ships (blank templates, sample team workbooks, the
desktop add-in's VBA module and macro workbook)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from retaguarda.addin import desktop
from retaguarda.templates import render, samples


def out_folder(default: str, help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The `--out FOLDER` option of the commands that write files."""
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help,
    )


@click.group()
def templates() -> None:
    """Modelos de planilha (templates)."""


@templates.command("build")
@out_folder("workbooks/templates", "Pasta onde gravar os modelos .xlsx.")
def templates_build(out: Path) -> None:
    """Gera um .xlsx por modelo e a pasta de trabalho da empresa (empresa.xlsx).

    Exemplo: retaguarda templates build --out workbooks/templates
    """
    for path in render.build_templates(out):
        click.echo(f"gravado {path}")


@click.command("samples")
@out_folder("workbooks/samples", "Pasta onde gravar as planilhas de exemplo.")
@click.option("--seed", type=int, default=2026, show_default=True, help="Semente aleatória.")
def samples_command(out: Path, seed: int) -> None:
    """Gera planilhas de exemplo de três equipes, com erros plantados e registrados.

    Exemplo: retaguarda samples --out workbooks/samples
    """
    for path in samples.write_samples(out, seed=seed):
        click.echo(f"gravado {path}")


@click.group("addin")
def addin_group() -> None:
    """Suplemento do Excel de mesa."""


@addin_group.command("vba")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path(desktop.VBA_MODULE),
    show_default=True,
    help="Arquivo (ou pasta) onde gravar o módulo do VBA.",
)
def addin_vba(out: Path) -> None:
    """Grava o módulo do VBA com os botões (Validar, Limpar marcações, ...).

    Importe-o no editor do VBA (Arquivo › Importar arquivo); veja docs/excel.md.

    Exemplo: retaguarda addin vba --out Retaguarda.bas
    """
    click.echo(f"gravado {desktop.write_vba_module(out)}")


@addin_group.command("xlsm")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("Retaguarda.xlsm"),
    show_default=True,
    help="Arquivo (ou pasta) onde gravar a pasta de trabalho com os botões.",
)
def addin_xlsm(out: Path) -> None:
    """Grava uma pasta de trabalho habilitada para macros com os cinco botões.

    Precisa do suplemento do xlwings instalado (xlwings addin install); veja docs/excel.md.

    Exemplo: retaguarda addin xlsm --out Retaguarda.xlsm
    """
    click.echo(f"gravado {desktop.write_macro_workbook(out)}")
