"""What the service needs from the add-in before xlwings is imported.

In server mode xlwings PRO refuses to be imported at all without a licence key, so the service
must be able to start, answer its other routes, and explain the missing key, without touching
`addin.protocol` (which imports xlwings) until a key is there.
"""

from __future__ import annotations

import os
from importlib.metadata import version


class ProtocolError(Exception):
    """A request the add-in cannot answer, with the HTTP status that says why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


NO_LICENCE = (
    "O Excel na Web usa o protocolo de servidor do xlwings PRO, que precisa de uma chave: "
    "defina XLWINGS_LICENSE_KEY antes de iniciar o serviço (noncommercial para uso não "
    "comercial; uma licença paga para uso comercial). Veja docs/excel.md."
)

#: xlwings' Office.js client (`xlwings.runPython`) of the version installed here: the client
#: and the server must speak the same protocol version
XLWINGS_JS_URL = (
    f"https://cdn.jsdelivr.net/gh/xlwings/xlwings@{version('xlwings')}"
    "/xlwingsjs/dist/xlwings.min.js"
)


def require_licence() -> None:
    """Stop a call when no xlwings PRO key was configured; the admin decides which use it is."""
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        raise ProtocolError(NO_LICENCE, 503)
