"""The xlwings Server protocol through Flask, with the request bodies xlwings' clients send,
and the token the task pane sends with them (the refusals without one are in test_auth.py)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
import xlwings as xw

from retaguarda.sync.app import create_app

SAMPLES = Path(__file__).parents[2] / "workbooks" / "samples"


@pytest.fixture
def app(addin_token):
    return create_app()


@pytest.fixture
def client(app, signed_client):
    return signed_client(app)


def excel_serial(value: dt.date) -> float:
    """What Office.js' `range.values` gives for a date cell: Excel's serial number."""
    when = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    return (when - dt.datetime(1899, 12, 30)).total_seconds() / 86_400


def office_js_payload(path: Path) -> dict:
    """The body xlwings' Office.js client posts for this workbook: every sheet's values from
    A1 ("" for an empty cell, serials for dates), no pictures or tables, notes supported."""
    workbook = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for sheet in workbook.worksheets:
        values = [
            ["" if v is None else excel_serial(v) if isinstance(v, dt.date) else v for v in row]
            for row in sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        ]
        sheets.append(
            {
                "name": sheet.title,
                "values": values or [[""]],
                "pictures": [],
                "tables": [],
                "notes": [],
            }
        )
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


def cnpj_call(value: object) -> dict:
    """What xlwings' Office.js custom-functions code posts for `=RG_CNPJ_VALIDO(A2)`."""
    return {
        "client": "Office.js",
        "func_name": "RG_CNPJ_VALIDO",
        "args": [[[value]]],
        "caller_address": "[Livro1.xlsx]Planilha1!B2",
        "session_id": "9b1d2f0e",
        "culture_info_name": "pt-BR",
        "date_format": "dd/MM/yyyy",
        "version": xw.__version__,
        "runtime": "1.4",
    }


def test_no_app_is_built_at_import():
    import retaguarda.sync.app as module

    assert not [v for v in vars(module).values() if type(v).__name__ == "Flask"]
    assert create_app() is not create_app()


def test_custom_functions_meta_lists_the_rg_functions(client):
    response = client.get("/xlwings/custom-functions-meta")
    assert response.status_code == 200
    functions = {f["id"]: f for f in response.get_json()["functions"]}
    assert set(functions) == {
        "RG_CNPJ_VALIDO",
        "RG_CPF_VALIDO",
        "RG_FORMATA_CNPJ",
        "RG_FORMATA_CPF",
        "RG_VALOR",
        "RG_DATA",
        "RG_VALIDAR",
        "RG_INSS",
        "RG_IRRF",
    }
    assert [p["name"] for p in functions["RG_VALIDAR"]["parameters"]] == [
        "intervalo",
        "modelo",
        "primeira_celula",
    ]
    assert functions["RG_CPF_VALIDO"]["description"].startswith("VERDADEIRO se o valor é um CPF")


@pytest.mark.parametrize(
    ("value", "expected"), [("11.222.333/0001-81", True), ("11.222.333/0001-82", False)]
)
def test_custom_functions_call_computes_a_cell(client, value, expected):
    response = client.post("/xlwings/custom-functions-call", json=cnpj_call(value))
    assert response.status_code == 200
    assert response.get_json() == {"result": [[expected]]}


def test_custom_functions_call_gives_an_error_text_as_the_cells_value(client):
    body = cnpj_call("R$ 12,3,4") | {"func_name": "RG_VALOR"}
    response = client.post("/xlwings/custom-functions-call", json=body)
    assert response.get_json() == {
        "result": [["Erro: “R$ 12,3,4” não é um número válido (ex.: 1.234,56)."]]
    }


def test_money_goes_back_as_a_number_cell(client):
    body = cnpj_call("R$ 1.234,56") | {"func_name": "RG_VALOR"}
    response = client.post("/xlwings/custom-functions-call", json=body)
    assert response.get_json() == {"result": [[1234.56]]}


def test_a_date_goes_back_as_a_date_cell(client):
    body = cnpj_call("05/03/2026") | {"func_name": "RG_DATA"}
    result = client.post("/xlwings/custom-functions-call", json=body).get_json()["result"]
    assert result == [
        [{"type": "FormattedNumber", "basicValue": 46086.0, "numberFormat": "dd/MM/yyyy"}]
    ]


@pytest.mark.parametrize("name", ["NAO_EXISTE", "is_cnpj", "__class__", "logger"])
def test_only_declared_functions_can_be_called(client, name):
    response = client.post(
        "/xlwings/custom-functions-call", json=cnpj_call("x") | {"func_name": name}
    )
    assert response.status_code == 404
    assert response.get_json() == {"error": f"função desconhecida: {name!r}."}


