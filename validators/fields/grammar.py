"""What a number, a date or a month typed as text looks like: the patterns a cell must fit.

Written for both engines: no \\d or \\s (RE2 and `re` disagree on Unicode), no look-arounds
or back-references (RE2 has none). Cells are stripped before matching. The vectorized readers
match with RE2 in pyarrow, the scalar ones (`money`, `date_value`) with `re`: the same pattern
strings.
"""

from __future__ import annotations

import re
import zoneinfo

#: Excel's pt-BR currency format puts a no-break space after "R$"; copies from the web bring
#: narrow ones, and PDFs thin ones.
_SPACE = "[ \u00a0\u2009\u202f]*"
#: One space between groups of thousands, as bank exports and PDFs write "1 234,56".
_THOUSANDS_SPACE = "[ \u00a0\u2007\u2009\u202f]"

_AMOUNT = (
    "(?:[0-9]+"  # 1234
    "|[1-9][0-9]{0,2}(?:[.][0-9]{3})+(?:,[0-9]+)?"  # 1.234 / 1.234.567,8
    "|[0-9]*,[0-9]+"  # 1234,56 / ,5
    "|[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:[.][0-9]+)?"  # 1,234,567 / 1,234.56
    "|[1-9][0-9]{0,2}(?:" + _THOUSANDS_SPACE + "[0-9]{3})+(?:[,.][0-9]+)?"  # 1 234,56
    "|[0-9]*[.][0-9]+)"  # 1234.56 / .5
)  # fmt: skip
_CURRENCY = "(?:[Rr][$]" + _SPACE + ")?"

#: A number as people type it in Brazil (and as English exports write it): one sign before or
#: after "R$", or parentheses for a negative amount, never both; bank statements also put the
#: sign after the amount ("1.234,56-") or mark it D (debit: negative) or C (credit).
NUMBER_PATTERN = (
    "^(?:(?:[-+]" + _SPACE + ")?" + _CURRENCY + _AMOUNT
    + "|[Rr][$]" + _SPACE + "[-+]" + _SPACE + _AMOUNT
    + "|[(]" + _SPACE + _CURRENCY + _AMOUNT + _SPACE + "[)]"
    + "|" + _CURRENCY + _AMOUNT + _SPACE + "[-+CcDd])$"
)  # fmt: skip

_CLOCK = "(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]+)?)?"
_YEAR = "(?:[0-9]{2}|[0-9]{4})"

#: A date: day first as in Brazil (one separator throughout) or ISO year first; a time of day
#: after the date is allowed and ignored, except that an ISO time with a zone ("Z", "-03:00")
#: moves the date to Brasília's. Digits alone are no date: "2026" or "202603" typed as text
#: would be read as Excel serials of 1905 (a serial is a number cell, read as such).
DATE_PATTERN = (
    "^(?:[0-9]{1,2}(?:/[0-9]{1,2}/|-[0-9]{1,2}-|[.][0-9]{1,2}[.])" + _YEAR
    + "(?: +" + _CLOCK + ")?"
    + "|[0-9]{4}(?:-[0-9]{1,2}-|/[0-9]{1,2}/)[0-9]{1,2}"
    + "(?:[T ]" + _CLOCK + "(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
    + ")$"
)  # fmt: skip
#: An ISO date and time with its zone, to be dated in Brasília.
AWARE_RE = re.compile(
    "([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})[T ]([0-9]{1,2}):([0-9]{2})"
    "(?::([0-9]{2})(?:[.,][0-9]+)?)?(Z|([+-])([0-9]{2}):?([0-9]{2}))"
)
#: Where these companies are: dates of aware timestamps are taken on its clock.
BRASILIA = zoneinfo.ZoneInfo("America/Sao_Paulo")
#: Excel reads two-digit years up to this one as 20xx, the later ones as 19xx.
CENTURY_PIVOT = 29

_MONTH_NAMES = (
    "jan(?:eiro)?|fev(?:ereiro)?|feb|mar(?:[cç]o)?|abr(?:il)?|apr|maio?|may|jun(?:ho)?"
    "|jul(?:ho)?|ago(?:sto)?|aug|set(?:embro)?|sep|out(?:ubro)?|oct|nov(?:embro)?"
    "|dez(?:embro)?|dec"
)

#: A competência: mm/aaaa, aaaa-mm, or a month name ("mar/26", "março de 2026").
MONTH_PATTERN = (
    "(?i)^(?:[0-9]{1,2}[/.-]" + _YEAR
    + "|[0-9]{4}[/-][0-9]{1,2}"
    + "|(?:" + _MONTH_NAMES + ")[.]?(?: *[/.-] *| +(?:de +)?)" + _YEAR + ")$"
)  # fmt: skip

NUMBER_RE = re.compile(NUMBER_PATTERN)
DATE_RE = re.compile(DATE_PATTERN)
DIGIT_RUN = re.compile("[0-9]+")
