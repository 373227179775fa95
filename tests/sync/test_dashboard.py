"""The dashboard as finance uses it: which team has problems, each finding with a link to its
cell, the rows held and why, the syncs that failed; and a team's reader sees their team only.

Three teams are synced from real workbooks: Matriz from a Google spreadsheet (the Sheets API
emulator, over HTTP) with a wrong amount, Filial Recife from an Excel file with an impossible
date and a sync that later died in the queue, Filial Rio from a clean Excel file. The pages
are read through Flask's test client on both stores, then in Debian's chromium (Playwright)
against the real server.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from test_cli_sync import GOOD, ledger
from test_google_write_back import book, posting
from test_serve import running

from retaguarda.sync import dashboard
from retaguarda.sync.app import create_app
from retaguarda.sync.emulator import create_emulator
from retaguarda.sync.emulator.server import serving
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.google_source import Retry, pull_google
from retaguarda.sync.runner import sync_source
from retaguarda.sync.sources import add_source
from retaguarda.sync.store.database import Store
from retaguarda.sync.users import add_user, set_password
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.validate import Options

OPTIONS = Options(today=date(2026, 11, 25))
NOW = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
#: a spreadsheet id as Google makes them
SPREADSHEET = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
PASSWORD = "planilha conferida 2026"
#: Filial Recife's posting: a valid amount, a date that does not exist
WRONG_DATE = ["31/02/2026", "NF-7", "Aluguel", "4.1.03", "1.1.02", "4.850,00", "", "", ""]
DEAD = "recife.xlsx não pôde ser lido: o arquivo está aberto e bloqueado no Excel."
LEDGER = TEMPLATES["lancamentos"].sheet
#: Debian's chromium (`.ci/run` installs it)
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def google(tmp_path):
    """The Sheets API emulator with Matriz's spreadsheet: two good postings and a wrong one."""
    app = create_emulator(key_out=tmp_path / "key.json", quota=None)
    with serving(app) as base_url:
        state = app.extensions["sheets_emulator"]
        state.add_spreadsheet(
            SPREADSHEET, "Matriz", book(posting(1), posting(2, "12,3,4"), posting(3))
        )
        yield gspread_client(tmp_path / "key.json", base_url)


def fill(store: Store, client, folder: Path) -> None:
    """Three teams' sources synced, a dead job for Filial Recife, and two users."""
    matriz = add_source(store, team="Matriz", google=SPREADSHEET, name="razao-matriz")
    recife = add_source(
        store,
        team="Filial Recife",
        file=ledger(folder / "recife.xlsx", GOOD, WRONG_DATE),
        name="razao-recife",
    )
    rio = add_source(
        store, team="Filial Rio", file=ledger(folder / "rio.xlsx", GOOD), name="razao-rio"
    )
    pull = lambda sid: pull_google(client, sid, Retry(attempts=1))  # noqa: E731
    for source in (matriz, recife, rio):
        sync_source(store, source, OPTIONS, google=pull)
    job = store.request_sync(recife.id, reason="webhook", at=NOW, not_before=NOW)
    claimed = store.claim_job(job, at=NOW, worker="teste:1")
    store.fail_job(claimed, at=NOW, error=DEAD, retry_at=None)
    for name, role, team in (("ana", "admin", None), ("rui", "leitura", "Filial Rio")):
        add_user(store, name, role=role, team=team)
        set_password(store, name, PASSWORD)


def ledger_gid(client) -> int:
    """The ledger sheet's id, as Google (the emulator) says it."""
    return client.open_by_key(SPREADSHEET).worksheet(LEDGER).id


@pytest.fixture
def painel(store, store_url, google, tmp_path):
    fill(store, google, tmp_path)
    return create_app(clock=lambda: NOW, database_url=store_url)


def log_in(client, name: str) -> None:
    html = client.get("/login").get_data(as_text=True)
    (token,) = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    answer = client.post("/login", data={"csrf_token": token, "name": name, "password": PASSWORD})
    assert answer.status_code == 302


