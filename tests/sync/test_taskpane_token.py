"""The task pane's JavaScript (addin/clients/taskpane.js), run under Node against the real
service on loopback: the user pastes a token once, it is tried and kept, and every button
sends it. Office.js, the page and xlwings' client are small stand-ins; the stand-in for
`xlwings.runPython` sends `auth` as the `Authorization` header, as xlwings' Office.js client
does (`xlwingsjs/src/xlwings.ts`: `headers["Authorization"] = auth`), with a real workbook.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from test_serve import running
from test_xlwings_server import office_js_payload

from retaguarda.sync.app import create_app
from retaguarda.sync.store.database import Store
from retaguarda.sync.users import add_user

ROOT = Path(__file__).parents[2]
TASKPANE = ROOT / "addin" / "clients" / "taskpane.js"
SAMPLE = ROOT / "workbooks" / "samples" / "matriz.xlsx"

HARNESS = r"""
const fs = require("fs");
const vm = require("vm");
const [origin, script, workbookFile] = process.argv.slice(2);
const workbook = fs.readFileSync(workbookFile, "utf8");

function element(id, extra = {}) {
  return Object.assign({ id, textContent: "", value: "", disabled: false, dataset: {},
    handlers: {}, focused: false,
    addEventListener(kind, handler) { this.handlers[kind] = handler; },
    focus() { this.focused = true; } }, extra);
}
const validate = element("validate", { textContent: "Validar",
  dataset: { script: "validate_workbook" } });
const elements = Object.fromEntries(
  ["token-form", "token-forget", "token-state", "token", "status"].map((id) => [id, element(id)]));
const storage = new Map();
const sent = [];
Object.assign(globalThis, {
  window: { location: { origin }, localStorage: {
    getItem: (k) => (storage.has(k) ? storage.get(k) : null),
    setItem: (k, v) => storage.set(k, String(v)),
    removeItem: (k) => storage.delete(k) } },
  document: { getElementById: (id) => elements[id],
    querySelectorAll: (selector) => (selector === "button[data-script]" ? [validate] : []) },
  Office: { onReady: (ready) => ready() },
  xlwings: { async runPython(url, { auth = "" } = {}) {
    const headers = { "Content-Type": "application/json" };
    if (auth.length > 0) headers["Authorization"] = auth;
    const response = await fetch(url, { method: "POST", headers, body: workbook });
    sent.push({ url, authorization: auth, status: response.status });
    if (response.status !== 200) throw new Error(await response.text());
  } },
});
vm.runInThisContext(fs.readFileSync(script, "utf8"), { filename: script });

async function submitToken(token) {
  elements["token"].value = token;
  await elements["token-form"].handlers.submit({ preventDefault() {} });
  return elements["token-state"].textContent;
}
(async () => {
  const steps = {};
  steps.at_start = elements["token-state"].textContent;
  await validate.handlers.click();
  steps.without_token = elements["status"].textContent;
  steps.focused = elements["token"].focused;
  steps.wrong = await submitToken("rg_inventado");
  steps.kept_after_wrong = window.localStorage.getItem("retaguarda.token");
  steps.right = await submitToken(process.env.TOKEN);
  steps.kept = window.localStorage.getItem("retaguarda.token");
  steps.field_after = elements["token"].value;
  await validate.handlers.click();
  steps.after_click = elements["status"].textContent;
  elements["token-forget"].handlers.click();
  steps.forgotten = window.localStorage.getItem("retaguarda.token");
  steps.sent = sent;
  console.log(JSON.stringify(steps));
})().catch((error) => { console.error(error); process.exit(1); });
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_task_pane_keeps_the_pasted_token_and_sends_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'data' / 'retaguarda.db'}"
    store = Store.open(url)
    _user, token = add_user(store, "ana", role="leitura")
    store.close()
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS, encoding="utf-8")
    workbook = tmp_path / "workbook.json"
    workbook.write_text(json.dumps(office_js_payload(SAMPLE)), encoding="utf-8")
    with running(create_app(database_url=url)) as port:
        done = subprocess.run(
            ["node", str(harness), f"http://127.0.0.1:{port}", str(TASKPANE), str(workbook)],
            env={"TOKEN": token, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    steps = json.loads(done.stdout)
    assert steps["at_start"].startswith("Cole o token de acesso")
    assert steps["without_token"] == "Antes, cole o seu token de acesso no campo acima."
    assert steps["focused"] is True
    assert steps["wrong"] == "Token recusado: token de acesso inválido ou revogado."
    assert steps["kept_after_wrong"] is None
    assert steps["right"] == "Token salvo neste computador."
    assert steps["kept"] == token
    assert steps["field_after"] == ""
    assert steps["after_click"] == "Validar: concluído."
    assert steps["forgotten"] is None
    # one macro call, the first button press having been stopped before any request
    assert steps["sent"] == [
        {
            "url": f"http://127.0.0.1:{port}/xlwings/custom-scripts-call/validate_workbook",
            "authorization": f"Bearer {token}",
            "status": 200,
        }
    ]
