"""OFX statements as Brazilian banks export them, read by ofxtools behind a normalising step.

Strict OFX parsers refuse most Brazilian exports (`tests/addin/fixtures/ofx/README.md`): the
header lies about the encoding (CHARSET:1252 over UTF-8, ENCODING:ISO-8859-1 outside the
spec) or misses lines, amounts carry a decimal comma and padding, TRNTYPE is `C` or `D`, leaf
tags are closed or not at random, and "Saldo anterior" / "Saldo do dia" rows pose as
transactions. So the file is first read here into a small tree of its tags (with the line of
each, for errors a person can find), mended, and written out again as a canonical OFX 1.02
document in UTF-8; ofxtools then parses that and converts each element (dates, amounts,
types, lengths checked against the spec). docs/extratos.md says why ofxtools and not ofxparse.
"""

from __future__ import annotations

import codecs
import html
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from xml.etree.ElementTree import Element

from ofxtools.models.bank.stmt import STMTTRN
from ofxtools.models.base import Aggregate
from ofxtools.Parser import OFXTree

from retaguarda.addin.reconcile.model import Statement, lines_frame
from retaguarda.addin.reconcile.statement_issues import (
    broken,
    fold,
    is_opening_row,
    prove,
    statement_issue,
    take_balance_row,
)
from retaguarda.templates.readers.errors import file_name

#: What an OFX file may weigh: ofxtools converts a transaction in about 0.35 ms and keeps a
#: tree of Python objects for it (10,000 transactions, 1.1 MB, read in 4.4 s and 190 MB here),
#: so 5 MB (some 45,000 transactions, many years of a busy account) bounds time and memory.
MAX_OFX_BYTES = 5 * 1024 * 1024

CANONICAL_HEADER = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:UTF-8\r\n"
    "CHARSET:NONE\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)

_OFX_START = re.compile(rb"<OFX>", re.IGNORECASE)
_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9._]*)>([^<]*)")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
#: the character sets headers declare, as Python codecs (None: nothing to go by)
_CHARSETS = {
    "1252": "cp1252",
    "WINDOWS-1252": "cp1252",
    "ISO-8859-1": "latin-1",
    "ISO8859-1": "latin-1",
    "LATIN1": "latin-1",
    "8859-1": "latin-1",
    "UTF-8": "utf-8",
    "UTF8": "utf-8",
    "UNICODE": "utf-8",
}
#: TRNTYPE's values in the OFX spec (ofxtools refuses any other)
_TRNTYPES = frozenset(STMTTRN.trntype.valid)
#: non-standard types seen in Brazilian exports; any other unknown type becomes OTHER (the
#: sign of TRNAMT says which way the money went, whatever the type)
_TRNTYPE_ALIASES = {"C": "CREDIT", "D": "DEBIT", "CRED": "CREDIT", "DEB": "DEBIT"}
_STATEMENTS = ("STMTRS", "CCSTMTRS")
#: text fields' longest length in the spec: banks write longer document numbers and memos,
#: which ofxtools refuses, so they are cut in the document it reads and taken whole from the
#: file
_TEXT_LIMITS = {"NAME": 32, "MEMO": 255, "CHECKNUM": 12, "REFNUM": 32}
#: How deep aggregates may nest: a statement is eight levels down; a file nesting thousands
#: is hostile (and would exhaust Python's recursion on the way out).
MAX_DEPTH = 40


@dataclass(eq=False)
class _Node:
    """One element of the file as written: an aggregate (children) or a leaf (text)."""

    tag: str
    line: int
    text: str | None = None
    children: list[_Node] = field(default_factory=list)

    def find(self, tag: str) -> _Node | None:
        return next((child for child in self.children if child.tag == tag), None)

    def value(self, tag: str) -> str:
        child = self.find(tag)
        return child.text or "" if child is not None else ""

    def walk(self, tags: tuple[str, ...]) -> list[_Node]:
        found = [self] if self.tag in tags else []
        for child in self.children:
            found += child.walk(tags)
        return found


@dataclass(eq=False)
class _Row:
    """A transaction as the file wrote it (with the line of each tag, which ofxtools does not
    keep), and whether it is a balance row rather than a movement."""

    node: _Node
    pseudo: bool = False


