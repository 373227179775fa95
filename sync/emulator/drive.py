"""The Drive calls gspread and the sync service make about spreadsheets.

Create (a new spreadsheet), get (name, modifiedTime, capabilities.canEdit: what the sync's poll
for changes reads), list by name (gspread's `open(title)`) or by `modifiedTime > '...'` (the
service's Drive poll; other terms of `q` are ignored: every file is a spreadsheet), copy (with
no comments to copy: nobody comments here), export as CSV/TSV (the first sheet, as Google
exports it), delete, and the Drive v2 upload that gspread's `import_csv` uses
(the spreadsheet becomes one sheet holding the CSV, typed as if entered by hand). Drive answers
errors with `errors[]` and no `status`; clients read `code` and `message`.
"""

from __future__ import annotations

import csv
import io
import re

from flask import Blueprint, Response, request

from retaguarda.sync.emulator.a1 import quote_title
from retaguarda.sync.emulator.book import Spreadsheet, rfc3339
from retaguarda.sync.emulator.errors import ApiError
from retaguarda.sync.emulator.fields import apply_mask, parse_mask
from retaguarda.sync.emulator.reading import value_range
from retaguarda.sync.emulator.web import authorize, body_json, json_response, state
from retaguarda.sync.emulator.writing import write_block

blueprint = Blueprint("drive", __name__, url_prefix="/drive/v3")
upload_blueprint = Blueprint("drive_upload", __name__, url_prefix="/upload/drive/v2")
EXPORT_DELIMITERS = {"text/csv": ",", "text/tab-separated-values": "\t"}

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
DEFAULT_FIELDS = "kind,id,name,mimeType"
NAME_QUERY = re.compile(r"name\s*=\s*(['\"])((?:\\.|(?!\1).)*)\1")
MODIFIED_QUERY = re.compile(r"modifiedTime\s*>\s*'([^']+)'")


class DriveError(ApiError):
    """Drive's error body: `{"error": {"errors": [...], "code", "message"}}`."""

    def __init__(self, code: int, message: str, reason: str) -> None:
        super().__init__(code, message)
        self.reason = reason

    def body(self) -> dict:
        error = {"domain": "global", "reason": self.reason, "message": self.message}
        if self.code == 404:
            error.update(location="fileId", locationType="parameter")
        return {"error": {"errors": [error], "code": self.code, "message": self.message}}


def file_resource(spreadsheet: Spreadsheet) -> dict:
    return {
        "kind": "drive#file",
        "id": spreadsheet.id,
        "name": spreadsheet.title,
        "mimeType": SPREADSHEET_MIME,
        "createdTime": rfc3339(spreadsheet.created),
        "modifiedTime": rfc3339(spreadsheet.modified),
        "trashed": False,
        "capabilities": {
            "canEdit": not spreadsheet.read_only,
            "canComment": True,
            "canDelete": not spreadsheet.read_only,
        },
    }


def find_file(file_id: str, *, write: bool = False) -> Spreadsheet:
    spreadsheet = state().spreadsheets.get(file_id)
    if spreadsheet is None:
        raise DriveError(404, f"File not found: {file_id}.", "notFound")
    if write and spreadsheet.read_only:
        raise DriveError(
            403,
            f"The user does not have sufficient permissions for file {file_id}.",
            "insufficientFilePermissions",
        )
    return spreadsheet


@blueprint.get("/files/<file_id>")
def get_file(file_id: str) -> Response:
    with state().lock:
        authorize("drive", "read", "drive.files.get")
        resource = file_resource(find_file(file_id))
        fields = request.args.get("fields") or DEFAULT_FIELDS
        return json_response(apply_mask(resource, parse_mask(fields)))


@blueprint.get("/files")
def list_files() -> Response:
    with state().lock:
        authorize("drive", "read", "drive.files.list")
        query = request.args.get("q") or ""
        match = NAME_QUERY.search(query)
        name = match.group(2).replace("\\'", "'").replace('\\"', '"') if match else None
        after = MODIFIED_QUERY.search(query)
        files = [
            file_resource(s)
            for s in state().spreadsheets.values()
            if (name is None or s.title == name)
            and (after is None or rfc3339(s.modified) > after.group(1))
        ]
        fields = request.args.get("fields") or f"kind,incompleteSearch,files({DEFAULT_FIELDS})"
        answer = {"kind": "drive#fileList", "incompleteSearch": False, "files": files}
        return json_response(apply_mask(answer, parse_mask(fields)))


