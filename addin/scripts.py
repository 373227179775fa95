"""The macros as xlwings entry points: one plain function per macro taking the `xw.Book`.

Each wraps the book in its adapter and calls the macro of the same name in `macros`; nothing
here knows about templates, nor which runtime calls it. The same functions serve both:
* xlwings Server: `addin.protocol` declares each as an xlwings script (`server_scripts`), the
  async `(current_user, book)` wrapper that `xlwings.server.custom_scripts_call` runs by name;
* desktop: the buttons with Portuguese names (`validar`, `limpar_marcacoes`, ...), which the
  VBA module runs through xlwings' RunPython; they take the calling workbook
  (`xw.Book.caller()`), since a button passes no argument.

Validar also takes the company's `Options` (closed period, reference date): the service hands
in its own settings (xlwings injects a parameter by its type hint); a desktop button reads
the same `RETAGUARDA_*` variables from the environment Excel started Python with.
"""

from __future__ import annotations

import xlwings as xw

from retaguarda.addin import macros
from retaguarda.addin.excel import ExcelWorkbook
from retaguarda.templates.settings import company_options
from retaguarda.templates.validate import Options


def validate_workbook(book: xw.Book, options: Options) -> None:
    """Validar: mark every template sheet's mistakes and (re)write the Pendências sheet."""
    macros.validate_workbook(ExcelWorkbook(book), options)


def clear_marks(book: xw.Book) -> None:
    """Limpar marcações: remove only what the add-in added."""
    macros.clear_marks(ExcelWorkbook(book))


def reconcile(book: xw.Book) -> None:
    """Conciliar: the bank statement sheet against the ledger, into the "Conciliação" sheet."""
    macros.reconcile(ExcelWorkbook(book))


def reports(book: xw.Book) -> None:
    """Relatórios (not available yet: says so)."""
    macros.reports(ExcelWorkbook(book))


def payroll(book: xw.Book) -> None:
    """Calcular folha: fill the folha's empty INSS/IRRF/FGTS/Líquido, mark what differs, write
    the "Memória de cálculo" sheet."""
    macros.payroll(ExcelWorkbook(book))


def validar() -> None:
    """Botão Validar."""
    validate_workbook(xw.Book.caller(), company_options())


def limpar_marcacoes() -> None:
    """Botão Limpar marcações."""
    clear_marks(xw.Book.caller())


def conciliar() -> None:
    """Botão Conciliar."""
    reconcile(xw.Book.caller())


def relatorios() -> None:
    """Botão Relatórios."""
    reports(xw.Book.caller())


def calcular_folha() -> None:
    """Botão Calcular folha."""
    payroll(xw.Book.caller())