def is_ofx(head: bytes) -> bool:
    """Whether a file's first bytes are an OFX statement (SGML 1.x or XML 2.x)."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:64].upper()
    return start.startswith((b"OFXHEADER", b"<OFX>")) or (
        start.startswith(b"<?XML") and b"<?OFX" in head[:1024].upper()
    )


def read_ofx(path: Path, data: bytes) -> Statement:
    """The statement in an OFX file's bytes; `UnreadableFile` naming the line where it is broken."""
    text, first_line = decode_ofx(path, data)
    root = parse_tags(path, text, first_line)
    statements = root.walk(_STATEMENTS)
    if not statements:
        raise broken(
            path,
            root.line,
            "não há nenhum extrato (<STMTRS>) dentro de <OFX>",
            "there is no statement (<STMTRS>) inside <OFX>",
            kind="OFX",
        )
    document, rows = canonical_document(path, root)
    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(document.encode("utf-8")))
    except Exception as error:  # ofxtools raises its own errors and ValueError alike
        raise broken(
            path,
            root.line,
            f"o leitor de OFX recusou o arquivo ({str(error)[:200]})",
            f"the OFX reader refused the file ({str(error)[:200]})",
            kind="OFX",
        ) from None
    elements = [e for e in tree.getroot().iter() if e.tag in _STATEMENTS]
    statement = _statement(path, statements[0], elements[0], rows)
    if len(statements) > 1:
        statement.warnings.append(
            statement_issue(
                "statement.several", path, count=len(statements), account=statement.account
            )
        )
    return statement


