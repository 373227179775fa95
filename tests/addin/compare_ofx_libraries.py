"""Which OFX fixtures ofxtools and ofxparse read, as the banks wrote them and after the
normalising step of `addin.reconcile.ofx`: the figures docs/extratos.md quotes.

ofxparse is not a dependency of Retaguarda; install it beside the project to run this:
`.venv/bin/pip install ofxparse==0.21 && .venv/bin/python tests/addin/compare_ofx_libraries.py`.
A file counts as read when the library returns its one statement with the transaction amount
and the memo (accents included) that `test_statement_ofx.py` expects.
"""

from __future__ import annotations

import io
import sys
import warnings
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import ofxparse
from ofxtools.Parser import OFXTree

from retaguarda.addin.reconcile.ofx import canonical_document, decode_ofx, parse_tags

FIXTURES = Path(__file__).parent / "fixtures" / "ofx"
MEMO = "DOC CRÉDITO EM CONTA"
AMOUNTS = {
    "banco_do_brasil_real.ofx": Decimal("239.55"),
    "santander_virgula_decimal.ofx": Decimal("-200.00"),
}


def with_ofxtools(data: bytes) -> tuple[Decimal, str]:
    tree = OFXTree()
    tree.parse(io.BytesIO(data))
    line = tree.convert().statements[0].transactions[0]
    return line.trnamt, line.memo


def with_ofxparse(data: bytes) -> tuple[Decimal, str]:
    line = ofxparse.OfxParser.parse(io.BytesIO(data)).account.statement.transactions[0]
    return line.amount, line.memo


def normalised(path: Path) -> bytes:
    text, first_line = decode_ofx(path, path.read_bytes())
    return canonical_document(path, parse_tags(path, text, first_line))[0].encode("utf-8")


def reads(read: Callable[[bytes], tuple[Decimal, str]], data: bytes, expected: Decimal) -> str:
    try:
        amount, memo = read(data)
    except Exception as error:  # each library fails in its own way
        return f"falha ({type(error).__name__})"
    return "lê" if (amount, memo) == (expected, MEMO) else f"errado ({amount}, {memo!r})"


def main() -> None:
    warnings.simplefilter("ignore")
    libraries = {"ofxtools": with_ofxtools, "ofxparse": with_ofxparse}
    print("| arquivo | " + " | ".join(f"{n} cru | {n} normalizado" for n in libraries) + " |")
    print("|---" * (1 + 2 * len(libraries)) + "|")
    totals = dict.fromkeys(libraries, (0, 0))
    files = sorted(FIXTURES.glob("*.ofx"))
    for path in files:
        expected = AMOUNTS.get(path.name, Decimal("-12.80"))
        cells = []
        for name, read in libraries.items():
            raw = reads(read, path.read_bytes(), expected)
            mended = reads(read, normalised(path), expected)
            cells += [raw, mended]
            raw_ok, mended_ok = totals[name]
            totals[name] = (raw_ok + (raw == "lê"), mended_ok + (mended == "lê"))
        print(f"| {path.name} | " + " | ".join(cells) + " |")
    for name, (raw_ok, mended_ok) in totals.items():
        print(f"{name}: {raw_ok}/{len(files)} cru, {mended_ok}/{len(files)} normalizado")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
