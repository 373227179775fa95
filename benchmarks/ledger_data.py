"""The benchmark's data: a seeded `lancamentos` journal with ~1% bad rows of each kind.

Every bad row carries exactly one planted mistake, recorded in the `_planted` column, so each
side's count per rule can be compared with what was planted. Counterparties are real-looking:
valid CPFs and CNPJs (one CNPJ in ten alphanumeric, as from July 2026), typed with or without
punctuation. The journal is kept as Parquet (dates as dates, money as floats, text as text: the
cell types calamine gives) and, for the reading benchmarks, as an .xlsx written the way a
spreadsheet program writes one (date cells, number cells, text cells) and as a CSV the way a
Brazilian one exports it (";", dd/mm/yyyy, decimal comma).

Runs in the project's virtualenv: it uses the project's check-digit functions.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from retaguarda.templates.catalog.lancamentos import TEMPLATE
from retaguarda.templates.catalog.plano_de_contas import STARTER_CHART
from retaguarda.templates.catalog.plano_de_contas import TEMPLATE as CHART_TEMPLATE
from retaguarda.templates.samples import LEDGER_OPERATIONS
from retaguarda.validators.identifiers import cnpj_check_digits, cpf_check_digits

#: Bump when the generator changes, so that cached files are made anew; the chart's own digest
#: follows the starter chart (the journal posts to its accounts) without anyone remembering to
VERSION = "1-" + hashlib.blake2b(repr(STARTER_CHART).encode(), digest_size=3).hexdigest()
SEED = 20261125
#: The validation options every side uses: `date.future` after TODAY, closed until CLOSED_UNTIL.
TODAY = date(2026, 11, 30)
CLOSED_UNTIL = date(2025, 12, 31)
FIRST_DAY = date(2026, 1, 2)
LAST_DAY = date(2026, 10, 31)
#: Share of the rows given each kind of mistake.
BAD_SHARE = 0.01

#: The rules compared, by the name each side's findings are counted under.
KINDS = (
    "required",
    "date.future",
    "date.closed_period",
    "number.negative",
    "cpf_cnpj.invalid",
    "account.unknown",
    "account.synthetic",
    "ledger.same_account",
    "duplicate",
)
COLUMNS = TEMPLATE.keys
REQUIRED = tuple(c.key for c in TEMPLATE.columns if c.required)
UNKNOWN_ACCOUNTS = ("9.9.99", "1.1.99", "3.1.9", "5.1.01", "2.1.10")
SYNTHETIC = tuple(code for code, *_, postable in STARTER_CHART if postable == "Não")
COST_CENTERS = ("Comercial", "Administrativo", "Logística", "Financeiro")
SUPPLIER_WORDS = ("Distribuidora", "Transportadora", "Papelaria", "Gráfica", "Embalagens")
CUSTOMER_WORDS = ("Mercado", "Padaria", "Hotel", "Restaurante", "Escola", "Farmácia")
PEOPLE = ("Ana Souza", "Bruno Lima", "Carla Dias", "Diego Alves", "Elisa Rocha", "Fábio Reis")


def data_dir() -> Path:
    return Path(__file__).resolve().parent / "data"


def ledger_path(rows: int) -> Path:
    return data_dir() / f"ledger_{rows}_v{VERSION}_s{SEED}.parquet"


def xlsx_path(rows: int) -> Path:
    return data_dir() / f"ledger_{rows}_v{VERSION}_s{SEED}.xlsx"


def csv_path(rows: int) -> Path:
    return data_dir() / f"lancamentos_{rows}_v{VERSION}_s{SEED}.csv"


def chart_csv_path() -> Path:
    return data_dir() / f"plano_de_contas_v{VERSION}.csv"


def meta_path() -> Path:
    return data_dir() / f"ledger_meta_v{VERSION}.json"


def chart_rows() -> list[list[object]]:
    """The "Plano de contas" sheet as raw cells, header first."""
    return [list(CHART_TEMPLATE.headers), *(list(row) for row in STARTER_CHART)]


def ensure_data(rows: int) -> Path:
    """The Parquet file of `rows` rows (made once), and the metadata the peers read."""
    data_dir().mkdir(parents=True, exist_ok=True)
    meta = {
        "today": TODAY.isoformat(),
        "closed_until": CLOSED_UNTIL.isoformat(),
        "chart": [[code, postable == "Sim"] for code, *_, postable in STARTER_CHART],
        "columns": list(COLUMNS),
        "required": list(REQUIRED),
        "kinds": list(KINDS),
        "csv_delimiter": CSV_DELIMITER,
        "csv_date_format": CSV_DATE_FORMAT,
    }
    meta_path().write_text(json.dumps(meta, indent=1), encoding="utf-8")
    path = ledger_path(rows)
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        pq.write_table(generate(rows), tmp)
        tmp.replace(path)
    return path


def ensure_xlsx(rows: int, source: Path) -> Path:
    """An .xlsx of the first `rows` rows of `source`, with a "Plano de contas" sheet."""
    path = xlsx_path(rows)
    if not path.exists():
        tmp = path.with_suffix(".tmp.xlsx")
        write_xlsx(tmp, pq.read_table(source).slice(0, rows))
        tmp.replace(path)
    return path


def ensure_csv(rows: int) -> tuple[Path, Path]:
    """The journal of `rows` rows as a CSV, and the chart as another (made once)."""
    path, chart = csv_path(rows), chart_csv_path()
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        write_csv(tmp, pq.read_table(ensure_data(rows)))
        tmp.replace(path)
    if not chart.exists():
        tmp = chart.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file, delimiter=CSV_DELIMITER).writerows(chart_rows())
        tmp.replace(chart)
    return path, chart


# -- generation ---------------------------------------------------------------------------


def _cpf(rng: random.Random, punctuated: bool) -> str:
    while True:
        first9 = "".join(rng.choice("0123456789") for _ in range(9))
        v = first9 + cpf_check_digits(first9)
        if len(set(v)) > 1:
            break
    return f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}" if punctuated else v


def _cnpj(rng: random.Random, punctuated: bool, alphanumeric: bool) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if alphanumeric else "0123456789"
    first12 = "".join(rng.choice(alphabet) for _ in range(8)) + rng.choice(("0001", "0002"))
    v = first12 + cnpj_check_digits(first12)
    return f"{v[:2]}.{v[2:5]}.{v[5:8]}/{v[8:12]}-{v[12:]}" if punctuated else v


def _parties(rng: random.Random, count: int, words: tuple[str, ...], people: bool):
    """(name, CPF or CNPJ) of `count` counterparties; 1 in 5 typed without punctuation."""
    parties = []
    for i in range(count):
        punctuated = rng.random() < 0.8
        if people and i % 4 == 3:
            parties.append((f"{rng.choice(PEOPLE)} {i}", _cpf(rng, punctuated)))
        else:
            name = f"{rng.choice(words)} {i:04d} Ltda"
            parties.append((name, _cnpj(rng, punctuated, alphanumeric=rng.random() < 0.1)))
    return parties


def _wrong_check_digit(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1) % 10)


def generate(n: int, seed: int = SEED) -> pa.Table:
    """`n` journal rows; 1% of them for each kind of mistake, one mistake per bad row."""
    rng = np.random.default_rng(seed)
    prng = random.Random(seed)
    suppliers = _parties(prng, 3000, SUPPLIER_WORDS, people=False)
    customers = _parties(prng, 4000, CUSTOMER_WORDS, people=True)

    op = rng.integers(len(LEDGER_OPERATIONS), size=n)
    texts = [o[0] for o in LEDGER_OPERATIONS]
    low = np.array([o[3] for o in LEDGER_OPERATIONS])[op] * 100
    high = np.array([o[4] for o in LEDGER_OPERATIONS])[op] * 100
    cents = (low + rng.random(n) * (high - low)).astype(np.int64)
    span = (LAST_DAY - FIRST_DAY).days + 1
    days = np.sort(rng.integers(span, size=n))
    first = FIRST_DAY.toordinal()
    dates: list[date | None] = [date.fromordinal(first + int(d)) for d in days]
    debit = [LEDGER_OPERATIONS[i][1] for i in op]
    credit = [LEDGER_OPERATIONS[i][2] for i in op]
    supplier_at = rng.integers(len(suppliers), size=n)
    customer_at = rng.integers(len(customers), size=n)
    tax_id: list[str | None] = []
    history: list[str | None] = []
    for i, o in enumerate(op):
        party = LEDGER_OPERATIONS[o][5]
        if party is None:
            tax_id.append(None)
            history.append(texts[o])
            continue
        name, number = (suppliers if party == "supplier" else customers)[
            supplier_at[i] if party == "supplier" else customer_at[i]
        ]
        tax_id.append(number)
        history.append(f"{texts[o]} - {name}")
    documents: list[str | None] = [f"NF-{i + 1:07d}" for i in range(n)]
    no_document = rng.random(n) < 0.03
    for i in np.flatnonzero(no_document):
        documents[i] = None
    centers = np.array([*COST_CENTERS, None], dtype=object)[rng.integers(5, size=n)].tolist()
    notes = np.where(rng.random(n) < 0.05, "Conferido", None).tolist()
    amounts: list[float | None] = (cents / 100).tolist()
    planted = np.full(n, "", dtype=object)

    # One disjoint set of rows per kind of mistake; duplicates copy an earlier clean row.
    per_kind = int(n * BAD_SHARE)
    bad = rng.permutation(n)[: per_kind * len(KINDS)].reshape(len(KINDS), per_kind)
    clean = np.ones(n, dtype=bool)
    clean[bad.ravel()] = False
    clean &= ~no_document
    clean_rows = np.flatnonzero(clean)
    for kind, rows in zip(KINDS, bad, strict=True):
        planted[rows] = kind
        for i in rows.tolist():
            if kind == "required":
                column = REQUIRED[prng.randrange(len(REQUIRED))]
                {
                    "data": dates,
                    "historico": history,
                    "conta_debito": debit,
                    "conta_credito": credit,
                    "valor": amounts,
                }[column][i] = None
            elif kind == "date.future":
                dates[i] = TODAY + timedelta(days=prng.randrange(1, 120))
            elif kind == "date.closed_period":
                dates[i] = CLOSED_UNTIL - timedelta(days=prng.randrange(0, 300))
            elif kind == "number.negative":
                amounts[i] = -amounts[i]
            elif kind == "cpf_cnpj.invalid":
                number = tax_id[i] or prng.choice(customers)[1]
                tax_id[i] = _wrong_check_digit(number)
            elif kind in ("account.unknown", "account.synthetic"):
                side = debit if prng.random() < 0.5 else credit
                side[i] = prng.choice(UNKNOWN_ACCOUNTS if kind == "account.unknown" else SYNTHETIC)
            elif kind == "ledger.same_account":
                credit[i] = debit[i]
            elif kind == "duplicate":
                earlier = int(np.searchsorted(clean_rows, i))
                if earlier == 0:  # nothing to copy yet: leave it a clean row
                    planted[i] = ""
                    continue
                source = int(clean_rows[prng.randrange(earlier)])
                documents[i], tax_id[i], amounts[i] = (
                    documents[source],
                    tax_id[source],
                    amounts[source],
                )

    string = pa.large_string()
    return pa.table(
        {
            "data": pa.array(dates, pa.date32()),
            "documento": pa.array(documents, string),
            "historico": pa.array(history, string),
            "conta_debito": pa.array(debit, string),
            "conta_credito": pa.array(credit, string),
            "valor": pa.array(amounts, pa.float64()),
            "centro_de_custo": pa.array(centers, string),
            "cpf_cnpj": pa.array(tax_id, string),
            "observacoes": pa.array(notes, string),
            "_planted": pa.array(planted.tolist(), string),
        }
    )


def planted_counts(table: pa.Table) -> dict[str, int]:
    """How many rows of each kind of mistake `table` holds."""
    counts = dict.fromkeys(KINDS, 0)
    for kind in table.column("_planted").to_pylist():
        if kind:
            counts[kind] += 1
    return counts


# -- the cells a reader hands over --------------------------------------------------------


def raw_columns(table: pa.Table) -> dict[str, list[object]]:
    """Each template column as python-calamine gives its cells: str, float, date, "" empty."""
    return {key: ["" if v is None else v for v in table.column(key).to_pylist()] for key in COLUMNS}


def raw_rows(columns: dict[str, list[object]]) -> list[list[object]]:
    """The sheet as python-calamine's `to_python()` gives it: a header row, then row lists."""
    return [list(TEMPLATE.headers), *map(list, zip(*columns.values(), strict=True))]


