"""A bank's "Excel export" that is really an HTML page, read table by table as sheets.

lxml's HTML parser is lenient, so the limits are applied while reading: the page is parsed as a
stream, with its cells counted as they are produced.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from retaguarda.templates.readers.errors import Budget, file_error, file_name
from retaguarda.templates.readers.raw_sheets import CONTROL, RawSheet, clean_rows
from retaguarda.templates.readers.xml_events import forget
from retaguarda.templates.readers.zip_members import PIECE

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def read_html(path: Path, text: str, max_cells: int) -> list[RawSheet]:
    """Every table with rows, as a sheet: what a bank's "Excel export" really is.

    lxml's HTML parser reads the page as a stream; each row is built as its cells arrive and
    dropped from the tree once read, and the cells are counted as they are produced (spans
    included), so a page of enormous spans is refused before it is built. Merged cells
    (colspan, rowspan) are spread the way calamine gives merged cells: the text in the first
    position, "" in the others, so columns line up with the header. A sheet is named as Excel
    named it when Excel wrote the page (`<x:Name>`, else the `<title>`), else by its caption.
    """
    parser = etree.HTMLPullParser(
        events=("start", "end"),
        tag=("html", "table", "tr", "td", "th", "caption"),
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    )
    budget = Budget(path, max_cells)
    found: list[_HtmlTable | None] = []  # in the order the tables start
    open_tables: list[_HtmlTable] = []
    text = _XML_DECLARATION.sub("", text, count=1)
    try:
        root: etree._Element | None = None
        for start in range(0, len(text), PIECE):
            parser.feed(text[start : start + PIECE])
            events = list(parser.read_events())
            if root is None and events:
                root = events[0][1].getroottree().getroot()
            _html_events(events, open_tables, found, budget)
            _prune(root)
        parser.close()
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        pass  # libxml2 gives up on hopeless markup: what was read so far is what there is
    _html_events(parser.read_events(), open_tables, found, budget)
    tables = [table for table in found if table is not None and table.rows]
    names = _excel_sheet_names(text, len(tables))
    sheets = [
        RawSheet(name=names[i] or table.caption or f"Tabela {i + 1}", rows=table.grid())
        for i, table in enumerate(tables)
    ]
    if not sheets:
        raise file_error(
            path,
            "file.no_tables",
            f"O arquivo “{file_name(path)}” é uma página HTML sem nenhuma tabela.",
            f"File “{file_name(path)}” is an HTML page without any table.",
        )
    for sheet in sheets:
        clean_rows(sheet.rows)
    return sheets


class _HtmlTable:
    """A table being read: its rows so far, the row being built, and the rowspans that reach
    into the rows below, as runs of columns [start, stop) covered up to a row index.

    Neighbouring spans that end on the same row are one run, so a row of 40,000 cells that
    span 1,000 rows costs one step per row below, not 40,000, and each row is filled in bulk.
    """

    def __init__(self, slot: int) -> None:
        self.slot = slot
        self.rows: list[list[object]] = []
        self.row: list[object] | None = None
        self.width = 0
        self.caption = ""
        self.spans: list[list[int]] = []  # [start, stop, last row], by start
        self.next_span = 0  # the first run not yet reached by the row being built
        self.new_spans: list[list[int]] = []  # started by the row being built

    @property
    def label(self) -> str:
        """The table as messages name it while it is read."""
        return self.caption or f"Tabela {self.slot + 1}"

    def start_row(self, budget: Budget) -> None:
        if self.row is not None:
            self.end_row(budget)
        self.row, self.next_span, self.new_spans = [], 0, []

    def place(self, value: str, width: int, height: int, budget: Budget) -> None:
        row = self.row
        if row is None:
            return
        self._reach(len(row))
        budget.check(self.label, len(self.rows) + 1, max(self.width, len(row) + width))
        if height > 1:
            self.new_spans.append([len(row), len(row) + width, len(self.rows) + height - 1])
        row.append(value)
        row.extend([""] * (width - 1))

    def _reach(self, column: int) -> None:
        """Step over the positions from `column` on that rowspans from above cover."""
        row = self.row
        assert row is not None
        while self.next_span < len(self.spans) and self.spans[self.next_span][0] <= len(row):
            row.extend([""] * (self.spans[self.next_span][1] - len(row)))
            self.next_span += 1

    def end_row(self, budget: Budget) -> None:
        """Close the row: rowspans right of its last cell still cover their positions."""
        row = self.row
        if row is None:
            return
        stop = max((run[1] for run in self.spans[self.next_span :]), default=0)
        budget.check(self.label, len(self.rows) + 1, max(self.width, len(row), stop))
        row.extend([""] * (stop - len(row)))
        index = len(self.rows)
        self.rows.append(row)
        self.width = max(self.width, len(row))
        self.row = None
        runs = sorted([run for run in self.spans if run[2] > index] + self.new_spans)
        self.spans = []
        for run in runs:
            last = self.spans[-1] if self.spans else None
            if last is not None and last[1] == run[0] and last[2] == run[2]:
                last[1] = run[1]
            else:
                self.spans.append(run)

    def grid(self) -> list[list[object]]:
        for row in self.rows:
            row.extend([""] * (self.width - len(row)))
        return self.rows


def _html_events(
    events: Iterable[tuple[str, etree._Element]],
    open_tables: list[_HtmlTable],
    found: list[_HtmlTable | None],
    budget: Budget,
) -> None:
    """Build the tables from the parser's events; a row's elements are dropped once read."""
    for event, element in events:
        tag = element.tag
        table = open_tables[-1] if open_tables else None
        if tag == "table" and event == "start":
            open_tables.append(_HtmlTable(len(found)))
            found.append(None)
        elif tag == "table":
            if table is not None:
                open_tables.pop()
                if table.row is not None:
                    table.end_row(budget)
                budget.spend(table.label, len(table.rows), table.width)
                found[table.slot] = table
            forget(element)
        elif tag == "html" or table is None or (event == "start" and tag != "tr"):
            continue
        elif tag == "tr" and event == "start":
            table.start_row(budget)
        elif tag == "tr":
            table.end_row(budget)
            forget(element)
        elif tag == "caption":
            table.caption = table.caption or _sheet_title("".join(element.itertext()))
        else:  # a td or th
            value = " ".join("".join(element.itertext()).split())
            table.place(value, _span(element.get("colspan")), _span(element.get("rowspan")), budget)
            element.clear(keep_tail=False)


def _prune(root: etree._Element | None) -> None:
    """Drop what the parser has finished outside the cells being read: every element but the
    last child along the path the parser is on, down to an open cell (whose text is still to
    come), so that the tree never holds the whole page."""
    node = root
    while node is not None and node.tag not in ("td", "th", "caption"):
        if len(node) > 1:
            del node[:-1]
        node = node[-1] if len(node) else None


_EXCEL_SHEET = re.compile(
    r"<x:ExcelWorksheet\b.*?<x:Name>(.*?)</x:Name>", re.IGNORECASE | re.DOTALL
)
_EXCEL_PAGE = re.compile(r"urn:schemas-microsoft-com:office:excel|Excel\.Sheet", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _excel_sheet_names(text: str, count: int) -> list[str]:
    """The names Excel gave the sheets of a page it wrote, in order ("" where unknown).

    Excel puts them in `<x:Name>` inside a conditional comment of the page's head, and a
    one-sheet page's title is its sheet's name; other pages have neither.
    """
    head = text[: (found.start() if (found := _TABLE_START.search(text)) else len(text))]
    names: list[str] = []
    if _EXCEL_PAGE.search(head):
        names = [_html_text(name) for name in _EXCEL_SHEET.findall(head)]
        title = _TITLE.search(head)
        if not names and title and count == 1:
            names = [_html_text(title[1])]
    return (names + [""] * count)[:count]


_TABLE_START = re.compile(r"<table[\s>]", re.IGNORECASE)


def _html_text(markup: str) -> str:
    """Text of a bit of markup, as a sheet name (see `_sheet_title`)."""
    return _sheet_title(html.unescape(re.sub(r"<[^>]*>", "", markup)))


def _sheet_title(text: str) -> str:
    """Text as a sheet name: spaces squeezed, no control characters, at most 31 characters
    as in Excel."""
    return CONTROL.sub("", " ".join(text.split()))[:31]


def _span(value: str | None) -> int:
    """A colspan or rowspan as a browser reads it, bounded so that a page cannot blow up."""
    try:
        return min(max(int(value or 1), 1), 1000)
    except ValueError:
        return 1
