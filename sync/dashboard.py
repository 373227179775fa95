"""The dashboard: the store as finance reads it, in a browser, in Portuguese.

Four pages, each a thin shell over the store's read side (`sync.store.overview`), like the
JSON API: início (every source and the state of its team), pendências (each finding of the
rows held, by team and sheet, with a link that opens the Google Sheet at the cell), quarentena
(each held row with its cells and reasons) and fila (the queue's dead letters and the recent
sync runs). Server-rendered with the service's own CSS: nothing is fetched from elsewhere.

Every page passes the reader's teams to the store (`visible_teams`): a `leitura` user of one
team sees that team's rows only, and asking for another team (`?time=`) answers 404, as for
a team that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, abort, current_app, make_response, render_template, request
from markupsafe import Markup

from retaguarda.addin.reports.catalog import REPORTS
from retaguarda.addin.reports.model import Period, ReportOptions
from retaguarda.addin.reports.report_html import CSS as REPORT_CSS
from retaguarda.addin.reports.report_html import report_body
from retaguarda.sync.auth import BRASILIA, login_required, request_user, visible_teams
from retaguarda.sync.extensions import store
from retaguarda.sync.heavy import heavy
from retaguarda.sync.sources import FILE, FOLDER, GOOGLE
from retaguarda.sync.store_books import store_report
from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.model import Kind
from retaguarda.validators.fields.amounts import money
from retaguarda.validators.fields.formatting import format_brl

dashboard = Blueprint("dashboard", __name__)

#: held rows per page of pendências and quarentena
PAGE = 100
#: a Google Sheet's address; the fragment opens a sheet (gid) at a cell (range)
SHEET_URL = "https://docs.google.com/spreadsheets/d/{id}/edit"

KINDS = {GOOGLE: "Google Sheets", FILE: "Arquivo Excel", FOLDER: "Pasta de arquivos"}
#: why a job was queued
REASONS = {
    "webhook": "edição na planilha",
    "poll": "verificação periódica",
    "manual": "pedido manual",
    "recovery": "retomada",
}
#: the reports by the names the page's menu shows
REPORT_NAMES = {
    "balancete": "Balancete de verificação",
    "dre": "DRE",
    "balanco": "Balanço patrimonial",
    "fluxo-de-caixa": "Fluxo de caixa",
    "aging": "Contas vencidas (aging)",
    "folha": "Folha de pagamento",
    "estoque": "Estoque",
}
assert set(REPORT_NAMES) == set(REPORTS)
JOB_STATES = {
    "queued": "na fila",
    "running": "sincronizando",
    "done": "concluída",
    "dead": "falhou",
}


@dataclass(frozen=True)
class State:
    """How a source (or a team) is doing: a CSS class, a word, and how bad it is."""

    key: str
    label: str
    rank: int


FAILED = State("falhou", "Falhou", 4)
HELD = State("pendente", "Com pendências", 3)
NEVER = State("nunca", "Nunca sincronizada", 2)
WAITING = State("aguardando", "Aguardando sincronização", 1)
OK = State("ok", "Em dia", 0)


def source_state(source: Mapping[str, Any]) -> State:
    """A failed last job first (its data is getting old), then rows held back."""
    if source["job_state"] == "dead":
        return FAILED
    if source["held_rows"]:
        return HELD
    if source["last_sync"] is None:
        return NEVER
    if source["pending_events"] or source["job_state"] in ("queued", "running"):
        return WAITING
    return OK


@dataclass
class Team:
    name: str
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def state(self) -> State:
        return max((s["state"] for s in self.sources), key=lambda s: s.rank, default=OK)

    @property
    def held_rows(self) -> int:
        return sum(s["held_rows"] for s in self.sources)

    @property
    def failed(self) -> int:
        return sum(s["state"] is FAILED for s in self.sources)


@dataclass(frozen=True)
class Finding:
    """One issue of a held row, with where to fix it."""

    row: int
    cell: str | None
    severity: str
    code: str
    message: str
    suggestion: str | None
    #: the Google Sheet opened at the cell (None for an Excel file)
    link: str | None


@dataclass
class SheetFindings:
    team: str
    source: str
    kind: str
    #: the spreadsheet's id, or the file's (or folder's) name
    place: str
    sheet: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def suggested(self) -> bool:
        return any(f.suggestion for f in self.findings)


@dataclass
class HeldGroup:
    """The held rows of one sheet: the template's headers they have, and the rows."""

    team: str
    source: str
    sheet: str
    template: str
    headers: list[str]
    money: frozenset[str]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def style(self, header: str, row: Mapping[str, Any]) -> str:
        """The CSS classes of a cell: amounts right-aligned, the wrong cell marked."""
        classes = ("numero",) if header in self.money else ()
        return " ".join((*classes, "errada") if header in row["wrong"] else classes)