# -- the CSV ------------------------------------------------------------------------------

#: What a Brazilian spreadsheet program writes: ";" between fields, day first, decimal comma.
CSV_DELIMITER = ";"
CSV_DATE_FORMAT = "%d/%m/%Y"


def write_csv(path: Path, table: pa.Table) -> None:
    """The journal as "Salvar como CSV" writes it: the template's headers, dates dd/mm/yyyy,
    amounts with a decimal comma and no thousands separator, empty cells empty."""

    def cells(key: str) -> list[str]:
        values = table.column(key).to_pylist()
        if key == "data":
            return ["" if v is None else v.strftime(CSV_DATE_FORMAT) for v in values]
        if key == "valor":
            return ["" if v is None else f"{v:.2f}".replace(".", ",") for v in values]
        return ["" if v is None else v for v in values]

    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=CSV_DELIMITER)
        writer.writerow(TEMPLATE.headers)
        writer.writerows(zip(*(cells(key) for key in COLUMNS), strict=True))


# -- the .xlsx ----------------------------------------------------------------------------


def write_xlsx(path: Path, table: pa.Table) -> None:
    """The journal as a spreadsheet program saves it: date cells formatted dd/mm/yyyy, money
    as number cells, codes and CPF/CNPJ as text cells; empty cells not written at all."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    money = book.add_format({"num_format": "#,##0.00"})
    chart = book.add_worksheet(CHART_TEMPLATE.sheet)
    for r, row in enumerate(chart_rows()):
        chart.write_row(r, 0, row, bold if r == 0 else None)
    sheet = book.add_worksheet(TEMPLATE.sheet)
    sheet.write_row(0, 0, TEMPLATE.headers, bold)
    columns = [table.column(key).to_pylist() for key in COLUMNS]
    date_at, money_at = COLUMNS.index("data"), COLUMNS.index("valor")
    write_string, write_number, write_datetime = (
        sheet.write_string,
        sheet.write_number,
        sheet.write_datetime,
    )
    for r, row in enumerate(zip(*columns, strict=True), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if c == date_at:
                write_datetime(r, c, value, day)
            elif c == money_at:
                write_number(r, c, value, money)
            else:
                write_string(r, c, value)
    book.close()