def test_a_body_that_is_not_json_is_a_400_in_portuguese(client):
    response = client.post(
        "/xlwings/custom-functions-call", data="{oops", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json() == {"error": "o corpo do pedido não é um objeto JSON."}


def test_a_client_of_another_xlwings_version_is_told_so(client):
    body = cnpj_call("11.222.333/0001-81") | {"client": "VBA", "version": "0.30.0"}
    response = client.post("/xlwings/custom-functions-call", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("o xlwings recusou o pedido: xlwings version")


def test_wrong_method_is_json_too(client):
    response = client.get("/xlwings/custom-functions-call")
    assert response.status_code == 405
    assert response.get_json()["error"].startswith("pedido recusado (405)")


def test_validate_workbook_paints_the_offending_cells(client):
    payload = office_js_payload(SAMPLES / "matriz.xlsx")
    names = [sheet["name"] for sheet in payload["sheets"]]
    response = client.post("/xlwings/custom-scripts-call/validate_workbook", json=payload)
    assert response.status_code == 200, response.get_json()
    actions = response.get_json()["actions"]
    painted = {
        (a["sheet_position"], a["start_row"], a["start_column"]): a["args"][0]
        for a in actions
        if a["func"] == "setRangeColor"
    }
    assert painted
    assert set(painted.values()) <= {"#FFC7CE", "#FFEB9C", "#ffc7ce", "#ffeb9c"}
    notes = [a for a in actions if a["func"] == "addNote"]
    assert notes
    assert all(a["args"][1].startswith("Retaguarda:") for a in notes)
    assert {(a["sheet_position"], a["start_row"], a["start_column"]) for a in notes} <= set(painted)
    # the Pendências sheet is (re)written; the workbook's own sheets all still exist
    written = {a["sheet_position"] for a in actions if a["func"] == "setValues"}
    assert written
    assert all(0 <= position < len(names) + 2 for position in written)


def _notes(response) -> list[str]:
    return [a["args"][1] for a in response.get_json()["actions"] if a["func"] == "addNote"]


def test_validate_workbook_applies_the_services_closed_period(monkeypatch, signed_client):
    payload = office_js_payload(SAMPLES / "matriz.xlsx")
    path = "/xlwings/custom-scripts-call/validate_workbook"
    open_books = _notes(signed_client(create_app()).post(path, json=payload))
    assert open_books, "the sample's other planted mistakes get notes"
    assert not any("período já fechado" in note for note in open_books)

    closed = signed_client(create_app(closed_until="2025-12-31")).post(path, json=payload)
    assert any("período já fechado (fechado até 31/12/2025)" in n for n in _notes(closed))

    # the same setting from the environment, as an administrator sets it
    monkeypatch.setenv("RETAGUARDA_CLOSED_UNTIL", "2025-12-31")
    from_env = signed_client(create_app()).post(path, json=payload)
    assert _notes(from_env) == _notes(closed)


def test_unknown_script_is_a_404(client):
    payload = office_js_payload(SAMPLES / "matriz.xlsx")
    for name in ("nao_existe", "xw", "ExcelWorkbook"):
        response = client.post(f"/xlwings/custom-scripts-call/{name}", json=payload)
        assert response.status_code == 404
        assert response.get_json() == {"error": f"macro desconhecida: {name!r}."}


def test_a_payload_that_is_not_a_workbook_is_a_400(client):
    response = client.post("/xlwings/custom-scripts-call/validate_workbook", json={"x": 1})
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("a pasta de trabalho enviada não pôde ser lida")


def test_manifest_points_at_the_public_url_whatever_host_the_request_names():
    client = create_app(public_url="https://retaguarda.example.com/").test_client()
    response = client.get("/addin/manifest.xml", base_url="https://atacante.example.net")
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    text = response.get_data(as_text=True)
    assert (
        '<SourceLocation DefaultValue="https://retaguarda.example.com/addin/taskpane.html"/>'
        in text
    )
    assert "atacante" not in text
    assert "{{" not in text
    root = ElementTree.fromstring(text)
    assert root.tag == "{http://schemas.microsoft.com/office/appforoffice/1.1}OfficeApp"


def test_without_a_public_url_the_manifest_says_what_to_set(client, monkeypatch):
    monkeypatch.delenv("RETAGUARDA_PUBLIC_URL", raising=False)
    response = client.get("/addin/manifest.xml", base_url="https://atacante.example.net")
    assert response.status_code == 503
    assert "RETAGUARDA_PUBLIC_URL" in response.get_data(as_text=True)


def test_taskpane_has_the_five_buttons_and_xlwings_client(client):
    html = client.get("/addin/taskpane.html").get_data(as_text=True)
    for script, label in [
        ("validate_workbook", "Validar"),
        ("clear_marks", "Limpar marcações"),
        ("reconcile", "Conciliar"),
        ("reports", "Relatórios"),
        ("payroll", "Calcular folha"),
    ]:
        assert f'data-script="{script}">{label}</button>' in html
    assert f"xlwings@{xw.__version__}/xlwingsjs/dist/xlwings.min.js" in html
    js = client.get("/addin/taskpane.js")
    assert js.status_code == 200
    assert "/xlwings/custom-scripts-call/" in js.get_data(as_text=True)
    assert client.get("/addin/outro.js").status_code == 404


def test_alert_dialog_is_served_escaped(client):
    response = client.get(
        "/xlwings/alert",
        query_string={"prompt": "<b>x</b>", "title": "Erro", "buttons": "ok", "callback": ""},
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "&lt;b&gt;x&lt;/b&gt;" in text
    assert '<button id="ok"' in text


def test_unknown_xlwings_path_is_json_and_other_pages_are_not(client):
    response = client.get("/xlwings/nada")
    assert response.status_code == 404
    assert response.get_json()["error"].startswith("pedido recusado (404)")
    other = client.get("/nada")
    assert other.status_code == 404
    assert other.get_json() is None


def test_serve_reports_a_bad_setting(monkeypatch):
    from click.testing import CliRunner

    from retaguarda.sync.cli import main

    monkeypatch.setenv("RETAGUARDA_TODAY", "ontem")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 2
    assert "RETAGUARDA_TODAY='ontem'" in result.output


def test_without_a_licence_key_the_service_says_what_to_set(client, monkeypatch):
    """Retaguarda assumes neither noncommercial nor commercial use: the admin sets the key."""
    monkeypatch.delenv("XLWINGS_LICENSE_KEY")
    response = client.post("/xlwings/custom-functions-call", json=cnpj_call("11.222.333/0001-81"))
    assert response.status_code == 503
    assert "XLWINGS_LICENSE_KEY" in response.get_json()["error"]
    response = client.post(
        "/xlwings/custom-scripts-call/validate_workbook",
        json=office_js_payload(SAMPLES / "matriz.xlsx"),
    )
    assert response.status_code == 503


def test_the_service_starts_without_a_licence_key_and_explains(tmp_path, addin_token):
    """In a fresh process, where xlwings PRO would refuse to even be imported."""
    import os
    import subprocess
    import sys

    code = (
        "from retaguarda.sync.app import create_app\n"
        "import os\n"
        "client = create_app().test_client()\n"
        "client.environ_base['HTTP_AUTHORIZATION'] = 'Bearer ' + os.environ['TOKEN']\n"
        "meta = client.get('/xlwings/custom-functions-meta')\n"
        "print(meta.status_code, 'XLWINGS_LICENSE_KEY' in meta.get_json()['error'])\n"
        "print(client.get('/addin/manifest.xml').status_code)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env["RETAGUARDA_PUBLIC_URL"] = "https://retaguarda.example.com"
    env["TOKEN"] = addin_token
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["503", "True", "200"]


def test_the_app_factory_puts_xlwings_in_server_mode(tmp_path, addin_token):
    """As gunicorn starts it (`create_app()`, no XLWINGS_ON_SERVER in the environment): the
    factory turns the mode on, so the functions are served and the macros run."""
    import os
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from retaguarda.sync.app import create_app\n"
        "import os\n"
        "client = create_app().test_client()\n"
        "client.environ_base['HTTP_AUTHORIZATION'] = 'Bearer ' + os.environ['TOKEN']\n"
        "meta = client.get('/xlwings/custom-functions-meta').get_json()\n"
        "call = client.post('/xlwings/custom-functions-call', json=json.load(sys.stdin))\n"
        "print(json.dumps([sorted(f['id'] for f in meta['functions']), call.get_json()]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}
    env["XLWINGS_LICENSE_KEY"] = "noncommercial"
    env["TOKEN"] = addin_token
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(cnpj_call("11.222.333/0001-81")),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    functions, answer = json.loads(done.stdout)
    assert functions == [
        "RG_CNPJ_VALIDO",
        "RG_CPF_VALIDO",
        "RG_DATA",
        "RG_FORMATA_CNPJ",
        "RG_FORMATA_CPF",
        "RG_INSS",
        "RG_IRRF",
        "RG_VALIDAR",
        "RG_VALOR",
    ]
    assert answer == {"result": [[True]]}
