"""The macros as xlwings entry points: one plain function per macro taking the `xw.Book`.

Each wraps the book in its adapter and calls the macro of the same name in `macros`; nothing
here knows about templates. They are declared once for the runtime at hand:
* xlwings Server (`XLWINGS_ON_SERVER=true`): `xw.script` turns each into the async
  `(current_user, book)` wrapper that `xlwings.server.custom_scripts_call(module=scripts,
  script_name="validate_workbook", typehint_to_value={xw.Book: book})` calls; the plain
  function stays reachable as `__wrapped__`;
* desktop: `xw.sub` buttons with Portuguese names (`validar`, `limpar_marcacoes`, ...) that
  take the calling workbook (`xw.Book.caller()`), since a button passes no argument.

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
    """Conciliar (not available yet: says so)."""
    macros.reconcile(ExcelWorkbook(book))


def reports(book: xw.Book) -> None:
    """Relatórios (not available yet: says so)."""
    macros.reports(ExcelWorkbook(book))


def payroll(book: xw.Book) -> None:
    """Calcular folha (not available yet: says so)."""
    macros.payroll(ExcelWorkbook(book))


if hasattr(xw, "sub"):  # desktop (a no-op on Linux and macOS)

    @xw.sub
    def validar() -> None:
        """Botão Validar."""
        validate_workbook(xw.Book.caller(), company_options())

    @xw.sub
    def limpar_marcacoes() -> None:
        """Botão Limpar marcações."""
        clear_marks(xw.Book.caller())

    @xw.sub
    def conciliar() -> None:
        """Botão Conciliar."""
        reconcile(xw.Book.caller())

    @xw.sub
    def relatorios() -> None:
        """Botão Relatórios."""
        reports(xw.Book.caller())

    @xw.sub
    def calcular_folha() -> None:
        """Botão Calcular folha."""
        payroll(xw.Book.caller())

else:  # xlwings Server: `xw.sub` does not exist there
    validate_workbook = xw.script(name="Validar")(validate_workbook)
    clear_marks = xw.script(name="Limpar marcações")(clear_marks)
    reconcile = xw.script(name="Conciliar")(reconcile)
    reports = xw.script(name="Relatórios")(reports)
    payroll = xw.script(name="Calcular folha")(payroll)
