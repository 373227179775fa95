"""What desktop Excel needs from the project besides the Python package: the buttons' VBA.

Two ways to get the buttons, both shipped with `pip install retaguarda`:
* `Retaguarda.bas` (package data) holds one macro per button, each a `RunPython` call into
  `addin.scripts`; the user imports it into a workbook's VBA project (File > Import File)
  with the xlwings reference set;
* `write_macro_workbook` builds `Retaguarda.xlsm`, a macro-enabled workbook that already has
  the buttons and the module, without Excel: the VBA project is written from source by
  `vba_project` (Excel compiles it on open). Its module calls the xlwings add-in through
  `Application.Run "'xlwings.xlam'!RunPython"`, so no VBA reference (which would store a
  machine-specific path) is needed; the add-in's RunPython works on the active workbook,
  the one whose button was clicked.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from xlsxwriter.workbook import Workbook

from retaguarda.addin.vba_project import ModuleKind, VbaModule, build_vba_project
from retaguarda.templates.render import render_company_workbook

VBA_MODULE = "Retaguarda.bas"
MACRO_WORKBOOK = "Retaguarda.xlsm"
#: Not "Retaguarda": that is the add-in's own message sheet, which Limpar marcações removes.
MACRO_SHEET = "Botões"
#: The embedded module's name; the buttons call its macros.
MODULE_NAME = "Retaguarda"


def vba_module() -> bytes:
    """The module as Excel imports it: ASCII, CRLF line ends."""
    return files("retaguarda.addin").joinpath("clients", VBA_MODULE).read_bytes()


def write_vba_module(out: Path | str) -> Path:
    """Write the module to `out` (a file, or a folder to put `Retaguarda.bas` in)."""
    path = Path(out)
    if path.is_dir():
        path = path / VBA_MODULE
    path.write_bytes(vba_module())
    return path


@dataclass(frozen=True)
class Button:
    """A button of the macro workbook: its caption, its VBA macro and the Python it runs."""

    caption: str
    macro: str
    script: str  # a desktop entry point of `retaguarda.addin.scripts`
    help: str

    @property
    def command(self) -> str:
        """The Python code the macro hands to xlwings' RunPython."""
        return f"from retaguarda.addin import scripts; scripts.{self.script}()"


BUTTONS: tuple[Button, ...] = (
    Button(
        "Validar",
        "Validar",
        "validar",
        "Confere a pasta inteira: marca as células com erro (vermelho) e com aviso (âmbar), "
        "põe uma nota com a explicação e (re)escreve a aba Pendências.",
    ),
    Button(
        "Limpar marcações",
        "LimparMarcacoes",
        "limpar_marcacoes",
        "Tira só as marcas e notas que o Retaguarda pôs.",
    ),
    Button("Conciliar", "Conciliar", "conciliar", "Ainda não disponível (o botão avisa)."),
    Button(
        "Relatórios",
        "Relatorios",
        "relatorios",
        "Escreve cada relatório que as abas permitem (balancete, DRE, balanço, fluxo de caixa, "
        "aging, folha, estoque) numa aba “Rel. …”, para os meses dos lançamentos; os dados de "
        "cada gráfico vão abaixo do título dele.",
    ),
    Button(
        "Calcular folha",
        "CalcularFolha",
        "calcular_folha",
        "Calcula INSS, IRRF, FGTS e líquido de cada linha da aba Folha de pagamento: preenche "
        "as células vazias, marca em vermelho o valor digitado que difere do cálculo (sem "
        "sobrescrevê-lo) e (re)escreve a aba Memória de cálculo.",
    ),
)

INSTRUCTIONS = (
    "Botões do Retaguarda para o Excel de mesa (Windows e macOS).",
    "Antes do primeiro uso:",
    "1. Instale o Python 3.11 ou mais novo e, num terminal: pip install retaguarda",
    "2. Ainda no terminal: xlwings addin install (instala a guia xlwings na faixa de opções).",
    "3. Na guia xlwings, em Interpreter, informe o caminho do Python onde você instalou o "
    r"Retaguarda (por exemplo C:\Users\voce\AppData\Local\Programs\Python\Python311\python.exe).",
    "4. Ao abrir esta pasta, clique em Habilitar Conteúdo para permitir as macros.",
    "Os botões trabalham nesta pasta de trabalho: preencha as abas dos modelos que vêm nela "
    "(Lançamentos, Plano de contas, ...) ou cole nelas os seus dados.",
)


def macro_module_source() -> str:
    """The embedded module's code: one macro per button, through the xlwings add-in."""
    lines = [
        "' Retaguarda: the buttons of this workbook. Each macro runs the xlwings add-in's",
        "' RunPython (xlwings addin install) on the active workbook; no VBA reference needed.",
        "Option Explicit",
    ]
    for button in BUTTONS:
        lines += [
            "",
            f"Sub {button.macro}()",
            f'    Application.Run "\'xlwings.xlam\'!RunPython", "{button.command}"',
            "End Sub",
        ]
    return "\n".join(lines) + "\n"


def macro_vba_project(sheets: int = 1) -> bytes:
    """The workbook's `vbaProject.bin`: the workbook's and each sheet's document module
    (`Sheet1` … `SheetN`, the code names XlsxWriter gives), and the Retaguarda module."""
    return build_vba_project(
        [
            VbaModule("ThisWorkbook", kind=ModuleKind.WORKBOOK),
            *(VbaModule(f"Sheet{n}", kind=ModuleKind.WORKSHEET) for n in range(1, sheets + 1)),
            VbaModule(MODULE_NAME, macro_module_source()),
        ]
    )


def write_macro_workbook(out: Path | str) -> Path:
    """Write `Retaguarda.xlsm` to `out` (a file, or a folder to put it in): the company
    workbook (every template sheet, as `retaguarda templates build` writes `empresa.xlsx`)
    and a sheet of buttons, the one it opens on."""
    path = Path(out)
    if path.is_dir():
        path = path / MACRO_WORKBOOK
    return render_company_workbook(path, finish=_add_buttons)


def _add_buttons(workbook: Workbook) -> None:
    sheet = workbook.add_worksheet(MACRO_SHEET)
    sheets = workbook.worksheets()
    for n, each in enumerate(sheets, start=1):
        each.set_vba_name(f"Sheet{n}")
    workbook.set_vba_name("ThisWorkbook")
    workbook.add_vba_project(io.BytesIO(macro_vba_project(len(sheets))), is_stream=True)
    sheet.hide_gridlines(2)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, "Retaguarda", workbook.add_format({"bold": True, "size": 16}))
    bold = workbook.add_format({"bold": True})
    for row, line in enumerate(INSTRUCTIONS, start=2):
        sheet.write_string(row, 0, line, bold if line.endswith(":") else None)
    first = len(INSTRUCTIONS) + 3
    for row, button in enumerate(BUTTONS, start=first):
        sheet.set_row(row, 27)
        sheet.insert_button(
            row,
            0,
            {
                "macro": button.macro,
                "caption": button.caption,
                "width": 160,
                "height": 30,
                "x_offset": 2,
                "y_offset": 3,
            },
        )
        sheet.write_string(row, 1, button.help)
    sheet.activate()
