"""Per-minute request quotas, counted and refused the way the Sheets API does.

Google meters reads and writes separately, per project and per user (the service account),
over one minute; over the limit it answers 429 RESOURCE_EXHAUSTED and the client must back off.
A sliding 60-second window keeps the counting honest at the window's edges.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

from retaguarda.sync.emulator.errors import ApiError

WINDOW_SECONDS = 60.0
METRIC = {"read": "Read requests", "write": "Write requests"}


@dataclass(frozen=True)
class Quota:
    """Limits per minute; Google's defaults. None = unlimited."""

    read_per_minute: int | None = 300
    write_per_minute: int | None = 300
    per_user_per_minute: int | None = 60


class QuotaMeter:
    """Remembers when each request was accepted and refuses the one over a limit."""

    def __init__(self, quota: Quota, clock: Callable[[], float] = time.monotonic) -> None:
        self.quota = quota
        self.clock = clock
        self.accepted: dict[tuple[str, ...], deque[float]] = defaultdict(deque)

    def charge(self, kind: str, project: str, user: str) -> None:
        """Count one `kind` ("read" or "write") request, or raise Google's 429."""
        moment = self.clock()
        project_limit = (
            self.quota.read_per_minute if kind == "read" else self.quota.write_per_minute
        )
        windows = [
            ((kind, project), project_limit, "per minute"),
            ((kind, project, user), self.quota.per_user_per_minute, "per minute per user"),
        ]
        for key, limit, scope in windows:
            accepted = self.accepted[key]
            while accepted and accepted[0] <= moment - WINDOW_SECONDS:
                accepted.popleft()
            if limit is not None and len(accepted) >= limit:
                raise exhausted(kind, scope, project)
        for key, _, _ in windows:
            self.accepted[key].append(moment)


def exhausted(kind: str, scope: str, project: str) -> ApiError:
    metric = METRIC[kind]
    message = (
        f"Quota exceeded for quota metric '{metric}' and limit '{metric} {scope}' of service "
        f"'sheets.googleapis.com' for consumer 'project_number:{project}'."
    )
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "quota_metric": f"sheets.googleapis.com/{kind}_requests",
                "quota_limit": f"{kind.capitalize()}Requests{scope.title().replace(' ', '')}",
                "service": "sheets.googleapis.com",
                "consumer": f"projects/{project}",
            },
        }
    ]
    return ApiError(429, message, details)
