"""Sample team workbooks: plausible Brazilian data with a recorded set of planted mistakes.

Three teams (Matriz, Filial São Paulo, Filial Rio) each get a workbook holding every template
sheet, a few hundred rows of clean data generated from a seed, and then a list of planted
mistakes of every kind the validators find. `planted.json` records where each one was
planted (file, sheet, cell, code), so a test can assert that validation finds each of them
and flags nothing else. Same seed, same files.

The pieces live by what they hold: `sample_parties` (names, products, random identifiers),
`sample_books` and `sample_payroll` (the clean rows), `sample_mistakes` (what is planted where);
this module writes the workbooks and the manifest.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.reader import column_letter
from retaguarda.templates.render import render_workbook
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
    for number, team in enumerate(TEAMS):
        rng = random.Random(seed * 31 + number)
        sheets = clean_sheets(rng)
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
        written.append(path)
    manifest = out / "planted.json"
    manifest.write_text(
        json.dumps(
            {"seed": seed, "closed_until": CLOSED_UNTIL.isoformat(), "planted": planted},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    written.append(manifest)
    return written