def page(client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return text_of(answer.get_data(as_text=True))


def text_of(html: str) -> str:
    """The words a reader sees: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- the pages, through the test client, on both stores ----------------------------------------


def test_a_visitor_is_sent_to_the_login(painel):
    client = painel.test_client()
    for path in ("/", "/pendencias", "/quarentena", "/fila"):
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer.headers["Location"].startswith("/login?next=")


def test_the_home_page_says_which_team_has_problems(painel):
    client = painel.test_client()
    log_in(client, "ana")
    html = client.get("/").get_data(as_text=True)
    cards = re.findall(r'class="time time-(\w+)"[^>]*>\s*<span class="time-nome">([^<]+)', html)
    # worst first: a dead sync, then rows held, then the clean team
    assert cards == [("falhou", "Filial Recife"), ("pendente", "Matriz"), ("ok", "Filial Rio")]
    shown = text_of(html)
    assert "Filial Recife Falhou 1 linha(s) com pendência · 1 sincronização(ões) com falha" in shown
    assert "Matriz Com pendências 1 linha(s) com pendência" in shown
    assert "Filial Rio Em dia nenhuma pendência" in shown
    # Matriz's row: Google Sheets, 2 postings + the chart's 2 accounts in, 1 held
    assert re.search(r"razao-matriz Google Sheets Com pendências \S+ \S+ 4 0 0 1 0", shown)
    assert DEAD in shown


def test_each_finding_links_to_its_cell(painel, google):
    client = painel.test_client()
    log_in(client, "ana")
    html = client.get("/pendencias").get_data(as_text=True)
    links = re.findall(r'<a href="(https://docs\.google\.com/[^"]+)"[^>]*>([^<]+)</a>', html)
    expected = f"https://docs.google.com/spreadsheets/d/{SPREADSHEET}/edit"
    assert links == [(f"{expected}#gid={ledger_gid(google)}&amp;range=F3", "F3")]
    shown = text_of(html)
    assert "Matriz › Lançamentos" in shown
    assert "Valor: “12,3,4” não é um número válido." in shown
    # an Excel file: its name, sheet and cell, no link
    assert "Filial Recife › Lançamentos" in shown
    assert "recife.xlsx › Lançamentos › A3" in shown


def test_before_its_sheets_are_known_the_link_opens_the_spreadsheet(painel, store):
    """A source last synced before the store kept sheet ids (migration 0005) has none yet."""
    (matriz,) = [s for s in store.sources_overview() if s["team"] == "Matriz"]
    store.record_sheets(matriz["id"], {})
    client = painel.test_client()
    log_in(client, "ana")
    html = client.get("/pendencias").get_data(as_text=True)
    link = f"https://docs.google.com/spreadsheets/d/{SPREADSHEET}/edit"
    assert f'<a href="{link}"' in html


def test_findings_come_a_page_at_a_time(painel, monkeypatch):
    monkeypatch.setattr(dashboard, "PAGE", 1)  # one held row per page: Recife's, then Matriz's
    client = painel.test_client()
    log_in(client, "ana")
    first = page(client, "/pendencias")
    assert "Filial Recife › Lançamentos" in first
    assert "Matriz" not in first.split("Sair", 1)[1]
    assert "página 1 próxima →" in first
    second = page(client, "/pendencias?pagina=2")
    assert "Matriz › Lançamentos" in second
    assert "← anterior página 2" in second
    assert "próxima →" not in second


def test_the_quarantine_shows_each_row_as_typed_and_why(painel):
    client = painel.test_client()
    log_in(client, "ana")
    html = client.get("/quarentena").get_data(as_text=True)
    # Recife's amount is good: in reais, right-aligned; its date is the wrong cell, as typed
    assert '<td class="numero">R$ 4.850,00</td>' in html
    assert '<td class="errada">31/02/2026</td>' in html
    # Matriz's wrong amount stays as it was typed
    assert '<td class="numero errada">12,3,4</td>' in html
    shown = text_of(html)
    assert "Filial Recife › Lançamentos" in shown
    assert "Matriz › Lançamentos" in shown


def test_the_queue_shows_dead_letters_and_runs(painel):
    client = painel.test_client()
    log_in(client, "ana")
    shown = page(client, "/fila")
    # the times in Brasília's: NOW is 15:30 UTC
    dead = "Filial Recife razao-recife edição na planilha 1 25/11/2026 12:30 25/11/2026 12:30"
    assert f"{dead} {DEAD}" in shown
    runs = shown.split("Sincronizações recentes", 1)[1]
    assert runs.index("razao-rio") < runs.index("razao-recife") < runs.index("razao-matriz")


def test_a_team_reader_sees_only_their_team(painel):
    client = painel.test_client()
    log_in(client, "rui")
    for path in ("/", "/pendencias", "/quarentena", "/fila"):
        shown = page(client, path)
        assert "Matriz" not in shown
        assert "Recife" not in shown
        assert "12,3,4" not in shown
    assert "Filial Rio Em dia" in page(client, "/")
    # asking for another team by hand shows nothing of it
    for path in ("/", "/pendencias", "/quarentena", "/fila"):
        answer = client.get(f"{path}?time=Matriz")
        assert answer.status_code == 404
        assert "Matriz" not in text_of(answer.get_data(as_text=True))


# --- in a real browser, against the real server ------------------------------------------------


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


def test_in_the_browser(browser, google, tmp_path):
    store_url = f"sqlite:///{tmp_path / 'data' / 'retaguarda.db'}"
    store = Store.open(store_url)
    fill(store, google, tmp_path)
    app = create_app(clock=lambda: NOW, database_url=store_url)
    gid = ledger_gid(google)
    with running(app) as port:
        base = f"http://127.0.0.1:{port}"
        context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="pt-BR")
        opened: list[str] = []

        def google_sheets(route):  # the cell's link, answered here: the test has no internet
            opened.append(route.request.url)
            route.fulfill(status=200, content_type="text/html", body="<h1>Planilha</h1>")

        context.route("https://docs.google.com/**", google_sheets)
        screen = context.new_page()

        # log in as the admin: the home page, worst team first
        screen.goto(f"{base}/")
        assert screen.url.startswith(f"{base}/login")
        screen.fill("#name", "ana")
        screen.fill("#password", PASSWORD)
        screen.click("button[type=submit]")
        screen.wait_for_url(f"{base}/")
        assert screen.locator(".time").first.inner_text().startswith("Filial Recife\nFalhou")
        screen.screenshot(path=str(tmp_path / "inicio.png"), full_page=True)

        # see an issue, and follow its link to the cell
        screen.click("nav >> text=Pendências")
        screen.get_by_text("Valor: “12,3,4” não é um número válido.").wait_for()
        link = screen.get_by_role("link", name="F3")
        expected = f"https://docs.google.com/spreadsheets/d/{SPREADSHEET}/edit#gid={gid}&range=F3"
        assert link.get_attribute("href") == expected
        screen.screenshot(path=str(tmp_path / "pendencias.png"), full_page=True)
        with context.expect_page() as tab:
            link.click()
        tab.value.wait_for_load_state()
        assert tab.value.url == expected
        assert opened == [expected.split("#")[0]]  # the fragment stays in the browser
        tab.value.close()

        screen.click("nav >> text=Quarentena")
        screen.get_by_text("R$ 4.850,00").wait_for()
        screen.screenshot(path=str(tmp_path / "quarentena.png"), full_page=True)
        screen.click("nav >> text=Fila")
        screen.get_by_text(DEAD).wait_for()
        screen.screenshot(path=str(tmp_path / "fila.png"), full_page=True)

        # log out: the pages ask for the login again
        screen.click("text=Sair")
        screen.get_by_text("Você saiu.").wait_for()
        screen.goto(f"{base}/pendencias")
        assert screen.url.startswith(f"{base}/login")

        # Filial Rio's reader: their team only; Matriz's page refused
        screen.fill("#name", "rui")
        screen.fill("#password", PASSWORD)
        screen.click("button[type=submit]")
        screen.get_by_text("Nenhuma pendência").wait_for()
        assert "Matriz" not in screen.inner_text("main")
        answer = screen.goto(f"{base}/pendencias?time=Matriz")
        assert answer.status == 404
        assert "12,3,4" not in screen.content()
        screen.goto(f"{base}/")
        assert [t.strip() for t in screen.locator(".time-nome").all_inner_texts()] == ["Filial Rio"]
        context.close()
    store.close()
