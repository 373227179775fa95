"""The JSON of a report: the main section's rows at the top, one object per row by column key,
amounts as decimal strings, months and dates ISO, the other sections by key."""

from __future__ import annotations

import json
from dataclasses import replace

from report_samples import HOSTILE, balancete, estoque

from retaguarda.addin.reports.report_json import report_json


def test_the_balancete_lists_one_row_per_account_with_amounts_as_decimal_strings():
    data = json.loads(json.dumps(report_json(balancete())))
    assert data["report"] == "balancete"
    assert (data["from"], data["to"]) == ("2026-01", "2026-03")
    assert data["scope"] == "Consolidado (Matriz, Filial Rio)"
    caixa = data["rows"][1]
    assert caixa == {
        "account": "1.1.01",
        "name": "Caixa",
        "opening": "1000.00",
        "debit": "250.50",
        "credit": "100.00",
        "closing": "1150.50",  # 1.000,00 + 250,50 − 100,00
    }
    assert data["rows"][3]["name"] == HOSTILE  # JSON holds text as it is
    assert data["rows"][3]["closing"] == "-3250.50"
    # 250,50 + 3.000,00 + 1.334,50 = 4.585,00 each side; a column without a total is null
    assert data["totals"]["debit"] == data["totals"]["credit"] == "4585.00"
    assert data["totals"]["opening"] is None


def test_the_other_sections_charts_notes_and_summary():
    data = report_json(balancete())
    assert set(data) >= {"rows", "totals", "sections", "notes", "summary", "charts"}
    monthly = data["sections"]["by_month"]
    assert monthly["title"] == "Movimento por mês"
    assert monthly["rows"][0] == {
        "month": "2026-01-01",
        "debit": "1500.00",
        "share": "0.3271",
        "entries": 1204,
    }
    assert monthly["totals"]["debit"] == "4585.00"
    assert data["summary"] == {"debits": "4585.00", "balanced": True, "first_negative_day": None}
    (chart,) = data["charts"]
    assert [s["kind"] for s in chart["series"]] == ["column", "line"]
    assert chart["series"][1]["values"] == ["6500.00", "7200.00", "7916.00"]
    assert data["notes"] == ["Débitos e créditos conferem: R$ 4.585,00 de cada lado."]


def test_dates_are_iso_and_a_report_of_one_section_has_no_others():
    data = report_json(estoque())
    assert data["rows"][1]["last"] == "2025-11-30"
    assert data["rows"][0]["quantity"] == "12.5"
    assert data["sections"] == {}
    assert data["from"] == data["to"] == "2026-03"


def test_a_numpy_figure_in_the_summary_is_plain_json():
    import numpy as np

    report = replace(estoque(), summary={"items": np.int64(2), "stale": np.bool_(True)})
    assert json.loads(json.dumps(report_json(report)["summary"])) == {"items": 2, "stale": True}
