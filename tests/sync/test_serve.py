"""The service's front door: what it refuses before doing any work, on the real server.

Body limits are checked on waitress itself, on a free loopback port, with raw HTTP (a client
that declares a huge body, and one that streams it chunked); the rest through Flask's test
client. `retaguarda serve` is started as an administrator starts it, in its own process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

import pytest
import xlwings as xw
from flask import Flask

from retaguarda.sync.app import create_app, wsgi_server

#: the console script, as the administrator runs it
RETAGUARDA = str(Path(sys.executable).with_name("retaguarda"))
LIMIT = 64 * 1024  # bytes: a small limit keeps the tests quick; the code path is the same


def workbook(rows: int, columns: int) -> dict:
    """An xlwings Office.js payload with one sheet of rows × columns cells."""
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": "Livro1.xlsx", "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [
            {
                "name": "Dados",
                "values": [[1] * columns for _ in range(rows)],
                "pictures": [],
                "tables": [],
                "notes": [],
            }
        ],
    }


@contextmanager
def running(app: Flask) -> Iterator[int]:
    """`app` on waitress, on a free loopback port; yields the port."""
    server = wsgi_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        # closed from the server's own loop (a thunk its trigger runs there): closing from
        # this thread races the loop's poll of the sockets being closed
        server.trigger.pull_trigger(lambda: [d.close() for d in list(server._map.values())])
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()


def raw_request(port: int, head: str, body: bytes = b"") -> tuple[int, bytes]:
    """Send exactly these bytes; the status and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    return status, answer.partition(b"\r\n\r\n")[2]


def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(addin_token):
    with running(create_app(max_request_bytes=LIMIT)) as port:
        # 200 MB announced, not one byte sent: the answer must not wait for them
        status, _ = raw_request(
            port,
            "POST /xlwings/custom-functions-call HTTP/1.1\nHost: x\n"
            f"Authorization: Bearer {addin_token}\n"
            "Content-Type: application/json\nContent-Length: 200000000\nConnection: close\n",
        )
    assert status == 413


def test_a_chunked_body_over_the_limit_is_cut_off(addin_token):
    # a chunk that announces 10 MB, streamed up to the limit: the answer must not wait for
    # the rest (sending more than the server reads would only make it reset the connection)
    head = b"a00000\r\n"
    body = head + b"1" * (LIMIT - len(head))
    with running(create_app(max_request_bytes=LIMIT)) as port:
        status, _ = raw_request(
            port,
            "POST /xlwings/custom-functions-call HTTP/1.1\nHost: x\n"
            f"Authorization: Bearer {addin_token}\n"
            "Content-Type: application/json\nTransfer-Encoding: chunked\nConnection: close\n",
            body,
        )
    assert status == 413


def test_a_body_within_the_limit_is_served(addin_token):
    body = json.dumps({"func_name": "nao_existe", "args": []}).encode()
    with running(create_app(max_request_bytes=LIMIT)) as port:
        status, answer = raw_request(
            port,
            "POST /xlwings/custom-functions-call HTTP/1.1\nHost: x\n"
            f"Authorization: Bearer {addin_token}\n"
            f"Content-Type: application/json\nContent-Length: {len(body)}\nConnection: close\n",
            body,
        )
    assert status == 404  # it reached the add-in, which knows no such function
    assert json.loads(answer) == {"error": "função desconhecida: 'nao_existe'."}


