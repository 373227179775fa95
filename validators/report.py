"""A validation `Report`: the issues of one run, with a summary and flat renderings.

Like frictionless' report, `valid` is derived from the issues, and the same report renders as
JSON (for integrations), as rows (for a "Pendências" sheet) or as a terminal table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from retaguarda.validators.issues import Issue, Severity


@dataclass
class SheetSummary:
    file: str
    sheet: str
    template: str
    rows: int


@dataclass
class Report:
    files: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    sheets: list[SheetSummary] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == Severity.WARNING]

    @property
    def unreadable(self) -> list[Issue]:
        """The files that could not be read, or held no template: one `file.*` issue each."""
        return [i for i in self.issues if i.code.startswith("file.")]

    @property
    def valid(self) -> bool:
        """No errors; warnings are for the user to confirm, they do not block."""
        return not self.errors

    def summary(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "rows": sum(s.rows for s in self.sheets),
            "sheets": [
                {"file": s.file, "sheet": s.sheet, "template": s.template, "rows": s.rows}
                for s in self.sheets
            ],
            "by_code": dict(sorted(Counter(i.code for i in self.issues).items())),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": list(self.files),
            "issues": [i.to_dict() for i in self.issues],
            "summary": self.summary(),
        }

    def by_sheet(self) -> dict[tuple[str, str], list[Issue]]:
        """Issues grouped by (file, sheet), in the order the sheets were read."""
        groups: dict[tuple[str, str], list[Issue]] = {}
        for issue in self.issues:
            groups.setdefault((issue.file, issue.sheet), []).append(issue)
        return groups
