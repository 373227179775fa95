"""Cell values as Google stores and shows them: numbers, text, booleans and formula text.

A cell holds a plain Python value (`str`, `int`, `float`, `bool`) or a `Formula`; dates are
serial numbers (days since 1899-12-30, as in Sheets and Excel) whose number format says they are
dates. `USER_ENTERED` input is parsed here like the Sheets UI parses typing, in the spreadsheet's
locale; `FORMATTED_VALUE` output is rendered here with the cell's number format and locale.

Formulas are stored as their text (`Formula`) and computed when read (compute.py): the
`FORMULA` render option answers the text, the others the result.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

EPOCH = datetime(1899, 12, 30)
SAFE_INTEGER = 2**53

DATE_PATTERN = {"pt_BR": "dd/mm/yyyy", "en_US": "m/d/yyyy"}
DATE_TIME_PATTERN = {"pt_BR": "dd/mm/yyyy hh:mm:ss", "en_US": "m/d/yyyy h:mm:ss"}
TIME_PATTERN = "hh:mm:ss"
BOOLEAN_TEXT = {"pt_BR": ("VERDADEIRO", "FALSO")}
SEPARATORS = {"pt_BR": (",", "."), "en_US": (".", ",")}

ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
DATE_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dd|d|hh|h|ss|s|am/pm|AM/PM|\"[^\"]*\"|.", re.I)


class Formula(str):
    """A formula's text, kept apart from a string that merely starts with `=` (RAW input)."""


def normalize_number(value: float) -> int | float:
    """Google has one number type: 7400.0 is answered as 7400, as in its JSON."""
    if type(value) is float and value.is_integer() and abs(value) < SAFE_INTEGER:
        return int(value)
    return value


def serial(value: date | datetime | time | timedelta) -> int | float:
    """The Sheets serial number of a date, date-time, time of day or duration."""
    if isinstance(value, datetime):
        return normalize_number((value - EPOCH) / timedelta(days=1))
    if isinstance(value, date):
        return (value - EPOCH.date()).days
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    return normalize_number(value / timedelta(days=1))


def date_format(value: date | datetime | time | timedelta, locale: str) -> dict:
    """The number format Google gives a cell typed (or imported) as this kind of value."""
    if isinstance(value, datetime):
        return {
            "type": "DATE_TIME",
            "pattern": DATE_TIME_PATTERN.get(locale, "dd/mm/yyyy hh:mm:ss"),
        }
    if isinstance(value, date):
        return {"type": "DATE", "pattern": DATE_PATTERN.get(locale, "dd/mm/yyyy")}
    return {"type": "TIME", "pattern": TIME_PATTERN}


def number_pattern(locale: str) -> re.Pattern[str]:
    decimal, group = SEPARATORS.get(locale, (".", ","))
    d, g = re.escape(decimal), re.escape(group)
    return re.compile(rf"^([+-]?)(\d{{1,3}}(?:{g}\d{{3}})+|\d*)({d}\d+)?(?:[eE]([+-]?\d+))?(%?)$")


def parse_number(text: str, locale: str) -> tuple[int | float, dict | None] | None:
    match = number_pattern(locale).match(text)
    if not match or not (match.group(2) or match.group(3)):
        return None
    sign, whole, fraction, exponent, percent = match.groups()
    group = SEPARATORS.get(locale, (".", ","))[1]
    digits = whole.replace(group, "") + ("." + fraction[1:] if fraction else "")
    number = float(sign + (digits or "0") + (f"e{exponent}" if exponent else ""))
    if percent:
        decimals = len(fraction) - 1 if fraction else 0
        pattern = "0" + ("." + "0" * decimals if decimals else "") + "%"
        return normalize_number(number / 100), {"type": "PERCENT", "pattern": pattern}
    if group in whole:  # typed with thousands separators: Google keeps them in the format
        return normalize_number(number), {
            "type": "NUMBER",
            "pattern": "#,##0.00" if fraction else "#,##0",
        }
    return normalize_number(number), None


def parse_date(text: str, locale: str) -> tuple[int | float, dict] | None:
    iso = ISO_DATE.match(text)
    if iso:
        year, month, day, hour, minute, second = iso.groups()
        date_pattern = "yyyy-mm-dd"
    else:
        slash = SLASH_DATE.match(text)
        if not slash:
            return None
        first, second_part, year, hour, minute, second = slash.groups()
        day, month = (first, second_part) if locale == "pt_BR" else (second_part, first)
        date_pattern = DATE_PATTERN.get(locale, "dd/mm/yyyy")
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
    except ValueError:
        return None
    moment += timedelta(seconds=int(second or 0))
    if hour is None:
        return serial(moment.date()), {"type": "DATE", "pattern": date_pattern}
    return serial(moment), {"type": "DATE_TIME", "pattern": date_pattern + " hh:mm:ss"}


