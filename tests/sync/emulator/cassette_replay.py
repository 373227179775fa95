"""Replaying gspread's recorded Google exchanges against the emulator (see cassettes/README.md).

Each cassette is replayed on its own, in order, through a real `authorized_session` (so the
Google URLs are rewritten to the emulator exactly as in production). Ids differ between Google
and the emulator, so they are paired as they appear (Drive creates, sheetIds in metadata and
addSheet replies) and mapped in every later request and answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from requests import Session

# Left out as the fixtures' README says: about accounts, not the API.
ACCOUNT_PATHS = ("/comments", "/permissions")
COMPARED_KEYS = (
    "range",
    "majorDimension",
    "values",
    "updatedRange",
    "updatedRows",
    "updatedColumns",
    "updatedCells",
    "clearedRange",
    "clearedRanges",
    "tableRange",
    "replies",
    "valueRanges",
    "updates",
)


class Ids:
    """Recorded id → emulator id: spreadsheet ids (str), sheetIds, protected and named ranges."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.sheets: dict[int, int] = {}
        self.objects: dict[str, dict] = {"protectedRangeId": {}, "namedRangeId": {}}

    def text(self, text: str) -> str:
        for recorded, ours in self.files.items():
            text = text.replace(recorded, ours)
        return text

    def json(self, data: object) -> object:
        if isinstance(data, dict):
            return {
                k: (
                    self.sheets.get(v, v)
                    if k == "sheetId"
                    else self.objects[k].get(v, v)
                    if k in self.objects
                    else self.json(v)
                )
                for k, v in data.items()
            }
        if isinstance(data, list):
            return [self.json(v) for v in data]
        if isinstance(data, str):
            return self.text(data)
        return data

    def learn(self, path: str, recorded: object, ours: object) -> None:
        if not isinstance(recorded, dict) or not isinstance(ours, dict):
            return
        if path.startswith("/drive/v3/files") and "id" in recorded and "id" in ours:
            self.files.setdefault(recorded["id"], ours["id"])
        for theirs, mine in zip(recorded.get("sheets", []), ours.get("sheets", []), strict=False):
            self.pair_sheet(theirs.get("properties", {}), mine.get("properties", {}))
        for theirs, mine in zip(recorded.get("replies", []), ours.get("replies", []), strict=False):
            if "addSheet" in theirs and "addSheet" in mine:
                self.pair_sheet(theirs["addSheet"]["properties"], mine["addSheet"]["properties"])
            for kind, item, key in (
                ("addProtectedRange", "protectedRange", "protectedRangeId"),
                ("addNamedRange", "namedRange", "namedRangeId"),
            ):
                if kind in theirs and kind in mine:
                    recorded_id = theirs[kind][item].get(key)
                    self.objects[key].setdefault(recorded_id, mine[kind][item].get(key))

    def pair_sheet(self, recorded: dict, ours: dict) -> None:
        if "sheetId" in recorded and "sheetId" in ours:
            self.sheets.setdefault(recorded["sheetId"], ours["sheetId"])


def key_paths(data: object, prefix: str = "") -> set[str]:
    """Every key path, list items collapsed to `[]`."""
    paths: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            paths |= key_paths(value, path)
    elif isinstance(data, list):
        for item in data:
            paths |= key_paths(item, prefix + "[]")
    return paths


def replay(cassette: Path, session: Session) -> list[str]:
    """Replay one cassette; return the differences found (empty = the emulator agrees)."""
    return [problem for _, problems in replay_exchanges(cassette, session) for problem in problems]


def replay_exchanges(cassette: Path, session: Session) -> list[tuple[str, list[str]]]:
    """Replay one cassette; one (exchange, differences) pair per exchange compared."""
    interactions = json.loads(cassette.read_text(encoding="utf-8"))["interactions"]
    ids = Ids()
    results = []
    for number, interaction in enumerate(interactions):
        request, response = interaction["request"], interaction["response"]
        path = urlsplit(request["uri"]).path
        if any(part in path for part in ACCOUNT_PATHS):
            continue
        if request["method"] == "GET" and path.startswith("/v4/spreadsheets/"):
            file_id = path.split("/")[3].split(":")[0]
            if file_id != "test" and file_id not in ids.files:
                continue  # a file the recording did not create (another account's)
        body = request["body"]
        if body and body.lstrip().startswith("{"):
            body = json.dumps(ids.json(json.loads(body)))
        answer = session.request(
            request["method"],
            ids.text(request["uri"]),
            data=body.encode() if body else None,
            headers={"Content-Type": "application/json"} if body else {},
        )
        where = f"#{number} {request['method']} {path}"
        problems: list[str] = []
        results.append((where, problems))
        if answer.status_code != response["status"]["code"]:
            problems.append(f"{where}: {answer.status_code} != {response['status']['code']}")
            continue
        text = response["body"]["string"]
        if not text:
            continue
        if not text.lstrip().startswith(("{", "[")):  # the CSV export
            if answer.text != text:
                problems.append(f"{where}: body {answer.text[:80]!r} != {text[:80]!r}")
            continue
        recorded = json.loads(text)
        try:
            ours = answer.json()
        except ValueError:
            problems.append(f"{where}: not JSON: {answer.text[:80]!r}")
            continue
        ids.learn(path, recorded, ours)
        recorded = ids.json(recorded)
        missing = key_paths(recorded) - key_paths(ours)
        if missing:
            problems.append(f"{where}: missing {sorted(missing)}")
        if "error" in recorded:
            for key in ("code", "message", "status"):
                if recorded["error"].get(key) != ours["error"].get(key):
                    problems.append(f"{where}: error {key} {ours['error'].get(key)!r}")
        for key in COMPARED_KEYS:
            if key in recorded and recorded[key] != ours.get(key):
                problems.append(f"{where}: {key} {ours.get(key)!r} != {recorded[key]!r}")
    return results
