"""The Sheets API v4 routes: spreadsheets.get / batchUpdate and the spreadsheets.values family.

Paths are Google's. Colon verbs (`:batchUpdate`, `values:batchGet`, `{range}:append`) are parts
of a path segment, so routes take the segment whole and split the verb off.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from retaguarda.sync.emulator import batch, layout, ranges, writing
from retaguarda.sync.emulator.book import Box, Spreadsheet
from retaguarda.sync.emulator.errors import ApiError, not_found
from retaguarda.sync.emulator.fields import apply_mask, parse_mask
from retaguarda.sync.emulator.reading import grid_data, render_options, value_range
from retaguarda.sync.emulator.web import authorize, body_json, json_response, state

blueprint = Blueprint("sheets", __name__, url_prefix="/v4/spreadsheets")
BATCH_MODULES = (batch, layout, ranges)  # the modules whose @handles register batchUpdate requests


def open_spreadsheet(spreadsheet_id: str, method: str, *, write: bool) -> Spreadsheet:
    authorize("sheets", "write" if write else "read", method)
    return state().find(spreadsheet_id, write=write)


def open_for_writing(spreadsheet_id: str, method: str) -> tuple[Spreadsheet, str]:
    """The spreadsheet and who writes to it (protected ranges refuse some callers)."""
    grant = authorize("sheets", "write", method)
    return state().find(spreadsheet_id, write=True), grant.client_email


@blueprint.get("/<spec>")
def get_spreadsheet(spec: str) -> Response:
    with state().lock:
        spreadsheet = open_spreadsheet(spec, "spreadsheets.get", write=False)
        fields = request.args.get("fields")
        mask = parse_mask(fields) if fields else {}
        include = request.args.get("includeGridData", "false").lower() == "true"
        wants_data = include or "data" in mask.get("sheets", {})
        answer = metadata(spreadsheet, request.args.getlist("ranges"), wants_data)
        return json_response(apply_mask(answer, mask) if mask else answer)


def metadata(spreadsheet: Spreadsheet, ranges: list[str], wants_data: bool) -> dict:
    """spreadsheets.get: with `ranges`, only the sheets they name (and their blocks' data)."""
    answer = spreadsheet.metadata()
    if not ranges and not wants_data:
        return answer
    blocks: dict[int, list[Box]] = {}
    for text in ranges:
        sheet, box = spreadsheet.box(text)
        blocks.setdefault(sheet.sheet_id, []).append(box)
    sheets = []
    for sheet in spreadsheet.sheets:
        if ranges and sheet.sheet_id not in blocks:
            continue
        entry = sheet.entry(spreadsheet.owner)
        if wants_data:
            boxes = blocks.get(sheet.sheet_id) or [Box(0, sheet.row_count, 0, sheet.column_count)]
            entry["data"] = [grid_data(spreadsheet, sheet, box) for box in boxes]
        sheets.append(entry)
    answer["sheets"] = sheets
    return answer


@blueprint.post("/<spec>")
def post_spreadsheet(spec: str) -> Response:
    spreadsheet_id, _, verb = spec.partition(":")
    if verb != "batchUpdate":
        raise not_found()
    with state().lock:
        spreadsheet, caller = open_for_writing(spreadsheet_id, "spreadsheets.batchUpdate")
        return json_response(batch.batch_update(spreadsheet, body_json(), caller=caller))


@blueprint.get("/<spreadsheet_id>/values:batchGet")
def batch_get(spreadsheet_id: str) -> Response:
    with state().lock:
        spreadsheet = open_spreadsheet(spreadsheet_id, "spreadsheets.values.batchGet", write=False)
        options = render_options(request.args)
        answer: dict = {"spreadsheetId": spreadsheet.id}
        ranges = request.args.getlist("ranges")
        if ranges:
            answer["valueRanges"] = [value_range(spreadsheet, r, *options) for r in ranges]
        return json_response(answer)


@blueprint.post("/<spreadsheet_id>/values:batchUpdate")
def batch_update_values(spreadsheet_id: str) -> Response:
    with state().lock:
        spreadsheet, caller = open_for_writing(spreadsheet_id, "spreadsheets.values.batchUpdate")
        body = body_json()
        option = writing.input_option(body.get("valueInputOption"))
        data = body.get("data") or []
        checked = [
            writing.checked_values(item.get("values"), f"data[{index}].values")
            for index, item in enumerate(data)
        ]
        # All or nothing, like Google. One range needs no copy: update() refuses before writing.
        snapshot = spreadsheet.snapshot() if len(data) > 1 else None
        try:
            responses = [
                writing.update(
                    spreadsheet,
                    item.get("range") or "",
                    values,
                    option,
                    item.get("majorDimension") or "ROWS",
                    (body.get("responseValueRenderOption") or "FORMATTED_VALUE")
                    if body.get("includeValuesInResponse")
                    else None,
                    caller=caller,
                )
                for item, values in zip(data, checked, strict=True)
            ]
        except ApiError:
            if snapshot is not None:
                spreadsheet.restore(snapshot)
            raise
        answer = {
            "spreadsheetId": spreadsheet.id,
            "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
            "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
            "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
            "totalUpdatedSheets": len(
                {r["updatedRange"].rpartition("!")[0] for r in responses if "updatedRange" in r}
            ),
            "responses": responses,
        }
        return json_response(answer)


@blueprint.post("/<spreadsheet_id>/values:batchClear")
def batch_clear(spreadsheet_id: str) -> Response:
    with state().lock:
        spreadsheet, caller = open_for_writing(spreadsheet_id, "spreadsheets.values.batchClear")
        ranges = body_json().get("ranges") or []
        snapshot = spreadsheet.snapshot() if len(ranges) > 1 else None
        try:
            cleared = [writing.clear(spreadsheet, text, caller=caller) for text in ranges]
        except ApiError:
            if snapshot is not None:
                spreadsheet.restore(snapshot)
            raise
        return json_response({"spreadsheetId": spreadsheet.id, "clearedRanges": cleared})


@blueprint.get("/<spreadsheet_id>/values/<path:text>")
def get_values(spreadsheet_id: str, text: str) -> Response:
    with state().lock:
        spreadsheet = open_spreadsheet(spreadsheet_id, "spreadsheets.values.get", write=False)
        return json_response(value_range(spreadsheet, text, *render_options(request.args)))


@blueprint.put("/<spreadsheet_id>/values/<path:text>")
def update_values(spreadsheet_id: str, text: str) -> Response:
    with state().lock:
        spreadsheet, caller = open_for_writing(spreadsheet_id, "spreadsheets.values.update")
        body = body_json()
        values = writing.checked_values(body.get("values"), "data.values")
        option = writing.input_option(request.args.get("valueInputOption"))
        answer = writing.update(
            spreadsheet,
            text,
            values,
            option,
            body.get("majorDimension") or "ROWS",
            included_render(),
            caller=caller,
        )
        return json_response(answer)


@blueprint.post("/<spreadsheet_id>/values/<path:text>")
def post_values(spreadsheet_id: str, text: str) -> Response:
    text, _, verb = text.rpartition(":")
    if verb not in ("append", "clear"):
        raise not_found()
    with state().lock:
        spreadsheet, caller = open_for_writing(spreadsheet_id, f"spreadsheets.values.{verb}")
        if verb == "clear":
            cleared = writing.clear(spreadsheet, text, caller=caller)
            return json_response({"spreadsheetId": spreadsheet.id, "clearedRange": cleared})
        body = body_json()
        answer = writing.append(
            spreadsheet,
            text,
            writing.checked_values(body.get("values"), "data.values"),
            writing.input_option(request.args.get("valueInputOption")),
            request.args.get("insertDataOption"),
            body.get("majorDimension") or "ROWS",
            included_render(),
            caller=caller,
        )
        return json_response(answer)


def included_render() -> str | None:
    """The render option of `updatedData`, when the client asked for it."""
    if request.args.get("includeValuesInResponse", "false").lower() != "true":
        return None
    return request.args.get("responseValueRenderOption") or "FORMATTED_VALUE"