def parse_user_entered(value: object, locale: str) -> tuple[object, dict | None]:
    """What typing `value` into the Sheets UI stores, and the number format it sets (if any)."""
    if not isinstance(value, str):
        return (normalize_number(value) if type(value) is float else value), None
    if value.startswith("'"):
        return value[1:], None
    if value.startswith("=") and len(value) > 1:
        return Formula(value), None
    text = value.strip()
    upper = text.upper()
    true_text, false_text = BOOLEAN_TEXT.get(locale, ("TRUE", "FALSE"))
    if upper in ("TRUE", true_text):
        return True, None
    if upper in ("FALSE", false_text):
        return False, None
    if text and (text[0].isdigit() or text[0] in "+-.,"):
        parsed = parse_number(text, locale) or parse_date(text, locale)
        if parsed:
            return parsed
    return value, None


def format_date(number: float, pattern: str) -> str:
    """Render a serial number with a date/time pattern such as `dd/mm/yyyy hh:mm:ss`."""
    moment = EPOCH + timedelta(days=number)
    moment = (moment + timedelta(microseconds=500_000)).replace(microsecond=0)
    tokens = DATE_TOKEN.findall(pattern)
    out = []
    for index, token in enumerate(tokens):
        low = token.lower()
        if low in ("mm", "m"):
            before = "".join(tokens[:index]).lower().rstrip(": ")
            after = "".join(tokens[index + 1 :]).lower().lstrip(": ")
            is_minute = before.endswith(("h", "hh")) or after.startswith("s")
            part = moment.minute if is_minute else moment.month
            out.append(f"{part:02d}" if low == "mm" else str(part))
        elif low == "yyyy":
            out.append(f"{moment.year:04d}")
        elif low == "yy":
            out.append(f"{moment.year % 100:02d}")
        elif low in ("dd", "d"):
            out.append(f"{moment.day:02d}" if low == "dd" else str(moment.day))
        elif low in ("hh", "h"):
            hour = moment.hour
            if any(t.lower() == "am/pm" for t in tokens):
                hour = hour % 12 or 12
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("ss", "s"):
            out.append(f"{moment.second:02d}" if low == "ss" else str(moment.second))
        elif low == "am/pm":
            out.append("AM" if moment.hour < 12 else "PM")
        elif token.startswith('"'):
            out.append(token[1:-1])
        else:
            out.append(token)
    return "".join(out)


def format_pattern_number(number: float, pattern: str, locale: str) -> str:
    """Render with a number pattern like `#,##0.00`, `0%` or `"R$" #,##0.00` (first section)."""
    section = pattern.split(";")[0]
    core = re.search(r"[#0][#0,]*(?:\.[#0]+)?", section)
    if not core:
        return section.replace('"', "")
    prefix = section[: core.start()].replace('"', "")
    suffix = section[core.end() :].replace('"', "")
    integer_part, _, fraction_part = core.group().partition(".")
    if "%" in section:
        number *= 100
    decimals = len(fraction_part)
    grouped = "," in integer_part
    text = f"{abs(number):{',' if grouped else ''}.{decimals}f}"
    decimal, group = SEPARATORS.get(locale, (".", ","))
    text = text.replace(",", "\0").replace(".", decimal).replace("\0", group)
    sign = "-" if number < 0 and float(text.replace(group, "").replace(decimal, ".")) else ""
    return f"{sign}{prefix}{text}{suffix}"


def format_automatic(number: int | float, locale: str) -> str:
    """Google's automatic format: up to 10 significant digits, the locale's decimal mark."""
    if type(number) is int:
        return str(number)
    text = format(number, ".10g").replace("e", "E")
    decimal = SEPARATORS.get(locale, (".", ","))[0]
    return text.replace(".", decimal) if decimal != "." else text


def format_value(value: object, number_format: dict | None, locale: str) -> object:
    """`FORMATTED_VALUE` of one cell: text as is, numbers and booleans as displayed."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return BOOLEAN_TEXT.get(locale, ("TRUE", "FALSE"))[0 if value else 1]
    if number_format:
        pattern = number_format.get("pattern") or ""
        kind = number_format.get("type")
        if kind in ("DATE", "DATE_TIME", "TIME"):
            return format_date(value, pattern or date_pattern_for(kind, locale))
        if pattern:
            return format_pattern_number(value, pattern, locale)
    return format_automatic(value, locale)


def date_pattern_for(kind: str, locale: str) -> str:
    if kind == "DATE":
        return DATE_PATTERN.get(locale, "dd/mm/yyyy")
    if kind == "DATE_TIME":
        return DATE_TIME_PATTERN.get(locale, "dd/mm/yyyy hh:mm:ss")
    return TIME_PATTERN


def is_date_format(number_format: dict | None) -> bool:
    return bool(number_format) and number_format.get("type") in ("DATE", "DATE_TIME", "TIME")


def extended_value(value: object) -> dict:
    """A cell value as Google's `ExtendedValue` (userEnteredValue, effectiveValue)."""
    if isinstance(value, Formula):
        return {"formulaValue": str(value)}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": value}


def from_extended_value(extended: dict | None) -> object:
    """The cell value an `ExtendedValue` sets; None (empty) when it sets nothing."""
    if not extended:
        return None
    if "formulaValue" in extended:
        return Formula(extended["formulaValue"])
    if "numberValue" in extended:
        return normalize_number(float(extended["numberValue"]))
    if "boolValue" in extended:
        return bool(extended["boolValue"])
    if "stringValue" in extended:
        return extended["stringValue"]
    return None
