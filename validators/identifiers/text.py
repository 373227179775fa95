"""What people type into an identifier cell, and the Arrow and numpy tools to read it.

Punctuation (". - /" and spaces, also the dashes and spaces that Word, PDFs and web pages paste)
is ignored, letters are upper-cased (the alphanumeric CNPJ of IN RFB 2.229/2024 may be typed in
lower case). A number exported as text by another program ("2747859517.0") is that number, its
".0" no digit of the identifier. The vectorized helpers work on the bytes of a column's Arrow
buffers, because a consolidated sheet can hold a million rows.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from retaguarda.validators import fields
from retaguarda.validators.arrays import bools, large, utf8_bytes
from retaguarda.validators.arrays import matches as matches
from retaguarda.validators.arrays import scatter as scatter

#: Spaces other programs put in numbers: no-break (Excel, web pages), the typographic spaces
#: U+2000 to U+200A (thin, figure...), narrow no-break (PDFs), zero width, and the BOM.
SPACES = "\xa0" + "".join(map(chr, range(0x2000, 0x200C))) + "\u202f\u205f\u3000\ufeff"
#: Word's autocorrect and PDFs turn "-" into these: hyphen, non-breaking hyphen, figure dash,
#: en dash, em dash, horizontal bar, minus sign.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
#: What `strip()` means here: ASCII whitespace and the spaces above.
WHITESPACE = "\t\n\v\f\r " + SPACES
#: Typed between the characters of an identifier for readability; never part of its value.
PUNCTUATION = WHITESPACE + "./-" + DASHES
#: A number written by a program that prints floats ("2747859517.0") or two decimals in the
#: Brazilian way ("2747859517,00"). Not ".00": a CPF's check digits may be 00, typed after a
#: dot ("123456789.00").
ZERO_FRACTION = "([0-9]+)(?:[.,]0|,00)"


#: Upper case for ASCII letters only, as Arrow's `ascii_upper`: str.upper() would turn "ı"
#: into "I" and let it into an alphanumeric CNPJ.
UPPER_TABLE = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
CLEAN_TABLE = {**UPPER_TABLE, **str.maketrans(dict.fromkeys(map(ord, PUNCTUATION)))}


ZERO_FRACTION_RE = re.compile(ZERO_FRACTION)


def clean(s: str) -> str:
    t = s.strip(WHITESPACE)
    number = ZERO_FRACTION_RE.fullmatch(t)
    return (number.group(1) if number else t).translate(CLEAN_TABLE)


def is_digits(s: str, length: int) -> bool:
    return len(s) == length and s.isascii() and s.isdigit()


# --- vectorized ---------------------------------------------------------------------------


def lengths(array: pa.Array) -> np.ndarray:
    return pc.fill_null(pc.binary_length(array), 0).to_numpy(zero_copy_only=False)


def contains(array: pa.Array, char: str) -> np.ndarray:
    if not (utf8_bytes(array) == ord(char)).any():
        return np.zeros(len(array), dtype=bool)
    return bools(pc.match_substring(array, char))


def strip_chars(array: pa.Array, chars: str) -> pa.Array:
    """`array` without the characters `chars`.

    Arrow's regex replace is ten times slower than its plain replace, so each character is
    replaced on its own, and only when its first byte is in the data at all (which bytes are
    is counted once: the dashes and spaces of other scripts are many, and rare).
    """
    present = np.bincount(utf8_bytes(array), minlength=256) > 0
    for char in chars:
        if present[char.encode()[0]]:
            array = pc.replace_substring(array, char, "")
    return array


class Text:
    """A column ready for the checks: which cells are present, and (computed when asked for)
    their characters cleaned of punctuation and ASCII-upper-cased, as `clean` does."""

    def __init__(self, raw: pa.Array) -> None:
        self.trimmed = without_zero_fraction(pc.utf8_trim(large(raw), characters=WHITESPACE))
        self.size = lengths(self.trimmed)
        self.present = self.size > 0

    @classmethod
    def of(cls, values: pd.Series) -> Text:
        if not pd.api.types.is_string_dtype(values):
            values = as_text(values)
        if getattr(values.dtype, "storage", None) != "pyarrow":
            values = values.astype(pd.StringDtype("pyarrow"))
        array = pa.array(values.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        return cls(array)

    def __len__(self) -> int:
        return len(self.present)

    def subset(self, rows: np.ndarray) -> Text:
        return Text(self.trimmed.take(pa.array(rows)))

    @cached_property
    def clean(self) -> pa.Array:
        return pc.ascii_upper(strip_chars(self.trimmed, PUNCTUATION))

    @cached_property
    def length(self) -> np.ndarray:
        return lengths(self.clean)

    @cached_property
    def digits(self) -> np.ndarray:
        return bools(pc.ascii_is_decimal(self.clean)) | (self.length == 0)

    @cached_property
    def alphanumeric(self) -> np.ndarray:
        return bools(pc.ascii_is_alnum(self.clean)) | (self.length == 0)

    def matrix(self, rows: np.ndarray, width: int) -> np.ndarray:
        """The cleaned bytes of `rows` (ASCII, at most `width` long), left-padded with "0"."""
        picked = pc.ascii_lpad(self.clean.take(pa.array(rows)), width=width, padding="0")
        return utf8_bytes(picked).reshape(len(rows), width)

    def typed(self, shape: str, alphanumeric: bool) -> tuple[np.ndarray, np.ndarray]:
        """The rows typed exactly in `shape` ("#" for a character, anything else as is), and
        their characters: read straight out of the bytes, without the general cleaning."""
        rows = np.flatnonzero(self.size == len(shape))
        picked = self.trimmed if len(rows) == len(self) else self.trimmed.take(pa.array(rows))
        raw = utf8_bytes(picked).reshape(len(rows), len(shape))
        ok = np.ones(len(rows), dtype=bool)
        for i, c in enumerate(shape):
            if c != "#":
                ok &= raw[:, i] == ord(c)
        chars = raw[:, [i for i, c in enumerate(shape) if c == "#"]]
        digits = (chars - ord("0")).max(axis=1, initial=0) < 10
        if alphanumeric:
            # Letters are rare (new CNPJs only), so only the rows with non-digits are looked at.
            others = np.flatnonzero(ok & ~digits)
            some = chars[others]
            some = np.where((some >= ord("a")) & (some <= ord("z")), some - 32, some)
            value = some - ord("0")
            digits[others] = ((value < 10) | (value - (ord("A") - ord("0")) < 26)).all(axis=1)
            chars[others] = some
        ok &= digits
        return rows[ok], chars[ok]


def as_text(values: pd.Series) -> pd.Series:
    """Cells that are not all text, as the user sees them: the float 1.0 is "1" (bank 001, not
    the "10" its printed form would clean to), and 1.5 is "1,5", refused rather than read as
    15."""
    cells = fields.split(values)
    text = fields.to_text(cells)
    at, number = cells.numbers()
    fraction = at[np.floor(number) != number]
    if len(fraction):
        text.iloc[fraction] = text.iloc[fraction].str.replace(".", ",", regex=False)
    return text


def without_zero_fraction(text: pa.Array) -> pa.Array:
    """Cells such as "2747859517.0" as the number they are ("2747859517"). They are found by
    their last bytes first, so that a column without any costs a few vector comparisons."""
    buffers = text.buffers()
    if len(text) == 0 or buffers[2] is None or buffers[2].size == 0:
        return text
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[text.offset : text.offset + len(text) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8)
    end = offsets[1:]
    rows = np.flatnonzero(np.diff(offsets) >= 3)
    rows = rows[data[end[rows] - 1] == ord("0")]
    before = data[end[rows] - 2]
    separator = (before == ord(".")) | (before == ord(","))
    deeper = np.flatnonzero(before == ord("0"))
    deeper = deeper[np.diff(offsets)[rows[deeper]] >= 4]
    separator[deeper] = data[end[rows[deeper]] - 3] == ord(",")
    rows = rows[separator]
    if len(rows) == 0:
        return text
    number = pc.replace_substring_regex(text.take(pa.array(rows)), f"^{ZERO_FRACTION}$", r"\1")
    where = np.arange(len(text))
    where[rows] = len(text) + np.arange(len(rows))
    return pa.concat_arrays([text, number]).take(pa.array(where))


def not_allowed(text: str, alphanumeric: bool, punctuation: str) -> tuple[str, str] | None:
    """The reason (pt, en) naming the first character that is neither punctuation nor allowed:
    "٣" looks like a digit and is not one of 0-9, so the message says which character it is."""
    what = ("letra nem dígito", "neither a letter nor a digit")
    if not alphanumeric:
        what = ("um dígito", "a digit")
    for char in text:
        if char in string.digits or (alphanumeric and char in string.ascii_letters):
            continue
        if char in punctuation:
            continue
        code = f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()
        if char.isascii() and char.isprintable():
            pt = en = f"“{char}”"
        elif char.isprintable():
            pt = en = f"“{char}” ({code})"
        else:  # a control character: named, never copied into a message
            pt, en = f"o caractere {code}", f"the character {code}"
        return f"contém {pt}, que não é {what[0]}", f"contains {en}, which is not {what[1]}"
    return None


def matrix_strings(matrix: np.ndarray) -> pa.Array:
    rows, width = matrix.shape
    offsets = pa.py_buffer(np.arange(rows + 1, dtype=np.int64) * width)
    data = pa.py_buffer(np.ascontiguousarray(matrix, dtype=np.uint8))
    return pa.Array.from_buffers(pa.large_string(), rows, [None, offsets, data])
