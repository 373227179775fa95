"""The xlwings Server protocol as plain functions, for the service to put behind HTTP.

Excel on the web runs the add-in through Office.js: the task pane sends the workbook as JSON
and applies the list of actions it gets back, and custom functions are registered from
metadata and then called one cell at a time. xlwings' own `custom_scripts_call`,
`custom_functions_meta` and `custom_functions_call` do the work on `addin.scripts` and
`addin.udfs`, so the JavaScript xlwings ships works unchanged. Only functions and scripts
declared for xlwings are reachable: a name from the request never reaches an arbitrary
attribute of a module.

This is xlwings PRO, and xlwings chooses its engines and decorators when it is first imported:
its server mode must be on by then. Importing this module changes nothing in the process;
`configure_server` turns the mode on, and the app factory calls it (`sync.app.create_app`).
xlwings itself, and the modules declared through it, are imported on the first call that needs
them. The licence key is the administrator's to set: the word `noncommercial` for
noncommercial use, a paid key for a company (see docs/excel.md); without one every call
answers 503 and says so, rather than assuming either.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files
from types import ModuleType, SimpleNamespace
from typing import Any

from retaguarda.addin.service import ProtocolError, require_licence
from retaguarda.templates.settings import SettingsError, company_options
from retaguarda.templates.validate import Options

#: the macros Excel on the web may run (the name in the URL) and the name its task pane shows
SCRIPT_NAMES = {
    "validate_workbook": "Validar",
    "clear_marks": "Limpar marcações",
    "reconcile": "Conciliar",
    "reports": "Relatórios",
    "payroll": "Calcular folha",
}


def configure_server() -> None:
    """Put this process in xlwings' server mode; to be called before xlwings is first imported.

    xlwings tries `from pyodide.ffi import JsNull` for every argument of every call; outside
    Pyodide that failed import searches the whole sys.path each time, about half of what a
    call costs. Recording the absence once (None in sys.modules: "not importable") makes it
    fail fast.
    """
    os.environ["XLWINGS_ON_SERVER"] = "true"
    if "pyodide" not in sys.modules and importlib.util.find_spec("pyodide") is None:
        sys.modules["pyodide"] = sys.modules["pyodide.ffi"] = None  # type: ignore[assignment]


@dataclass(frozen=True)
class _Server:
    """xlwings in server mode, and what the protocol reaches through it."""

    xw: ModuleType
    server: ModuleType  # xlwings.server
    udfs: ModuleType
    scripts: SimpleNamespace
    functions: frozenset[str]


def _licensed() -> _Server:
    """xlwings in server mode, if the administrator has set a licence key (checked on every
    call: a key removed from the environment stops the calls)."""
    require_licence()
    return _server()


@cache
def _server() -> _Server:
    """Imports xlwings in server mode, once: `udfs` is declared with xlwings' decorators,
    which are the server's only when the mode was on at import."""
    configure_server()
    import xlwings as xw
    import xlwings.server

    if not xw.on_server:  # xlwings was imported earlier in this process, as a desktop library
        raise ImportError(
            "o xlwings foi importado antes do protocolo do servidor, fora do modo servidor; "
            "defina XLWINGS_ON_SERVER=true antes de iniciar o processo."
        )
    from retaguarda.addin import scripts, udfs

    declared = SimpleNamespace(
        **{
            name: xlwings.server.script(name=shown)(getattr(scripts, name))
            for name, shown in SCRIPT_NAMES.items()
        }
    )
    functions = frozenset(name for name in dir(udfs) if hasattr(getattr(udfs, name), "__xlfunc__"))
    return _Server(xw, xlwings.server, udfs, declared, functions)


def server_scripts() -> SimpleNamespace:
    """The macros of `addin.scripts` as xlwings Server scripts: the async
    `(current_user, book, ...)` wrappers `custom_scripts_call` runs, found by name, each
    keeping the plain function as `__wrapped__`."""
    return _licensed().scripts


def functions_meta() -> dict[str, Any]:
    """What Office.js registers: every `RG_` function, its parameters and its description."""
    server = _licensed()
    return server.server.custom_functions_meta(server.udfs)


def call_function(data: dict[str, Any]) -> Any:
    """The value of one custom function for one cell, as Office.js sends the call."""
    server = _licensed()
    name = data.get("func_name") if isinstance(data, dict) else None
    if name not in server.functions:
        raise ProtocolError(f"função desconhecida: {name!r}.", 404)
    if not isinstance(data.get("args"), list):
        raise ProtocolError("pedido sem a lista de argumentos (args).")
    data.setdefault("runtime", "1.1")
    data.setdefault("client", "")
    data.setdefault("version", "")
    try:
        result = _run_pure(lambda: server.server.custom_functions_call(data, server.udfs))
    except server.xw.XlwingsError as error:
        raise ProtocolError(f"o xlwings recusou o pedido: {error}") from None
    return _json_cells(result)


def _json_cells(value: Any) -> Any:
    """Decimals (money) as JSON numbers: Office.js hands the cell a double either way, and
    this is the one place where that conversion happens."""
    if isinstance(value, list):
        return [_json_cells(v) for v in value]
    return float(value) if isinstance(value, Decimal) else value


def call_script(
    name: str, payload: dict[str, Any], options: Options | None = None
) -> dict[str, Any]:
    """The actions that apply a macro's result to the workbook the client sent.

    `options` are the company's (closed period, reference date); unset, this process's
    `RETAGUARDA_*` environment's.
    """
    server = _licensed()
    xw = server.xw
    if name not in SCRIPT_NAMES:
        raise ProtocolError(f"macro desconhecida: {name!r}.", 404)
    try:
        book = xw.Book(json=payload)
    except (xw.XlwingsError, KeyError, TypeError, ValueError) as error:
        raise ProtocolError(f"a pasta de trabalho enviada não pôde ser lida: {error}") from None
    try:
        given = {xw.Book: book, Options: options or company_options()}
    except SettingsError as error:
        raise ProtocolError(str(error), 500) from None
    try:
        _run(server.server.custom_scripts_call(server.scripts, name, typehint_to_value=given))
    except xw.XlwingsError as error:
        raise ProtocolError(f"o xlwings recusou o pedido: {error}") from None
    return book.json()


_loops = threading.local()


def _run_pure(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Runs a coroutine that computes without awaiting anything, with no event loop at all.

    A custom function call is pure computation wrapped in `async def`; stepping it once saves
    the loop's bookkeeping, a third of a call. Should it ever await for real, it is closed and
    run again, from the start, on the loop (a cell function has no side effects to repeat).
    """
    coroutine = make()
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    return _run(make())


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Runs xlwings' coroutine for a synchronous caller (a Flask view), on an event loop kept
    per thread: a new loop per call (`asyncio.run`) would cost more than the call itself."""
    loop = getattr(_loops, "loop", None)
    if loop is None:
        loop = _loops.loop = asyncio.new_event_loop()
    return loop.run_until_complete(coroutine)


def alert_template() -> str:
    """xlwings' own alert dialog (a Jinja template), which its Office.js client opens."""
    _licensed()
    return _alert_template()


@cache
def _alert_template() -> str:
    return files("xlwings").joinpath("html", "xlwings-alert.html").read_text(encoding="utf-8-sig")
