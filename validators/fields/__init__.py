"""Typed values out of the raw cells of one spreadsheet column: money, numbers, dates, choices.

A column arrives as the reader gives it: python-calamine mixes str, float, int, bool, datetime,
date, time and "" in one column, xlwings gives floats, str, datetimes and None, gspread gives
only str. Parsing such a column cell by cell in Python costs seconds on a big sheet, so every
parser here splits the column by Python type once (`cells`) and then works on whole arrays:
numpy for numbers and dates, pyarrow for text. Text is accepted or refused by the patterns of
`grammar` (RE2 in pyarrow, `re` in the scalar helpers `money` and `date_value`: the same pattern
strings), and the digits of accepted text are then read straight out of the Arrow buffers
(`bytegrid`), so money typed as text never goes through binary float.

Every parser returns a `Parsed`: typed values (scaled integers for decimals, see
`templates.model.SCALE`), which non-empty cells could not be read, which readings are guesses
the user should confirm, and the normalized text of each reading, to offer as a suggestion.

The modules: `numeric` and `amounts` (number columns, one number cell), `dates` and `days`
(date columns and cells, the calendar as tables), `months` (competências), `choices`, `text`
(cells as the user sees them) and `formatting` (the Brazilian way of writing them back).
"""

from retaguarda.validators.fields.amounts import money, to_decimal
from retaguarda.validators.fields.cells import Cells, split
from retaguarda.validators.fields.choices import parse_choice
from retaguarda.validators.fields.dates import date_value, parse_date
from retaguarda.validators.fields.formatting import format_brl, format_date_br, format_decimal_br
from retaguarda.validators.fields.grammar import DATE_PATTERN, MONTH_PATTERN, NUMBER_PATTERN
from retaguarda.validators.fields.months import parse_month
from retaguarda.validators.fields.numeric import parse_decimal, parse_integer
from retaguarda.validators.fields.parsed import Parsed
from retaguarda.validators.fields.text import to_text

__all__ = [
    "DATE_PATTERN",
    "MONTH_PATTERN",
    "NUMBER_PATTERN",
    "Cells",
    "Parsed",
    "date_value",
    "format_brl",
    "format_date_br",
    "format_decimal_br",
    "money",
    "parse_choice",
    "parse_date",
    "parse_decimal",
    "parse_integer",
    "parse_month",
    "split",
    "to_decimal",
    "to_text",
]
