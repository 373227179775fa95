"""A `Table`: one template sheet read out of a workbook, typed, with every cell's position.

`data` holds typed columns keyed by the template's column keys: money and other decimals as
scaled integers (`Int64`, see `model.SCALE`), dates as `datetime64`, text as strings, all with
<NA> for empty cells. `raw` holds what the user typed, as text, for messages. `rows` holds the
sheet row number of each row, `letters` the sheet column letter of each template column, so
every finding points at a cell the user can click (`Lançamentos!F17`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from retaguarda.templates.model import SCALE, Template
from retaguarda.validators.issues import Issue


@dataclass
class Table:
    template: Template
    sheet: str
    data: pd.DataFrame
    raw: pd.DataFrame
    rows: np.ndarray
    letters: dict[str, str]
    header_row: int = 1
    #: issues found while reading and typing (date.invalid, number.invalid, choice.invalid...)
    issues: list[Issue] = field(default_factory=list)
    #: each row's identity from the hidden "ID" column (None where it is empty); None when
    #: the sheet has no such column
    ids: np.ndarray | None = None
    #: the sheet column number (1 = A) of the "ID" column, or where one can be added: the
    #: first column right of everything in the header row
    id_column: int = 0

    def __len__(self) -> int:
        return len(self.data)

    def letter(self, key: str) -> str:
        return self.letters.get(key, "")

    def header(self, key: str) -> str:
        return self.template.column(key).header

    def has(self, key: str) -> bool:
        """Whether the sheet has this column (optional columns may be left out)."""
        return key in self.letters

    def decimals(self, key: str) -> list[Decimal | None]:
        """A numeric column as Decimals, for code that is not vectorized."""
        places = SCALE[self.template.column(key).kind]
        quantum = Decimal(1).scaleb(-places)
        return [
            None if pd.isna(v) else (Decimal(int(v)) * quantum).quantize(quantum)
            for v in self.data[key]
        ]
