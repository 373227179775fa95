"""The Drive v3 calls gspread and the sync service make about spreadsheets.

Create (a new spreadsheet), get (name, modifiedTime, capabilities.canEdit: what the sync's poll
for changes reads), list by name (gspread's `open(title)`), delete. Drive answers errors with
`errors[]` and no `status`; clients read `code` and `message`.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, request

from retaguarda.sync.emulator.book import Spreadsheet, rfc3339
from retaguarda.sync.emulator.errors import ApiError
from retaguarda.sync.emulator.fields import apply_mask, parse_mask
from retaguarda.sync.emulator.web import authorize, body_json, json_response, state

blueprint = Blueprint("drive", __name__, url_prefix="/drive/v3")

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
DEFAULT_FIELDS = "kind,id,name,mimeType"
NAME_QUERY = re.compile(r"name\s*=\s*(['\"])((?:\\.|(?!\1).)*)\1")


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
        files = [
            file_resource(s)
            for s in state().spreadsheets.values()
            if name is None or s.title == name
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
