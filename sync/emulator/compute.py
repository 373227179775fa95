"""Formula cells computed as Google shows them, by the `formulas` engine (PyPI, EUPL).

Team sheets total their columns with formulas (`=SUM(D2:D40)`), and the sync reads the totals:
answering the formula's text where Google answers its value would hide what a user sees. Each
formula is parsed and compiled once (cached by its text); its references (`B2:B5`,
`'Filial SP'!A1`, a named range) are read from the spreadsheet, and a referenced formula cell
is computed first, within the same request. `formulas` is imported on the first formula read,
so the emulator starts (and serves formula-free sheets) without paying for it.

Results are Google's: a number, a string, a boolean, "" for a reference to an empty cell, or a
`CellError` (`#DIV/0!`, `#REF!` for a missing sheet or a cycle, `#NAME?` for an unknown
function or name, `#ERROR!` for a formula that does not parse).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from retaguarda.sync.emulator.a1 import FORMULA_REFERENCE, FORMULA_STRING, cell_name
from retaguarda.sync.emulator.errors import ApiError
from retaguarda.sync.emulator.values import Formula, normalize_number

if TYPE_CHECKING:
    from retaguarda.sync.emulator.book import Box, Sheet, Spreadsheet

# Google's ErrorValue.type for each error a cell can show, and the message it gives with it.
ERROR_TYPES = {
    "#NULL!": ("NULL_VALUE", "Null value."),
    "#DIV/0!": ("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero."),
    "#VALUE!": ("VALUE", "Function parameter has the wrong type."),
    "#REF!": ("REF", "Reference does not exist."),
    "#NAME?": ("NAME", "Unknown function or range name."),
    "#NUM!": ("NUM", "Result is not a valid number."),
    "#N/A": ("N_A", "Value not available."),
    "#ERROR!": ("ERROR", "Formula parse error."),
}


class CellError(str):
    """An error a formula cell shows (`#DIV/0!`); answered as that text by values.get."""

    @property
    def error_value(self) -> dict:
        """Google's `ErrorValue`, for CellData's effectiveValue."""
        kind, message = ERROR_TYPES.get(str(self), ("ERROR", "Formula error."))
        return {"type": kind, "message": message}


Key = tuple[int, int, int]  # sheetId, row, column


class Calculator:
    """Computes the formula cells of one spreadsheet for one request (results cached here)."""

    def __init__(self, spreadsheet: Spreadsheet) -> None:
        self.spreadsheet = spreadsheet
        self.done: dict[Key, object] = {}

    def value(self, sheet: Sheet, row: int, column: int) -> object:
        """The value a cell shows: its stored value, or its formula's result."""
        stored = stored_at(sheet, row, column)
        if not isinstance(stored, Formula):
            return stored
        key = (sheet.sheet_id, row, column)
        if key not in self.done:
            self.evaluate(sheet, key)
        return self.done[key]

    def evaluate(self, sheet: Sheet, key: Key) -> None:
        """Compute a formula after the formulas it reads, with a stack rather than recursion:
        a running balance down 50,000 rows (`=D2+B3-C3`) is one long chain. A formula that
        reads itself, directly or not, is `#REF!`, as Google reports a circular dependency."""
        stack = [(sheet, key)]
        active = {key}
        while stack:
            home, top = stack[-1]
            if top in self.done:
                stack.pop()
                active.discard(top)
                continue
            waiting = [(s, k) for s, k in self.formula_inputs(home, top) if k not in self.done]
            for _, cycle in (item for item in waiting if item[1] in active):
                self.done[cycle] = CellError("#REF!")
            fresh = [item for item in waiting if item[1] not in active]
            if fresh:
                stack.extend(fresh)
                active.update(k for _, k in fresh)
                continue
            if top not in self.done:
                self.done[top] = self.compute(home, stored_at(home, top[1], top[2]))
            stack.pop()
            active.discard(top)

    def formula_inputs(self, sheet: Sheet, key: Key) -> list[tuple[Sheet, Key]]:
        """The formula cells the formula at `key` reads (deduplicated, in reading order)."""
        try:
            names = references(str(stored_at(sheet, key[1], key[2])))
        except engine_module().errors.FormulaError:  # one that does not parse reads nothing
            return []
        found: dict[Key, Sheet] = {}
        for name in names:
            try:
                target, box = self.spreadsheet.reference(name, sheet)
            except ApiError:
                continue
            if not target.has_formulas:
                continue
            for row in range(box.start_row, min(box.end_row, len(target.rows))):
                line = target.rows[row]
                for column in range(box.start_column, min(box.end_column, len(line))):
                    if isinstance(line[column], Formula):
                        found.setdefault((target.sheet_id, row, column), target)
        return [(target, k) for k, target in found.items()]

    def compute(self, sheet: Sheet, text: str) -> object:
        engine = engine_module()
        try:
            function = compiled(canonical(str(text))[0])
            names = references(str(text))
        except engine.errors.FormulaError:
            return CellError("#ERROR!")
        arguments = [self.argument(sheet, name) for name in names]
        try:
            return plain(function(*arguments))
        except Exception as error:  # the engine's failure is the cell's error
            unknown = isinstance(getattr(error, "args", [None])[-1], NotImplementedError)
            return CellError("#NAME?" if unknown else "#VALUE!")

    def argument(self, sheet: Sheet, name: str) -> object:
        """The engine's input called `name` (`B2:B5`, `'SHEET 2'!A1`, `TOTAL`) as it wants it."""
        engine = engine_module()
        try:
            target, box = self.spreadsheet.reference(name, sheet)
        except ApiError:
            return engine.error("#REF!" if "!" in name or ":" in name else "#NAME?")
        numpy = engine.numpy
        empty = engine.empty
        shape = (box.end_row - box.start_row, box.end_column - box.start_column)
        scalar = shape == (1, 1) and ":" not in name
        block = numpy.empty(shape, object)
        for row in range(box.start_row, box.end_row):
            for column in range(box.start_column, box.end_column):
                value = self.value(target, row, column)
                if isinstance(value, CellError):
                    value = engine.error(value)
                elif value is None or value == "":
                    value = empty
                elif isinstance(value, str) and not scalar:
                    value = Text(value)
                block[row - box.start_row, column - box.start_column] = value
        try:  # with its place, so that ROW(A5) and ROWS(A1:B2) know where they point
            return engine.formulas.Ranges().push(grid_reference(box), block)
        except Exception:  # a place the engine cannot name: the values alone
            return block[0, 0] if scalar else block


