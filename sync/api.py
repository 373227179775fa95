"""`/api/`: the store as JSON, for finance's scripts and BI tools, with its OpenAPI document.

Handlers return pydantic models, which spectree validates and describes: the document at
`/api/docs/openapi.json` is generated from this code (and browsable at `/api/docs/swagger/`),
so it cannot drift from what the API does. Every route needs `Authorization: Bearer <token>`
(`retaguarda users add`); a user with a team sees that team's rows only. Amounts are decimal
strings ("1234.56"), never floats; dates and times ISO 8601.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from flask import Blueprint, Flask, current_app, jsonify
from pydantic import BaseModel, Field
from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree

from retaguarda.addin.reports.catalog import REPORTS
from retaguarda.addin.reports.model import Period, ReportOptions
from retaguarda.addin.reports.report_json import report_json
from retaguarda.sync import heavy
from retaguarda.sync.auth import request_user, token_required, visible_teams
from retaguarda.sync.extensions import store
from retaguarda.sync.store_books import store_report
from retaguarda.templates.catalog import TEMPLATES

api = Blueprint("api", __name__, url_prefix="/api")
api.before_request(token_required())

spec = SpecTree(
    "flask",
    title="Retaguarda",
    version="1",
    path="api/docs",
    mode="strict",
    annotations=True,
    security_schemes=[
        SecurityScheme(name="token", data=SecuritySchemeData(type="http", scheme="bearer")),
    ],
    security={"token": []},
)

Limit = Annotated[int, Field(ge=1, le=500)]
Offset = Annotated[int, Field(ge=0, le=10_000_000)]
Cell = str | int | Decimal | date | datetime | bool | None
#: a name in a query (a source, a template, a state): printable text only, which also keeps
#: a NUL byte, that PostgreSQL refuses in text, from ever reaching the store
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]


class Page(BaseModel):
    limit: Limit = 50
    offset: Offset = 0


class Error(BaseModel):
    error: str


class SourceState(BaseModel):
    id: int
    name: str
    team: str
    kind: str
    location: str
    last_sync: datetime | None
    inserted: int | None
    updated: int | None
    tombstoned: int | None
    quarantined: int | None
    released: int | None
    unchanged: int | None
    pending_events: int
    held_rows: int
    job_state: str | None
    job_error: str | None


class Sources(BaseModel):
    sources: list[SourceState]


class Run(BaseModel):
    id: int
    source: str
    team: str
    started_at: datetime
    finished_at: datetime
    inserted: int
    updated: int
    tombstoned: int
    quarantined: int
    released: int
    unchanged: int
    ids_written: int
    read_only: bool


class RunsQuery(Page):
    source: Name | None = None


class Runs(BaseModel):
    runs: list[Run]


class Event(BaseModel):
    id: int
    source: str
    team: str
    event_id: str
    sheet: str
    range: str
    at: datetime | None
    received_at: datetime
    processed_at: datetime | None
    sync_run: int | None


class EventsQuery(Page):
    pending: bool | None = None


class Events(BaseModel):
    events: list[Event]


class Job(BaseModel):
    id: int
    source: str
    team: str
    reason: str
    state: str
    attempts: int
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    last_error: str | None
    sync_run: int | None


class JobsQuery(Page):
    state: Name | None = None


class Jobs(BaseModel):
    jobs: list[Job]


class HeldIssue(BaseModel):
    code: str
    cell: str | None = None
    message: str
    message_en: str | None = None


class HeldRow(BaseModel):
    id: int
    source: str
    team: str
    template: str
    sheet: str
    sheet_row: int
    row_id: str
    raw: dict[str, Any]
    issues: list[HeldIssue]
    first_seen: datetime
    last_changed: datetime


class HeldQuery(Page):
    template: Name | None = None


class Quarantine(BaseModel):
    rows: list[HeldRow]


#: a month as the reports take it: 2026-03
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class ReportQuery(BaseModel):
    """`from` and `to` are months (2026-01); without them, the months of the entries up to
    `today`. `team` narrows the report to one team (without it: every visible team,
    consolidated). `today` is the day overdue days and the projection count from (the
    service's date unless given). `by` is the cash flow's step."""

    model_config = {"populate_by_name": True}

    start: Month | None = Field(None, alias="from")
    end: Month | None = Field(None, alias="to")
    team: Name | None = None
    today: date | None = None
    by: Literal["day", "week", "month"] = "month"


class ReportOut(BaseModel):
    """A report as `retaguarda report --format json` prints it: the main table's `rows` and
    `totals`, the other tables in `sections`, amounts as decimal strings."""

    report: str
    title: str
    scope: str
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    sections: dict[str, Any] = {}
    notes: list[str] = []
    summary: dict[str, Any] = {}
    charts: list[dict[str, Any]] = []


class TablePage(BaseModel):
    template: str
    columns: list[str]
    rows: list[dict[str, Cell]]
    total: int
    limit: int
    offset: int


@api.get("/sources")
@spec.validate(resp=Response(HTTP_200=Sources, HTTP_401=Error), tags=["fontes"])
def sources() -> Sources:
    """Fontes, com a última sincronização, eventos pendentes e linhas em quarentena."""
    return Sources(sources=store().sources_overview(teams=current_teams()))


@api.get("/runs")
@spec.validate(query=RunsQuery, resp=Response(HTTP_200=Runs, HTTP_401=Error), tags=["sync"])
def runs(query: RunsQuery) -> Runs:
    """Sincronizações, da mais recente para a mais antiga."""
    return Runs(
        runs=store().runs_page(
            teams=current_teams(), source=query.source, limit=query.limit, offset=query.offset
        )
    )


@api.get("/events")
@spec.validate(query=EventsQuery, resp=Response(HTTP_200=Events, HTTP_401=Error), tags=["sync"])
def events(query: EventsQuery) -> Events:
    """Eventos recebidos pelos webhooks; `pending=true`: os ainda não sincronizados."""
    return Events(
        events=store().events_page(
            teams=current_teams(), pending=query.pending, limit=query.limit, offset=query.offset
        )
    )


@api.get("/jobs")
@spec.validate(query=JobsQuery, resp=Response(HTTP_200=Jobs, HTTP_401=Error), tags=["sync"])
def jobs(query: JobsQuery) -> Jobs:
    """Tarefas da fila; `state=dead`: as que esgotaram as tentativas, com o erro."""
    return Jobs(
        jobs=store().jobs_page(
            teams=current_teams(), state=query.state, limit=query.limit, offset=query.offset
        )
    )


@api.get("/quarantine")
@spec.validate(
    query=HeldQuery, resp=Response(HTTP_200=Quarantine, HTTP_401=Error), tags=["pendências"]
)
def held(query: HeldQuery) -> Quarantine:
    """Linhas em quarentena, com as células como foram digitadas e as pendências de cada uma."""
    return Quarantine(
        rows=store().held_page(
            teams=current_teams(), template=query.template, limit=query.limit, offset=query.offset
        )
    )


@api.get("/tables/<template>")
@spec.validate(
    query=Page,
    resp=Response(HTTP_200=TablePage, HTTP_401=Error, HTTP_404=Error),
    tags=["consolidado"],
)
def table(template: str, query: Page) -> TablePage | tuple[Any, int]:
    """As linhas vivas de um modelo (lancamentos, folha...), de todos os times visíveis."""
    if template not in TEMPLATES:
        known = ", ".join(TEMPLATES)
        return jsonify({"error": f"modelo desconhecido: {template} (modelos: {known})"}), 404
    columns, rows, total = store().table_page(
        template, teams=current_teams(), limit=query.limit, offset=query.offset
    )
    return TablePage(
        template=template,
        columns=columns,
        rows=rows,
        total=total,
        limit=query.limit,
        offset=query.offset,
    )


@api.get("/reports/<kind>")
@spec.validate(
    query=ReportQuery,
    resp=Response(
        HTTP_200=ReportOut, HTTP_401=Error, HTTP_404=Error, HTTP_422=Error, HTTP_503=Error
    ),
    tags=["relatórios"],
)
def report(kind: str, query: ReportQuery) -> Any:
    """Um relatório (balancete, dre, balanco, fluxo-de-caixa, aging, folha, estoque) sobre o
    banco consolidado: de todos os times visíveis, com as transferências entre eles
    eliminadas, ou de um (`team`)."""
    if kind not in REPORTS:
        known = ", ".join(REPORTS)
        return jsonify({"error": f"relatório desconhecido: {kind} (relatórios: {known})"}), 404
    teams = current_teams()
    if query.team is not None:
        if teams is not None and query.team not in teams:
            return jsonify({"error": f"time desconhecido: {query.team}"}), 404
        teams = frozenset({query.team})
    period = None
    if query.start or query.end:
        if not (query.start and query.end):
            return jsonify({"error": "informe os dois meses, from e to (ex.: 2026-01)"}), 422
        period = Period.months(_month(query.start), _month(query.end))
        if period.start > period.end:
            return jsonify({"error": "o mês from vem depois do mês to"}), 422
    company = current_app.config["RETAGUARDA"].options()
    options = ReportOptions(
        today=query.today or company.today,
        granularity=query.by,
        local_holidays=company.local_holidays,
    )
    with heavy.slot():
        made = store_report(store(), kind, options, period=period, teams=teams)
    if made is None:
        return jsonify({"error": "nada a relatar: o banco não tem linhas desses times"}), 404
    return jsonify(report_json(made))


def _month(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


def current_teams() -> frozenset[str] | None:
    """The teams the caller may see (None: all)."""
    user = request_user()
    assert user is not None  # token_required let the request in
    return visible_teams(user)


def register(app: Flask) -> None:
    """The blueprint, then the document of its routes (spectree reads the app's routes)."""
    app.register_blueprint(api)
    spec.register(app)
