"""A bank reconciliation as JSON, for programs: the issue's shape (`matches`,
`unmatched_statement`, `unmatched_ledger`, `summary`), amounts as decimal strings.

A line is named by its reference on its side: an OFX line by its FITID ("FITID:2026030501"),
a CNAB or CSV line by its file and line number, a sheet line as "Sheet!row".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from retaguarda.addin.reconcile.bank import Reconciliation


def reconciliation_json(rec: Reconciliation) -> dict[str, Any]:
    s = rec.summary
    st = rec.statement
    return {
        "account": rec.account,
        "statement": {
            "source": st.source,
            "bank": st.bank,
            "agency": st.agency,
            "account": st.account,
        },
        "matches": [
            {
                "id": m.id,
                "statement": list(m.statement),
                "ledger": list(m.ledger),
                "status": str(m.status),
                "score": round(float(m.score), 4),
                "reason": m.reason,
                "rule": m.rule,
                "difference": str(difference),
            }
            for m, difference in zip(rec.matching.matches, rec.differences, strict=True)
        ],
        "unmatched_statement": list(rec.matching.unmatched_statement),
        "unmatched_ledger": list(rec.matching.unmatched_ledger),
        "rejected": [
            {"id": d.id, "statement": list(d.statement), "ledger": list(d.ledger)}
            for d in rec.rejected
        ],
        "summary": {
            "opening": _amount(s.opening),
            "closing": _amount(s.closing),
            "statement_total": _amount(s.statement_total),
            "ledger_before": _amount(s.ledger_before),
            "ledger_balance": _amount(s.ledger_balance),
            "gap": _amount(s.gap),
            "opening_difference": _amount(s.opening_difference),
            "unmatched_statement": _amount(s.unmatched_statement),
            "unmatched_ledger": _amount(s.unmatched_ledger),
            "differences": _amount(s.differences),
            "unexplained": _amount(s.unexplained),
            "matches": s.matches,
            "confirmed": s.confirmed,
            "suggested": s.suggested,
            "unmatched_statement_count": s.unmatched_statement_count,
            "unmatched_ledger_count": s.unmatched_ledger_count,
            "differences_count": s.differences_count,
            "ledger_after_count": s.ledger_after_count,
            "booked_in_journal": list(rec.booked_in_journal),
            "first_day": s.first_day.isoformat() if s.first_day else None,
            "last_day": s.last_day.isoformat() if s.last_day else None,
            "complete": rec.complete,
        },
        "warnings": [
            {"code": w.code, "sheet": w.sheet, "message": w.message, "message_en": w.message_en}
            for w in rec.warnings
        ],
    }


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))