# --- pages ----------------------------------------------------------------------------------


@dashboard.get("/")
@login_required
def index() -> Any:
    teams, chosen = _scope()
    sources = store().sources_overview(teams=teams)
    by_team: dict[str, Team] = {}
    for source in sources:
        source["state"] = source_state(source)
        by_team.setdefault(source["team"], Team(source["team"])).sources.append(source)
    ranked = sorted(by_team.values(), key=lambda t: (-t.state.rank, t.name))
    return render_template("inicio.html", teams=ranked, sources=sources, chosen=chosen)


@dashboard.get("/pendencias")
@login_required
def findings() -> Any:
    teams, chosen = _scope()
    page = _page()
    held = store().held_page(teams=teams, limit=PAGE + 1, offset=(page - 1) * PAGE)
    sheet_ids = store().sheet_ids(teams=teams)
    groups = findings_by_sheet(held[:PAGE], sheet_ids)
    return render_template(
        "pendencias.html",
        groups=groups,
        chosen=chosen,
        page=page,
        more=len(held) > PAGE,
        total=sum(len(g.findings) for g in groups),
    )


@dashboard.get("/quarentena")
@login_required
def held() -> Any:
    teams, chosen = _scope()
    page = _page()
    rows = store().held_page(teams=teams, limit=PAGE + 1, offset=(page - 1) * PAGE)
    return render_template(
        "quarentena.html",
        groups=held_by_sheet(rows[:PAGE]),
        chosen=chosen,
        page=page,
        more=len(rows) > PAGE,
    )


@dashboard.get("/fila")
@login_required
def queue() -> Any:
    teams, chosen = _scope()
    return render_template(
        "fila.html",
        dead=store().jobs_page(teams=teams, state="dead", limit=PAGE),
        runs=store().runs_page(teams=teams, limit=PAGE),
        chosen=chosen,
    )


@dashboard.get("/relatorios")
@login_required
@heavy
def reports() -> Any:
    """A report over the visible teams' consolidated books (or the team of `?time=`), for
    the months asked (`?de=2026-01&ate=2026-03`, as a month field sends them) or, without
    them, the months of the entries up to today."""
    teams, chosen = _scope()
    kind = request.args.get("relatorio", "balancete")
    if kind not in REPORTS:
        kind = "balancete"
    start, end = request.args.get("de", ""), request.args.get("ate", "")
    company = current_app.config["RETAGUARDA"].options()
    options = ReportOptions(today=company.today, local_holidays=company.local_holidays)
    period, problem = _months(start, end)
    made = None
    if problem is None:
        made = store_report(store(), kind, options, period=period, teams=teams)
        if made is None:
            problem = "Ainda não há linhas sincronizadas para este relatório."
        else:  # the fields show the months the report covers
            start, end = f"{made.period.start:%Y-%m}", f"{made.period.end:%Y-%m}"
    return render_template(
        "relatorios.html",
        names=REPORT_NAMES,
        kind=kind,
        start=start,
        end=end,
        chosen=chosen,
        problem=problem,
        report=made,
        body=report_body([made]) if made is not None else None,
        css=Markup(REPORT_CSS),
    )


def _months(start: str, end: str) -> tuple[Period | None, str | None]:
    """The period of two month fields (AAAA-MM), none when both are empty, or what is wrong."""
    if not start and not end:
        return None, None
    try:
        first = datetime.strptime(start or end, "%Y-%m").date()
        last = datetime.strptime(end or start, "%Y-%m").date()
    except ValueError:
        return None, "Mês inválido: use o formato AAAA-MM (ex.: 2026-03)."
    if last < first:
        return None, "O mês final vem antes do inicial."
    return Period.months(first, last), None


# --- shaping what the store gives -----------------------------------------------------------


