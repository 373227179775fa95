"""The xlwings Server protocol as three plain functions, for the service to put behind HTTP.

Excel on the web runs the add-in through Office.js: the task pane sends the workbook as JSON
and applies the list of actions it gets back, and custom functions are registered from
metadata and then called one cell at a time. xlwings' own `custom_scripts_call`,
`custom_functions_meta` and `custom_functions_call` do the work on `addin.scripts` and
`addin.udfs`, so the JavaScript xlwings ships works unchanged. Only functions and scripts
declared for xlwings are reachable: a name from the request never reaches an arbitrary
attribute of a module.

This is xlwings PRO. Its server mode and its licence key must be in the environment before
`xlwings` is first imported (engines and decorators are chosen at import), hence the
assignment above the imports. The licence key is the administrator's to set: the word
`noncommercial` for noncommercial use, a paid key for a company (see docs/excel.md); without
one every call answers 503 and says so, rather than assuming either.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
import threading
from collections.abc import Callable, Coroutine
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any

os.environ["XLWINGS_ON_SERVER"] = "true"

import xlwings as xw
import xlwings.server

from retaguarda.addin import scripts, udfs
from retaguarda.addin.service import ProtocolError, require_licence
from retaguarda.templates.settings import SettingsError, company_options
from retaguarda.templates.validate import Options

if not xw.on_server:  # xlwings was imported earlier in this process, as a desktop library
    raise ImportError(
        "o xlwings foi importado antes de retaguarda.addin.protocol, fora do modo servidor; "
        "defina XLWINGS_ON_SERVER=true antes de iniciar o processo."
    )


# xlwings tries `from pyodide.ffi import JsNull` for every argument of every call; outside
# Pyodide that failed import searches the whole sys.path each time, about half of what a call
# costs. Recording the absence once (None in sys.modules: "not importable") makes it fail fast.
if "pyodide" not in sys.modules and importlib.util.find_spec("pyodide") is None:
    sys.modules["pyodide"] = sys.modules["pyodide.ffi"] = None  # type: ignore[assignment]

_FUNCTIONS = frozenset(name for name in dir(udfs) if hasattr(getattr(udfs, name), "__xlfunc__"))
_SCRIPTS = frozenset(
    name for name in dir(scripts) if hasattr(getattr(scripts, name), "__xlscript__")
)


def functions_meta() -> dict[str, Any]:
    """What Office.js registers: every `RG_` function, its parameters and its description."""
    return xlwings.server.custom_functions_meta(udfs)


def call_function(data: dict[str, Any]) -> Any:
    """The value of one custom function for one cell, as Office.js sends the call."""
    require_licence()
    name = data.get("func_name") if isinstance(data, dict) else None
    if name not in _FUNCTIONS:
        raise ProtocolError(f"função desconhecida: {name!r}.", 404)
    if not isinstance(data.get("args"), list):
        raise ProtocolError("pedido sem a lista de argumentos (args).")
    data.setdefault("runtime", "1.1")
    data.setdefault("client", "")
    data.setdefault("version", "")
    try:
        result = _run_pure(lambda: xlwings.server.custom_functions_call(data, udfs))
    except xw.XlwingsError as error:
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
    require_licence()
    if name not in _SCRIPTS:
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
        _run(xlwings.server.custom_scripts_call(scripts, name, typehint_to_value=given))
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


@cache
def alert_template() -> str:
    """xlwings' own alert dialog (a Jinja template), which its Office.js client opens."""
    return files("xlwings").joinpath("html", "xlwings-alert.html").read_text(encoding="utf-8-sig")
