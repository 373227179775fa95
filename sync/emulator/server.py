"""Serving the emulator on loopback from a background thread (tests, and anything in-process).

The port is chosen by the OS when the socket is bound; only then is the base URL known, so
`serving` sets it on the state afterwards, which rewrites the key file's token_uri (key_out)
before any client reads it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

HOST = "127.0.0.1"


class QuietHandler(WSGIRequestHandler):
    """No access log: a 100,000-call test run should not print 100,000 lines."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Run `app` on 127.0.0.1, a free port, threaded; yield its base URL; shut down on exit."""
    server = make_server(HOST, 0, app, threaded=True, request_handler=QuietHandler)
    base_url = f"http://{HOST}:{server.server_port}"
    app.extensions["sheets_emulator"].base_url = base_url
    thread = threading.Thread(target=server.serve_forever, name="sheets-emulator", daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
