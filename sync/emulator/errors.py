"""Google's error answers, so that clients comparing codes, statuses and messages see the real ones.

Every Google API answers errors as `{"error": {"code", "message", "status"[, "details"]}}`;
gspread's `APIError` reads exactly those keys.
"""

from __future__ import annotations

from typing import Any

STATUS_BY_CODE = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class ApiError(Exception):
    """An error answered in Google's JSON shape; raised anywhere below a route."""

    def __init__(self, code: int, message: str, details: list[dict] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "status": STATUS_BY_CODE[self.code],
        }
        if self.details:
            error["details"] = self.details
        return {"error": error}


class InvalidRequest(ApiError):
    """A refused batchUpdate request; the caller prefixes `Invalid requests[i].kind: `."""

    def __init__(self, message: str) -> None:
        super().__init__(400, message)


def not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.")


def permission_denied() -> ApiError:
    return ApiError(403, "The caller does not have permission")


def invalid_argument(message: str) -> ApiError:
    return ApiError(400, message)


def invalid_field_value(field: str, proto: str, value: object) -> ApiError:
    """Google's answer to a JSON value of the wrong type, e.g. `"values": "X"`."""
    shown = value if isinstance(value, str) else repr(value)
    message = f"Invalid value at '{field}' ({proto}), \"{shown}\""
    violation = {"field": field, "description": message}
    details = [
        {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [violation]}
    ]
    return ApiError(400, message, details)


def unparsable_range(text: str) -> ApiError:
    return ApiError(400, f"Unable to parse range: {text}")
