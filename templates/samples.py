"""Sample team workbooks: plausible Brazilian data with a recorded set of planted mistakes.

Three teams (Matriz, Filial São Paulo, Filial Rio) each get a workbook holding every template
sheet, a few hundred rows of clean data generated from a seed, and then a list of planted
mistakes of every kind the validators find. `planted.json` records where each one was
planted (file, sheet, cell, code), so a test can assert that validation finds each of them
and flags nothing else. Same seed, same files.

October at the bank (`sample_bank`) tells a reconciliation story, and `planted.json` records
its ground truth too: which statement lines pair with which ledger rows, what only one side
has, the salaries paid short or not at all, the transfer only the Matriz booked, the stock
counts that differ from the book. The Matriz's statement is also written as an OFX file, as its
bank would export it.

The pieces live by what they hold: `sample_parties` (names, products, random identifiers),
`sample_books` and `sample_payroll` (the clean rows), `sample_bank` (October and the
statements), `sample_mistakes` (what is planted where); this module writes the workbooks and
the manifest.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.reader import column_letter
from retaguarda.templates.render import render_workbook
from retaguarda.templates.sample_bank import (
    BANK,
    FIRST,
    PAID_MONTH,
    BankStory,
    bank_balance,
    october,
    ofx_text,
    statement_rows,
)
from retaguarda.templates.sample_books import LEDGER_OPERATIONS, Sheet, clean_sheets
from retaguarda.templates.sample_mistakes import CLOSED_UNTIL, PLANTERS, Plant
from retaguarda.templates.sample_parties import (
    BANKS,
    CENT,
    CUSTOMERS,
    FIRST_DAY,
    LAST_DAY,
    PEOPLE,
    PRODUCTS,
    ROLES,
    SUPPLIERS,
    WAREHOUSES,
)
from retaguarda.templates.sample_payroll import INSS_2026, IRRF_TABLE

__all__ = [
    "BANKS",
    "CENT",
    "CLOSED_UNTIL",
    "CUSTOMERS",
    "FIRST_DAY",
    "INSS_2026",
    "IRRF_TABLE",
    "LAST_DAY",
    "LEDGER_OPERATIONS",
    "PEOPLE",
    "PLANTERS",
    "PRODUCTS",
    "ROLES",
    "SUPPLIERS",
    "TEAMS",
    "WAREHOUSES",
    "Plant",
    "Sheet",
    "Team",
    "write_samples",
]


@dataclass(frozen=True)
class Team:
    slug: str
    name: str
    city: str
    #: title rows above each sheet's header: real exports have them
    title_rows: tuple[str, ...] = ()


TEAMS = (
    Team("matriz", "Matriz", "Campinas"),
    Team("filial_sao_paulo", "Filial São Paulo", "São Paulo"),
    Team(
        "filial_rio",
        "Filial Rio",
        "Rio de Janeiro",
        (
            "Comercial Retaguarda Ltda. — Filial Rio de Janeiro",
            "Exportado do sistema em 31/10/2026",
        ),
    ),
)


def write_samples(out_dir: Path | str, *, seed: int = 2026) -> list[Path]:
    """Write one workbook per team and `planted.json`; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    planted: list[dict[str, object]] = []
    truth: dict[str, object] = {}
    for number, team in enumerate(TEAMS):
        rng = random.Random(seed * 31 + number)
        sheets = clean_sheets(rng)
        story = october(sheets, rng, team.slug)
        sheets["extrato"].rows = statement_rows(story, bank_balance(sheets, FIRST))
        plants = PLANTERS[team.slug](sheets, rng)
        path = out / f"{team.slug}.xlsx"
        ordered = [sheets[t] for t in TEMPLATES]
        render_workbook(
            path,
            [(TEMPLATES[s.template_id], s.rows) for s in ordered],
            sheet_titles=team.title_rows,
            company=f"Comercial Retaguarda Ltda. — {team.name}",
        )
        header_row = len(team.title_rows) + 1
        for plant in plants:
            template = TEMPLATES[plant.template_id]
            letter = column_letter(template.keys.index(plant.key))
            planted.append(
                {
                    "file": path.name,
                    "sheet": template.sheet,
                    "cell": f"{letter}{header_row + 1 + plant.row}",
                    "code": plant.code,
                }
            )
        truth[path.name] = _truth(story, plants, len(team.title_rows) + 1)
        truth[path.name]["stock"] = _stock_truth(sheets)
        written.append(path)
        if team.slug == "matriz":
            ofx = out / "extrato_matriz.ofx"
            ofx.write_bytes(ofx_text(sheets["extrato"].rows).encode("cp1252"))
            written.append(ofx)
    manifest = out / "planted.json"
    manifest.write_text(
        json.dumps(
            {
                "seed": seed,
                "closed_until": CLOSED_UNTIL.isoformat(),
                "planted": planted,
                "reconciliation": truth,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    written.append(manifest)
    return written


def _truth(story: BankStory, plants: list[Plant], header_row: int) -> dict[str, object]:
    """What each reconciliation must find in one team's workbook, as sheet references.

    A planted mistake on a statement line (Rio's date typo) leaves that line and its ledger
    rows unpaired; one on a ledger row the statement clears would blur the story, so none is
    planted there."""

    def ref(template_id: str, row: int) -> str:
        return f"{TEMPLATES[template_id].sheet}!{header_row + 1 + row}"

    touched = {(p.template_id, p.row) for p in plants}
    statement = TEMPLATES["extrato"].sheet
    pairs, only_statement, only_ledger = [], [], [ref(*s) for s in story.ledger_only]
    for i, line in enumerate(story.lines):
        clash = touched & set(line.sources)
        assert not clash, f"a mistake planted on a row the statement clears: {clash}"
        line_ref = f"{statement}!{header_row + 1 + i}"
        if not line.sources:
            only_statement.append(line_ref)
        elif ("extrato", i) in touched:
            only_statement.append(line_ref)
            only_ledger += [ref(*s) for s in line.sources]
        else:
            pairs.append({"statement": [line_ref], "ledger": [ref(*s) for s in line.sources]})
    return {
        "bank": {
            "account": BANK,
            "pairs": pairs,
            "unmatched_statement": only_statement,
            "unmatched_ledger": sorted(only_ledger),
        },
        "payroll": {
            "month": PAID_MONTH.strftime("%m/%Y"),
            "paid_short": story.paid_short,
            "not_paid": story.not_paid,
        },
        "teams": {"only_this_team": [ref(*s) for s in story.transfers_one_side]},
    }


def _stock_truth(sheets: dict[str, Sheet]) -> list[dict[str, str]]:
    """Each count that differs from the book, worked out by hand: the book is the movements'
    quantities added up (Saída taken away; a row whose Tipo does not read, planted, left out)."""
    book: dict[tuple[str, str], Decimal] = {}
    for row in sheets["estoque_movimentos"].rows:
        sign = {"Entrada": 1, "Ajuste": 1, "Saída": -1}.get(str(row[4]))
        if sign is not None:
            key = (str(row[1]), str(row[7]))
            book[key] = book.get(key, Decimal(0)) + sign * Decimal(str(row[5]))
    out = []
    for _, sku, warehouse, counted, _ in sheets["estoque_contagem"].rows:
        difference = Decimal(str(counted)) - book.get((sku, warehouse), Decimal(0))
        if difference:
            out.append({"sku": sku, "deposito": warehouse, "diferenca": str(difference)})
    return out