def test_flask_refuses_an_oversized_body_in_portuguese_behind_any_server(signed_client):
    """gunicorn does not limit bodies: the application itself does."""
    client = signed_client(create_app(max_request_bytes=LIMIT))
    response = client.post(
        "/xlwings/custom-scripts-call/validate_workbook",
        data=b"x" * (LIMIT + 1),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.get_json() == {
        "error": "pedido recusado (413): o corpo passa do limite de 65.536 bytes "
        "(RETAGUARDA_MAX_REQUEST_BYTES)."
    }


def test_a_workbook_with_too_many_cells_is_refused_before_it_is_read(signed_client):
    client = signed_client(create_app(max_workbook_cells=1000))
    # 40 rows × 30 columns = 1,200 cells, over the 1,000 allowed
    response = client.post("/xlwings/custom-scripts-call/validate_workbook", json=workbook(40, 30))
    assert response.status_code == 413
    message = response.get_json()["error"]
    assert message.startswith("a pasta de trabalho enviada tem 1.2")
    assert "o serviço aceita até 1.000 (RETAGUARDA_MAX_WORKBOOK_CELLS)" in message
    # 30 × 30 = 900 cells: read, validated (no template in it), answered
    fine = client.post("/xlwings/custom-scripts-call/validate_workbook", json=workbook(30, 30))
    assert fine.status_code == 200, fine.get_json()


def test_a_function_call_over_the_cell_limit_is_refused(signed_client):
    client = signed_client(create_app(max_workbook_cells=1000))
    call = {
        "client": "Office.js",
        "version": xw.__version__,
        "func_name": "RG_VALIDAR",
        "args": [[["x"] * 50 for _ in range(50)], [["lancamentos"]]],  # 2,501 cells
    }
    response = client.post("/xlwings/custom-functions-call", json=call)
    assert response.status_code == 413
    assert response.get_json()["error"].startswith(
        "a chamada da função tem 2.501 células; o serviço aceita até 1.000 "
        "(RETAGUARDA_MAX_WORKBOOK_CELLS)"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sheets": "x"}, "sheets"),
        ({"sheets": [1]}, "sheets.0"),
        ({"book": None}, "book"),
        (
            {"sheets": [{"name": "Dados", "values": "abc", "pictures": [], "tables": []}]},
            "sheets.0.values",
        ),
    ],
)
def test_a_workbook_of_the_wrong_shape_is_a_400_naming_the_field(body, field, signed_client):
    client = signed_client(create_app())
    response = client.post(
        "/xlwings/custom-scripts-call/validate_workbook", json=workbook(1, 1) | body
    )
    assert response.status_code == 400
    assert response.get_json() == {
        "error": f"a pasta de trabalho enviada não pôde ser lida: o campo {field} não está no "
        "formato do xlwings."
    }


@pytest.mark.parametrize(
    "path", ["/xlwings/custom-scripts-call/validate_workbook", "/xlwings/custom-functions-call"]
)
def test_json_nested_too_deep_to_parse_is_a_400(path, signed_client):
    client = signed_client(create_app())
    body = "[" * 50_000 + "]" * 50_000  # valid JSON, 100 KB
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "o corpo do pedido não é um objeto JSON."}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_runs_waitress_with_the_manifest_at_its_own_address(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "RETAGUARDA_PUBLIC_URL"}
    process = subprocess.Popen(
        [RETAGUARDA, "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        # what it serves, at its own address, before it starts listening
        assert [process.stdout.readline().strip() for _ in range(3)] == [
            f"painel: {base}/  (usuários: retaguarda users add)",
            f"webhooks do Google Sheets: {base}/webhooks/google-sheets",
            f"manifesto do suplemento: {base}/addin/manifest.xml",
        ]
        manifest = None
        for _ in range(200):  # the line comes just before the server starts listening
            try:
                with urlopen(f"http://127.0.0.1:{port}/addin/manifest.xml", timeout=5) as answer:
                    manifest = answer.read().decode()
                    server = answer.headers["Server"]
                break
            except OSError:
                time.sleep(0.05)
        assert manifest is not None
        assert f'DefaultValue="http://127.0.0.1:{port}/addin/taskpane.html"' in manifest
        assert server == "waitress"
    finally:
        process.terminate()
        process.wait(30)


def test_serve_on_every_interface_needs_the_public_url():
    env = {k: v for k, v in os.environ.items() if k != "RETAGUARDA_PUBLIC_URL"}
    done = subprocess.run(
        [RETAGUARDA, "serve", "--host", "0.0.0.0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "defina RETAGUARDA_PUBLIC_URL" in done.stderr
    assert "Traceback" not in done.stderr
