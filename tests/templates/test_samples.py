"""The sample workbooks: every planted mistake is found, and nothing else is flagged."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from retaguarda.templates.samples import write_samples
from retaguarda.templates.validate import Options, validate_paths

CHECKED_IN = Path(__file__).parents[2] / "workbooks" / "samples"


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    write_samples(out)
    return out


#: The day the samples are checked on: after their clean data (which ends on 31/10/2026) and
#: before their earliest planted future date (03/01/2027); never the machine's clock.
TODAY = date(2026, 11, 25)


def findings(folder: Path) -> tuple[set[tuple[str, str, str, str]], set[tuple[str, str, str, str]]]:
    manifest = json.loads((folder / "planted.json").read_text(encoding="utf-8"))
    options = Options(today=TODAY, closed_until=date.fromisoformat(manifest["closed_until"]))
    report = validate_paths(sorted(folder.glob("*.xlsx")), options)
    found = {(Path(i.file).name, i.sheet, i.cell, i.code) for i in report.issues}
    planted = {(p["file"], p["sheet"], p["cell"], p["code"]) for p in manifest["planted"]}
    return found, planted


def test_every_planted_mistake_is_found_and_nothing_else(samples):
    found, planted = findings(samples)
    assert found - planted == set(), "flagged but not planted"
    assert planted - found == set(), "planted but not found"


def test_the_plants_cover_every_kind_of_cell_finding(samples):
    manifest = json.loads((samples / "planted.json").read_text(encoding="utf-8"))
    codes = {p["code"] for p in manifest["planted"]}
    assert codes >= {
        "cell.required",
        "date.invalid",
        "date.ambiguous",
        "date.future",
        "date.closed_period",
        "number.invalid",
        "number.ambiguous",
        "number.negative",
        "choice.invalid",
        "cpf.check_digit",
        "cpf.repeated_digits",
        "cpf_cnpj.check_digit",
        "pis.check_digit",
        "ncm.length",
        "pix.email",
        "bank.length",
        "account.unknown",
        "account.not_postable",
        "ledger.same_account",
        "row.duplicate",
        "payable.overpaid",
        "receivable.overpaid",
        "stock.negative",
        "stock.unknown_sku",
    }


def test_the_three_teams_have_a_few_hundred_rows_each(samples):
    report = validate_paths(sorted(samples.glob("*.xlsx")), Options(today=TODAY))
    rows: dict[str, int] = {}
    for sheet in report.sheets:
        rows[Path(sheet.file).name] = rows.get(Path(sheet.file).name, 0) + sheet.rows
    assert set(rows) == {"matriz.xlsx", "filial_sao_paulo.xlsx", "filial_rio.xlsx"}
    assert all(300 <= n <= 3000 for n in rows.values()), rows


def test_the_checked_in_samples_are_what_the_generator_writes(samples):
    """`make demo` regenerates them; a stale copy in the repository would mislead a newcomer."""
    assert (CHECKED_IN / "planted.json").read_text(encoding="utf-8") == (
        samples / "planted.json"
    ).read_text(encoding="utf-8")
    written = sorted(path.name for path in samples.glob("*.xlsx"))
    assert written == ["filial_rio.xlsx", "filial_sao_paulo.xlsx", "matriz.xlsx"]
    assert sorted(path.name for path in CHECKED_IN.glob("*.xlsx")) == written
    for name in written:
        assert (CHECKED_IN / name).read_bytes() == (samples / name).read_bytes(), name