@blueprint.post("/files")
def create_file() -> Response:
    with state().lock:
        grant = authorize("drive", "write", "drive.files.create")
        body = body_json()
        if body.get("mimeType") != SPREADSHEET_MIME:
            raise DriveError(
                400, "The emulator only creates Google Sheets spreadsheets.", "badRequest"
            )
        spreadsheet = state().create_file(
            body.get("name") or "Untitled spreadsheet", owner=grant.client_email
        )
        fields = request.args.get("fields") or DEFAULT_FIELDS
        return json_response(apply_mask(file_resource(spreadsheet), parse_mask(fields)))


@blueprint.delete("/files/<file_id>")
def delete_file(file_id: str) -> Response:
    with state().lock:
        authorize("drive", "write", "drive.files.delete")
        find_file(file_id, write=True)
        del state().spreadsheets[file_id]
        return Response(status=204)


@blueprint.post("/files/<file_id>/copy")
def copy_file(file_id: str) -> Response:
    with state().lock:
        grant = authorize("drive", "write", "drive.files.copy")
        source = find_file(file_id)
        name = body_json().get("name") or f"Copy of {source.title}"
        copy = state().copy_file(source, name, owner=grant.client_email)
        fields = request.args.get("fields") or DEFAULT_FIELDS
        return json_response(apply_mask(file_resource(copy), parse_mask(fields)))


@blueprint.get("/files/<file_id>/comments")
def list_comments(file_id: str) -> Response:
    """No one comments in the emulator; gspread's copy asks (copy_comments=True by default)."""
    with state().lock:
        authorize("drive", "read", "drive.comments.list")
        find_file(file_id)
        return json_response({"comments": []})


@blueprint.get("/files/<file_id>/export")
def export_file(file_id: str) -> Response:
    """The first sheet's values as shown, rows padded to the widest, lines ended by CRLF."""
    with state().lock:
        authorize("drive", "read", "drive.files.export")
        spreadsheet = find_file(file_id)
        mime = request.args.get("mimeType") or ""
        if mime not in EXPORT_DELIMITERS:
            raise DriveError(
                400, f"The emulator exports only as {' or '.join(EXPORT_DELIMITERS)}.", "badRequest"
            )
        title = quote_title(spreadsheet.sheets[0].title)
        rows = value_range(spreadsheet, title, "ROWS", "FORMATTED_VALUE", "SERIAL_NUMBER")
        values = rows.get("values", [])
        width = max((len(r) for r in values), default=0)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=EXPORT_DELIMITERS[mime], lineterminator="\r\n")
        writer.writerows([list(r) + [""] * (width - len(r)) for r in values])
        return Response(out.getvalue().removesuffix("\r\n"), content_type=mime)


@upload_blueprint.put("/files/<file_id>")
def import_csv(file_id: str) -> Response:
    """gspread's import_csv: every sheet goes, one sheet named after the file holds the CSV."""
    with state().lock:
        grant = authorize("drive", "write", "drive.files.update")
        spreadsheet = find_file(file_id, write=True)
        text = request.get_data().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        spreadsheet.sheets.clear()
        width = max((len(r) for r in rows), default=0)
        grid = {"rowCount": max(len(rows), 1000), "columnCount": max(width, 26)}
        sheet = spreadsheet.add_sheet({"title": spreadsheet.title, "gridProperties": grid})
        write_block(spreadsheet, sheet, 0, 0, rows, "USER_ENTERED")
        return json_response(file_resource_v2(spreadsheet, grant.client_email))


def file_resource_v2(spreadsheet: Spreadsheet, user: str) -> dict:
    """Drive v2's File resource, the parts a client reads (v2 says `title`, v3 says `name`)."""
    person = {"kind": "drive#user", "displayName": user, "emailAddress": user}
    return {
        "kind": "drive#file",
        "id": spreadsheet.id,
        "title": spreadsheet.title,
        "mimeType": SPREADSHEET_MIME,
        "createdDate": rfc3339(spreadsheet.created),
        "modifiedDate": rfc3339(spreadsheet.modified),
        "ownerNames": [spreadsheet.owner or user],
        "owners": [{**person, "displayName": spreadsheet.owner or user}],
        "lastModifyingUserName": user,
        "lastModifyingUser": person,
        "editable": not spreadsheet.read_only,
        "labels": {"starred": False, "hidden": False, "trashed": False, "restricted": False},
        "capabilities": {"canEdit": not spreadsheet.read_only, "canCopy": True},
        "alternateLink": f"https://docs.google.com/spreadsheets/d/{spreadsheet.id}/edit",
    }
