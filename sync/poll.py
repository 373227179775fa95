"""The Drive backstop: which registered spreadsheets changed, asked of Drive in one call.

Edits made through the Sheets API, by scripts, IMPORTRANGE or Forms fire no trigger, so no
webhook comes for them. Every `poll_interval` seconds the service asks Drive once
(`files.list`, only the fields `id` and `modifiedTime`, only files modified after the oldest
modifiedTime the store remembers) and queues a sync of each source whose spreadsheet moved
since its last sync. One request per cycle (a page holds 1,000 files) whatever the number of
sources, so the poll stays far inside Drive's quota.

Each sync reads the spreadsheet's modifiedTime once its own writes (ids, marks) are done and
keeps it, so those writes are not taken for an edit; the poll leaves a source alone while its
sync runs. An edit made through the API during a sync is therefore seen only
with the next change of the spreadsheet (an edit in the sheet itself sends its webhook).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from google.auth.transport.requests import AuthorizedSession

from retaguarda.sync.google_api import authorized_session, credentials
from retaguarda.sync.settings import Settings
from retaguarda.sync.sources import GOOGLE
from retaguarda.sync.store.database import Store

#: metadata only (names, times): the poll reads no spreadsheet content through Drive
DRIVE_SCOPE = "https://www.googleapis.com/auth/drive.metadata.readonly"
FILES_URL = "https://www.googleapis.com/drive/v3/files"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
PAGE_SIZE = 1000


class DriveFiles:
    """The two Drive calls the service makes, over an authorized session."""

    def __init__(self, session: AuthorizedSession) -> None:
        self.session = session

    def modified_times(self, since: str | None) -> dict[str, str]:
        """Spreadsheet id -> modifiedTime of the spreadsheets the service account sees,
        modified after `since` (RFC 3339, as Drive gave it) if given."""
        query = f"mimeType = '{SPREADSHEET_MIME}' and trashed = false"
        if since is not None:
            query += f" and modifiedTime > '{since}'"
        params: dict[str, str | int] = {
            "q": query,
            "fields": "nextPageToken,files(id,modifiedTime)",
            "pageSize": PAGE_SIZE,
            "supportsAllDrives": "true",
            "includeItemsFromAllDrives": "true",
        }
        found: dict[str, str] = {}
        while True:
            answer = self.session.get(FILES_URL, params=params, timeout=60)
            answer.raise_for_status()
            page = answer.json()
            found.update({f["id"]: f["modifiedTime"] for f in page.get("files", [])})
            if not page.get("nextPageToken"):
                return found
            params["pageToken"] = page["nextPageToken"]

    def modified_time(self, file_id: str) -> str:
        answer = self.session.get(
            f"{FILES_URL}/{file_id}",
            params={"fields": "modifiedTime", "supportsAllDrives": "true"},
            timeout=60,
        )
        answer.raise_for_status()
        modified: str = answer.json()["modifiedTime"]
        return modified


def drive_files(settings: Settings) -> DriveFiles | None:
    """Drive with the service account's key, read-only on metadata; None without a key."""
    if settings.google_credentials is None:
        return None
    key = credentials(settings.google_credentials).with_scopes([DRIVE_SCOPE])
    return DriveFiles(authorized_session(key, settings.google_api_url))


def poll_drive(
    store: Store,
    modified_times: Callable[[str | None], dict[str, str]],
    *,
    at: datetime,
    not_before: datetime,
) -> list[int]:
    """One cycle: ask Drive what changed, queue a sync of each changed source and remember
    the modifiedTime it was queued for (in one transaction); the ids of the new jobs."""
    known = store.google_modified_times(GOOGLE)
    if not known:
        return []
    seen = [modified for _, modified in known.values()]
    since = None if None in seen else min(s for s in seen if s is not None)
    changed = modified_times(since)
    queued = []
    with store.atomic():
        for spreadsheet, (source_id, _) in known.items():
            now = changed.get(spreadsheet)
            if now is None:
                continue
            # read again now: a sync may have ended (or begun) while Drive was asked
            before, running = store.poll_state(source_id)
            if now == before or running:
                continue
            job = store.request_sync(source_id, reason="poll", at=at, not_before=not_before)
            store.set_modified_time(source_id, now)
            if job is not None:
                queued.append(job)
    return queued