class Text(str):
    """A text cell inside a range: never read as a number, so SUM(A1:A9) skips `"0042"` as
    Google does (the engine would count it); a single-cell reference stays plain text, which
    Google does turn into a number (`=A1+1`)."""

    def __float__(self) -> float:
        raise ValueError("text")


def stored_at(sheet: Sheet, row: int, column: int) -> object:
    line = sheet.rows[row] if row < len(sheet.rows) else []
    return line[column] if column < len(line) else None


class Engine:
    """What this module uses of `formulas` and numpy, imported once, on first use."""

    def __init__(self) -> None:
        import formulas  # lazy: about a second, on the first formula read only
        import numpy
        import schedula
        from formulas import errors
        from formulas.tokens.operand import Error, XlError

        self.formulas = formulas
        self.numpy = numpy
        self.errors = errors
        self.empty = schedula.EMPTY
        self.XlError = XlError
        self.known_errors = {str(e): e for e in Error.errors.values()}
        add_google_functions(formulas.get_functions(), self.known_errors["#N/A"])

    def error(self, text: str) -> object:
        return self.known_errors.get(str(text), self.known_errors["#VALUE!"])


def add_google_functions(functions: dict, not_available: object) -> None:
    """Google Sheets functions the Excel engine lacks, which team sheets use: links
    (HYPERLINK, which Retaguarda's own marks may write) and regular expressions."""
    from formulas.functions import wrap_func

    def text(value: object) -> str:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def hyperlink(url: object, label: object = None) -> object:
        return url if label is None else label

    def regex_extract(value: object, pattern: object) -> object:
        found = re.search(text(pattern), text(value))
        if found is None:
            return not_available
        return found.group(1) if found.groups() else found.group(0)

    def regex_replace(value: object, pattern: object, replacement: object) -> str:
        template = re.sub(r"\$(\d+)", r"\\g<\1>", text(replacement))  # $1 → \g<1>
        return re.sub(text(pattern), template, text(value))

    functions["HYPERLINK"] = wrap_func(hyperlink)
    functions["REGEXMATCH"] = wrap_func(lambda v, p: re.search(text(p), text(v)) is not None)
    functions["REGEXEXTRACT"] = wrap_func(regex_extract)
    functions["REGEXREPLACE"] = wrap_func(regex_replace)


@functools.cache
def engine_module() -> Engine:
    return Engine()


@functools.lru_cache(maxsize=4096)
def compiled(text: str) -> Callable:
    """The formula compiled to a function of its inputs (the engine's slow step, ~1.4 ms)."""
    engine = engine_module()
    return engine.formulas.Parser().ast(text)[1].compile()


@functools.lru_cache(maxsize=65536)
def canonical(text: str) -> tuple[str, tuple[str, ...]]:
    """The formula with its A1 references numbered (`=A1+B2` → `=XFC1+XFC2`, and the
    references), so that a column of formulas that differ only in their rows (a running
    balance, `=D2+B3-C3` down 50,000 rows) is compiled once."""
    found: list[str] = []

    def number(match: re.Match[str]) -> str:
        found.append(match.group(0))
        slot = f"XFC{len(found)}"
        return f"{slot}:{slot}" if ":" in match.group(2) else slot

    parts = FORMULA_STRING.split(text)
    for index in range(0, len(parts), 2):
        parts[index] = FORMULA_REFERENCE.sub(number, parts[index])
    return "".join(parts), tuple(found)


SLOT = re.compile(r"^XFC(\d+)$")


def references(text: str) -> list[str]:
    """The formula's inputs as written (`B2:B5`, `'Filial SP'!A1`, a named range), in the
    order of the compiled function's arguments."""
    shape, found = canonical(text)
    names = []
    for name in compiled(shape).inputs:
        slot = SLOT.match(name.split(":")[0])
        names.append(found[int(slot.group(1)) - 1] if slot else name)
    return names


def grid_reference(box: Box) -> str:
    first = cell_name(box.start_row, box.start_column)
    last = cell_name(box.end_row - 1, box.end_column - 1)
    return first if first == last else f"{first}:{last}"


def plain(result: object) -> object:
    """The engine's answer (numpy scalars, 0-d or n-d arrays, error tokens) as a cell value."""
    engine = engine_module()
    while isinstance(result, engine.numpy.ndarray):
        result = result.item() if result.ndim == 0 else result.flat[0]
    if isinstance(result, engine.XlError):
        return CellError(str(result))
    if result is engine.empty or result is None:
        return ""
    if isinstance(result, engine.numpy.bool_ | bool):
        return bool(result)
    if isinstance(result, engine.numpy.integer):
        return int(result)
    if isinstance(result, engine.numpy.floating | float):
        number = float(result)
        if number != number or number in (float("inf"), float("-inf")):
            return CellError("#NUM!")
        return normalize_number(number)
    return str(result) if isinstance(result, str) else result
