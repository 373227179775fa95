"""A local stand-in for the Google Sheets API v4 and the few Drive v3 calls gspread makes.

Unmodified gspread and google-auth talk to it over HTTP on loopback, so the Google source of
the sync service (and its tests, and offline development) runs with no access to Google.
"""

from __future__ import annotations

from retaguarda.sync.emulator.app import create_emulator
from retaguarda.sync.emulator.quota import Quota
from retaguarda.sync.emulator.server import serving

__all__ = ["Quota", "create_emulator", "serving"]