def decode_ofx(path: Path, data: bytes) -> tuple[str, int]:
    """The body of the file from its <OFX> tag on, as text, and the line that tag is on.

    The header says an encoding, often wrongly. A multi-byte UTF-8 sequence does not happen by
    chance in cp1252 or Latin-1 text, so a body that is valid UTF-8 with accents is read as
    UTF-8 whatever a single-byte header says; otherwise the declared encoding is tried, then
    UTF-8, then cp1252, then Latin-1 (which reads any byte)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise broken(
            path, line, "há bytes binários (NUL)", "it holds binary (NUL) bytes", kind="OFX"
        )
    start = _OFX_START.search(data)
    if start is None:
        line = data.count(b"\n") + 1
        raise broken(
            path,
            line,
            "o arquivo acaba sem a marcação <OFX> (está truncado ou não é um OFX)",
            "the file ends without an <OFX> tag (truncated, or not OFX)",
            kind="OFX",
        )
    header = data[: start.start()].decode("ascii", "replace").upper()
    body = data[start.start() :]
    declared = _declared(header)
    text = None
    if declared != "utf-8" and not body.isascii():
        text = _try(body, "utf-8")
    for encoding in (declared, "utf-8", "cp1252"):
        if text is None and encoding:
            text = _try(body, encoding)
    if text is None:
        text = body.decode("latin-1")
    return text, data.count(b"\n", 0, start.start()) + 1


def _declared(header: str) -> str | None:
    fields = dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition(":") for line in header.splitlines())
    )
    xml = re.search(r'ENCODING\s*=\s*["\']([^"\']+)', header)
    charset = fields.get("CHARSET", "")
    for given in (xml[1] if xml else "", charset, fields.get("ENCODING", "")):
        if given in _CHARSETS:
            return _CHARSETS[given]
    return None


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return codecs.decode(data, encoding)
    except UnicodeDecodeError:
        return None


def parse_tags(path: Path, text: str, first_line: int) -> _Node:
    """The file's elements as a tree, leaf tags closed or not; an error naming the line of a
    stray `<`, a closing tag that closes nothing, or the end of a truncated file.

    An element opened without text and never closed is an empty leaf (`<MEMO>` followed by
    the next tag): its children, if the reading gave it any, go back to its parent."""
    root = _Node("#document", first_line)
    stack = [root]
    last_leaf: _Node | None = None
    line, position = first_line, 0
    for match in _TOKEN.finditer(text):
        if match.start() != position:
            _stray(path, text, position, line + text.count("\n", position, match.start()))
        closing, tag, value = match.groups()
        tag = tag.upper()
        if closing:
            if last_leaf is not None and last_leaf.tag == tag:
                last_leaf = None
            else:
                _close(path, stack, tag, line)
                last_leaf = None
        else:
            node = _Node(tag, line)
            stack[-1].children.append(node)
            if value.strip():
                node.text = value.strip()
                last_leaf = node
            else:
                stack.append(node)
                last_leaf = None
                if len(stack) > MAX_DEPTH:
                    raise broken(
                        path,
                        line,
                        f"marcações aninhadas demais (mais de {MAX_DEPTH} níveis)",
                        f"tags nested too deep (more than {MAX_DEPTH} levels)",
                        kind="OFX",
                    )
        line += value.count("\n")
        position = match.end()
    if position != len(text):
        _stray(path, text, position, line)
    if len(stack) > 1:
        opened = next((n for n in reversed(stack) if n.children), stack[1])
        raise broken(
            path,
            line,
            f"o arquivo acaba sem fechar a marcação <{opened.tag}> aberta na linha "
            f"{opened.line} (está truncado?)",
            f"the file ends without closing the <{opened.tag}> tag opened on line "
            f"{opened.line} (truncated?)",
            kind="OFX",
        )
    return root


def _stray(path: Path, text: str, position: int, line: int) -> None:
    shown = re.sub(r"\s+", " ", text[position : position + 30]).strip()
    raise broken(
        path,
        line,
        f"“{shown}” não é uma marcação OFX válida",
        f"“{shown}” is not a valid OFX tag",
        kind="OFX",
    )


def _close(path: Path, stack: list[_Node], tag: str, line: int) -> None:
    depth = next((i for i in range(len(stack) - 1, 0, -1) if stack[i].tag == tag), None)
    if depth is None:
        raise broken(
            path,
            line,
            f"</{tag}> fecha uma marcação que não foi aberta",
            f"</{tag}> closes a tag that was never opened",
            kind="OFX",
        )
    while len(stack) - 1 > depth:
        empty = stack.pop()
        parent = stack[-1]
        at = parent.children.index(empty)
        parent.children[at + 1 : at + 1] = empty.children
        empty.children, empty.text = [], ""
    closed = stack.pop()
    if not closed.children:  # <MEMO></MEMO>: an empty leaf, closed
        closed.text = ""


def canonical_document(path: Path, root: _Node) -> tuple[str, list[_Row]]:
    """The file as a canonical OFX 1.02 document, and its transactions in document order
    (balance rows marked, and left out of the document)."""
    rows: list[_Row] = []
    out = [CANONICAL_HEADER]
    for child in root.children:
        _write(path, child, out, rows)
    return "".join(out), rows


def _write(path: Path, node: _Node, out: list[str], rows: list[_Row]) -> None:
    if node.text is not None:
        if node.text:
            out.append(f"<{node.tag}>{_mended(path, node)}</{node.tag}>")
        elif node.tag == "FITID":
            out.append("<FITID>0</FITID>")  # the line number stands for it (`_ref`)
        return
    if node.tag == "STMTTRN":
        row = _Row(node, pseudo=_is_balance_row(node))
        rows.append(row)
        if row.pseudo:
            return
        if node.find("FITID") is None:
            node.children.append(_Node("FITID", node.line, ""))
    out.append(f"<{node.tag}>")
    for child in node.children:
        _write(path, child, out, rows)
    out.append(f"</{node.tag}>")


def _mended(path: Path, leaf: _Node) -> str:
    text = leaf.text or ""
    if leaf.tag in _TEXT_LIMITS:  # kept whole from the file (`_said`), cut here for the spec
        return text[: _TEXT_LIMITS[leaf.tag]]
    if leaf.tag in ("TRNAMT", "BALAMT"):
        return str(_amount(path, leaf))
    if leaf.tag == "TRNTYPE":
        upper = text.upper()
        return upper if upper in _TRNTYPES else _TRNTYPE_ALIASES.get(upper, "OTHER")
    if leaf.tag in ("DTPOSTED", "DTASOF", "DTSTART", "DTEND"):
        _date(path, leaf)
    return text


def _amount(path: Path, leaf: _Node) -> Decimal:
    """An amount as written: padded, with a decimal comma, with thousands separators."""
    text = (leaf.text or "").replace(" ", "").replace("R$", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    if _NUMBER.fullmatch(text) is None:
        raise broken(
            path,
            leaf.line,
            f"o valor <{leaf.tag}> “{leaf.text}” não é um número",
            f"the <{leaf.tag}> amount “{leaf.text}” is not a number",
            kind="OFX",
        )
    return Decimal(text)


def _date(path: Path, leaf: _Node) -> date:
    """The date part of an OFX date-time: the bank's own calendar day, whatever the zone
    (ofxtools turns a zoned time into UTC, which moves a late-evening posting a day)."""
    text = leaf.text or ""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise broken(
            path,
            leaf.line,
            f"a data <{leaf.tag}> “{text[:30]}” não é uma data (AAAAMMDD)",
            f"the <{leaf.tag}> date “{text[:30]}” is not a date (YYYYMMDD)",
            kind="OFX",
        ) from None


def _is_balance_row(node: _Node) -> bool:
    """ "Saldo anterior", "Saldo do dia", "S A L D O"... written as a transaction: a memo or
    name starting with SALDO, or one with SALDO in it and no FITID."""
    said = fold(node.value("MEMO") + " " + node.value("NAME"))
    label = fold(node.value("MEMO") or node.value("NAME"))
    return label.startswith("SALDO") or (not node.value("FITID") and "SALDO" in said)


def _statement(path: Path, node: _Node, element: Element, rows: list[_Row]) -> Statement:
    account = node.find("BANKACCTFROM") or node.find("CCACCTFROM")
    mine = {id(trn) for trn in node.walk(("STMTTRN",))}
    rows = [row for row in rows if id(row.node) in mine]
    kept = [row for row in rows if not row.pseudo]
    converted = [
        _convert(path, row.node, trn)
        for row, trn in zip(kept, element.iter("STMTTRN"), strict=True)
    ]
    ledger = node.find("LEDGERBAL")
    closing = _amount(path, ledger.find("BALAMT")) if ledger and ledger.find("BALAMT") else None
    name = file_name(path)
    seen: Counter[str] = Counter()
    refs, dates, cents, descriptions, documents = [], [], [], [], []
    for row, trn in zip(kept, converted, strict=True):
        refs.append(_ref(name, row.node, trn.fitid if row.node.value("FITID") else "", seen))
        dates.append(_date(path, row.node.find("DTPOSTED") or row.node))
        cents.append(_cents(trn.trnamt))
        said = _said(row.node)
        descriptions.append(" ".join(dict.fromkeys(t for t in (said["NAME"], said["MEMO"]) if t)))
        documents.append(said["CHECKNUM"] or said["REFNUM"])
    statement = Statement(
        lines=lines_frame(refs, dates, cents, descriptions, documents),
        closing=closing,
        bank=account.value("BANKID") if account else "",
        agency=account.value("BRANCHID") if account else "",
        account=account.value("ACCTID") if account else "",
        source=name,
    )
    origin = _balance_rows(path, rows, statement)
    prove(statement, path, origin=origin)
    return statement


def _said(node: _Node) -> dict[str, str]:
    """The free-text fields of a transaction as the bank wrote them, entities read."""
    return {tag: html.unescape(node.value(tag)) for tag in _TEXT_LIMITS}


def _convert(path: Path, node: _Node, element: Element) -> Aggregate:
    try:
        return Aggregate.from_etree(element)
    except Exception as error:  # ofxtools' OFXSpecError, ValueError, TypeError...
        raise broken(
            path,
            node.line,
            f"o lançamento <STMTTRN> foge do padrão OFX ({str(error)[:200]})",
            f"the <STMTTRN> transaction breaks the OFX spec ({str(error)[:200]})",
            kind="OFX",
        ) from None


def _ref(name: str, node: _Node, fitid: str, seen: Counter[str]) -> str:
    """ "FITID:<fitid>", "#2", "#3" after a repeated one; "<file>:<line>" without a FITID."""
    base = f"FITID:{fitid}" if fitid else f"{name}:{node.line}"
    seen[base] += 1
    return base if seen[base] == 1 else f"{base}#{seen[base]}"


def _cents(amount: Decimal) -> int:
    try:
        return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:  # an amount beyond any bank's
        raise ValueError(f"“{amount}” é grande demais.") from None


def _balance_rows(path: Path, rows: list[_Row], statement: Statement) -> tuple[str, str]:
    """Turn the balance rows into the opening or closing balance where they stand for one
    (a "Saldo anterior" before every transaction, a "Saldo do dia" after the last one when
    there is no LEDGERBAL), and note each one in the warnings, kept or dropped."""
    origin = ("", "")
    real = [at for at, row in enumerate(rows) if not row.pseudo]
    first, last = (real[0], real[-1]) if real else (len(rows), -1)
    for at, row in enumerate(rows):
        if not row.pseudo:
            continue
        node = row.node
        amount_node = node.find("TRNAMT")
        amount = _amount(path, amount_node) if amount_node and amount_node.text else Decimal(0)
        label = node.value("MEMO") or node.value("NAME")
        opening = is_opening_row(label)
        taken = take_balance_row(
            statement,
            path,
            node.line,
            label,
            amount,
            opening=opening and at < first and statement.opening is None,
            closing=not opening and at > last and statement.closing is None,
        )
        origin = taken or origin
    return origin
