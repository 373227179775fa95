"""Not written yet."""

from __future__ import annotations

from collections.abc import Sequence

from retaguarda.addin.reports.model import Books, Period, Report, ReportOptions


def balanco(books: Sequence[Books], period: Period, options: ReportOptions) -> Report:
    raise NotImplementedError