def findings_by_sheet(
    held: Iterable[Mapping[str, Any]], sheet_ids: Mapping[tuple[int, str], int]
) -> list[SheetFindings]:
    """Each issue of the held rows, grouped by team, source and sheet (the store's order)."""
    groups: dict[tuple[str, str, str], SheetFindings] = {}
    for row in held:
        key = (row["team"], row["source"], row["sheet"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = SheetFindings(
                team=row["team"],
                source=row["source"],
                kind=row["source_kind"],
                place=_place(row["source_kind"], row["source_location"]),
                sheet=row["sheet"],
            )
        sheet_id = sheet_ids.get((row["source_id"], row["sheet"]))
        for issue in row["issues"]:
            cell = issue.get("cell")
            group.findings.append(
                Finding(
                    row=row["sheet_row"],
                    cell=cell,
                    severity=issue.get("severity") or "error",
                    code=issue["code"],
                    message=issue["message"],
                    suggestion=issue.get("suggestion"),
                    link=cell_link(row["source_location"], sheet_id, cell)
                    if row["source_kind"] == GOOGLE
                    else None,
                )
            )
    return list(groups.values())


def cell_link(spreadsheet: str, sheet_id: int | None, cell: str | None) -> str:
    """The Google Sheet opened at a sheet's cell; at its sheet without a cell; the
    spreadsheet alone while the sheet's id is unknown (not yet synced since migration 0005)."""
    url = SHEET_URL.format(id=quote(spreadsheet, safe=""))
    if sheet_id is None:
        return url
    fragment = f"#gid={sheet_id}"
    return f"{url}{fragment}&range={quote(cell)}" if cell else url + fragment


def held_by_sheet(held: Iterable[Mapping[str, Any]]) -> list[HeldGroup]:
    """The held rows grouped by team, source and sheet, each with its template's headers."""
    groups: dict[tuple[str, str, str, str], HeldGroup] = {}
    for row in held:
        key = (row["team"], row["source"], row["sheet"], row["template"])
        group = groups.get(key)
        if group is None:
            template = TEMPLATES.get(row["template"])
            columns = template.columns if template is not None else ()
            group = groups[key] = HeldGroup(
                team=row["team"],
                source=row["source"],
                sheet=row["sheet"],
                template=template.title if template is not None else row["template"],
                headers=[c.header for c in columns],
                money=frozenset(c.header for c in columns if c.kind is Kind.MONEY),
            )
        wrong = {issue.get("column") for issue in row["issues"]}
        group.rows.append(
            {
                "row": row["sheet_row"],
                "cells": {
                    header: _shown(text, header in group.money and header not in wrong)
                    for header, text in row["raw"].items()
                },
                "wrong": wrong,
                "issues": row["issues"],
            }
        )
    for group in groups.values():  # the columns something is in, or wrong in
        shown = {h for r in group.rows for h, text in r["cells"].items() if text} | {
            h for r in group.rows for h in r["wrong"]
        }
        group.headers = [h for h in group.headers if h in shown]
    return list(groups.values())


def _shown(text: str | None, as_money: bool) -> str:
    """A held cell as the page shows it: an amount in reais when it reads as one, anything
    else exactly as it was typed (the wrong cell above all)."""
    if text is None:
        return ""
    if as_money:
        try:
            amount = money(text)
        except ValueError:
            return text
        if amount is not None:
            return format_brl(int(amount.scaleb(2)))
    return text


def _place(kind: str, location: str) -> str:
    return location if kind == GOOGLE else Path(location).name


# --- the reader's scope ---------------------------------------------------------------------


def _scope() -> tuple[frozenset[str] | None, str | None]:
    """The teams this page shows, and the team asked for in `?time=` (if any). A team the
    reader may not see answers 404, as a team that does not exist would."""
    user = request_user()
    assert user is not None  # login_required let the request in
    visible = visible_teams(user)
    wanted = request.args.get("time", "").strip() or None
    if wanted is None:
        return visible, None
    if visible is not None and wanted not in visible:
        message = "Não há nada para mostrar aqui: este time não existe ou não é visível para você."
        abort(make_response(render_template("error.html", status=404, message=message), 404))
    return frozenset({wanted}), wanted


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("pagina", "1")), 100_000))
    except ValueError:
        return 1


# --- how values read on the pages -----------------------------------------------------------


@dashboard.app_template_filter("quando")
def when(moment: datetime | None) -> str:
    """A moment in Brasília time, as Brazil writes it: 03/12/2026 14:05."""
    if moment is None:
        return "—"
    return moment.astimezone(BRASILIA).strftime("%d/%m/%Y %H:%M")


@dashboard.app_template_filter("numero")
def number(value: int | None) -> str:
    """A count with Brazil's thousands separator: 12.345."""
    return "—" if value is None else f"{value:,}".replace(",", ".")


@dashboard.app_template_filter("duracao")
def duration(run: Mapping[str, Any]) -> str:
    seconds = (run["finished_at"] - run["started_at"]).total_seconds()
    return f"{seconds:.1f} s".replace(".", ",") if seconds < 60 else f"{seconds / 60:.0f} min"


@dashboard.app_context_processor
def labels() -> dict[str, Any]:
    return {"KINDS": KINDS, "JOB_STATES": JOB_STATES, "REASONS": REASONS}
