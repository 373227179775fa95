"""Columns that take one of a fixed list of values."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from retaguarda.validators.fields.cells import Cells, split
from retaguarda.validators.fields.parsed import Parsed, text_series
from retaguarda.validators.fields.text import cell_texts


def parse_choice(cells: pd.Series | Cells, choices: Sequence[str]) -> Parsed:
    """Match cells to a fixed list ignoring accents, case and spacing ("saida " is "Saída").

    Only distinct texts are compared, so a long column with a short list costs one pass.
    """
    canonical: dict[str, int] = {}
    for i, choice in enumerate(choices):
        key = _fold(choice)
        if canonical.setdefault(key, i) != i:
            raise ValueError(f"choices {choices[canonical[key]]!r} and {choice!r} look the same")
    col = split(cells)
    text = cell_texts(col)
    encoded = pc.dictionary_encode(text)
    distinct = encoded.dictionary.to_pylist()
    lookup = np.array([canonical.get(_fold(s), -1) for s in distinct] + [-1], dtype=np.int64)
    codes = encoded.indices.fill_null(len(distinct)).to_numpy(zero_copy_only=False)
    picked = lookup[codes]
    ok = picked >= 0
    options = pa.array(list(choices) or [""], type=pa.large_string())
    values = options.take(pa.array(np.where(ok, picked, 0), mask=~ok))
    invalid = ~ok & text.is_valid().to_numpy(zero_copy_only=False)
    shown = text_series(values, col.index)
    nothing = np.zeros(col.n, dtype=bool)
    return Parsed(shown, invalid, nothing, shown.copy(), nothing)


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())
