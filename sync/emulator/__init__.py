"""A local stand-in for the Google Sheets API v4 and the Drive calls gspread makes.

Unmodified gspread and google-auth talk to it over HTTP on loopback, so the Google source of
the sync service (and its tests, and offline development) runs with no access to Google.

Serving it from a command (port known in advance):

    app = create_emulator(seed=Path("workbooks/samples"), key_out=Path("key.json"),
                          base_url="http://127.0.0.1:8089")
    werkzeug.serving.run_simple("127.0.0.1", 8089, app, threaded=True)

In-process (tests), on a port the OS picks: `with serving(app) as base_url: ...`.
Clients: `retaguarda.sync.google_api.gspread_client("key.json", base_url)`.

Formulas are computed on read by the `formulas` engine (compute.py): values.get answers their
result (FORMATTED_VALUE / UNFORMATTED_VALUE) or their text (FORMULA), errors as `#DIV/0!`.
Named and protected ranges are kept and answered as Google does (ranges.py); a named range
works as a range in values calls and in formulas. Merges, sorting, the basic filter, row and
column groups, automatic column widths and copy/cut-paste are layout.py's.

Where it differs from Google, knowingly: the formula engine is Excel's dialect plus HYPERLINK
and REGEXMATCH/EXTRACT/REPLACE (other Google-only functions such as ARRAYFORMULA or QUERY
answer `#NAME?`; an array result shows its first value only); a protected range refuses only
values and cell writes (not row, column or sheet changes), and only on a spreadsheet given
another owner (`set_owner`); inserted or deleted rows and columns move ranges (named,
protected, merges, filter, groups) and formula references, and so do a renamed sheet and a
copied formula, but other formulas do not follow cells moved by cutPaste; a filter's criteria
are kept but hide no row; automatic widths count characters (about 7 pixels each); Drive
exports CSV/TSV only, has no comments or permissions, and its v2 upload answers a short File
resource; other batchUpdate kinds (charts, conditional formats...) are answered 400 naming the
request; automatic number formats follow Google's shape (10 significant digits, the locale's
decimal mark) without its exponent rules, and a formula's result takes no format from the cells
it reads.
"""

from __future__ import annotations

from retaguarda.sync.emulator.app import create_emulator
from retaguarda.sync.emulator.quota import Quota
from retaguarda.sync.emulator.server import serving

__all__ = ["Quota", "create_emulator", "serving"]
