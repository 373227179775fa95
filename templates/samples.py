"""Sample team workbooks: plausible Brazilian data with a recorded set of planted mistakes.

Three teams (Matriz, Filial São Paulo, Filial Rio) each get a workbook holding every template
sheet, a few hundred rows of clean data generated from a seed, and then a list of planted
mistakes of every kind the validators find. `planted.json` records where each one was
planted (file, sheet, cell, code), so a test can assert that validation finds each of them
and flags nothing else. Same seed, same files.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from retaguarda.templates.catalog import TEMPLATES
from retaguarda.templates.catalog.plano_de_contas import STARTER_CHART
from retaguarda.templates.reader import column_letter
from retaguarda.templates.render import render_workbook
from retaguarda.validators.identifiers import (
    cnpj_check_digits,
    cpf_check_digits,
    pis_check_digit,
)

#: the closing date the planted `date.closed_period` mistakes are relative to
CLOSED_UNTIL = date(2025, 12, 31)
#: clean data never goes past this day, so that it never becomes `date.future`
LAST_DAY = date(2026, 10, 31)
FIRST_DAY = date(2026, 1, 2)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Team:
    slug: str
    name: str
    city: str
    #: title rows above each sheet's header: real exports have them
    title_rows: tuple[str, ...] = ()


TEAMS = (
    Team("matriz", "Matriz", "Campinas"),
    Team("filial_sao_paulo", "Filial São Paulo", "São Paulo"),
    Team(
        "filial_rio",
        "Filial Rio",
        "Rio de Janeiro",
        (
            "Comercial Retaguarda Ltda. — Filial Rio de Janeiro",
            "Exportado do sistema em 31/10/2026",
        ),
    ),
)

SUPPLIERS = (
    "Papelaria Central Ltda",
    "Distribuidora Alvorada S.A.",
    "Transportadora Rápida Ltda",
    "Embalagens Paulista Ltda",
    "Café Serra Azul Comércio Ltda",
    "Limpa Bem Produtos de Limpeza Ltda",
    "Tecno Informática e Serviços Ltda",
    "Gráfica Nova Era Ltda",
    "Imobiliária Horizonte Ltda",
    "Energia Sul Distribuidora S.A.",
    "Telecom Brasil Conecta S.A.",
    "Contabilidade Exata Ltda",
)
CUSTOMERS = (
    "Mercado Bom Preço Ltda",
    "Padaria Pão Dourado Ltda",
    "Hotel Mar Azul Ltda",
    "Restaurante Sabor Caseiro Ltda",
    "Escola Aprender Mais Ltda",
    "Clínica Vida Saudável Ltda",
    "Construtora Pedra Forte S.A.",
    "Farmácia Popular do Bairro Ltda",
)
PEOPLE = (
    "Ana Paula Ferreira",
    "Bruno Henrique Souza",
    "Carla Regina Oliveira",
    "Diego Martins Costa",
    "Eduarda Lima Santos",
    "Felipe Augusto Rocha",
    "Gabriela Nunes Almeida",
    "Henrique Batista Gomes",
    "Isabela Cristina Araújo",
    "João Victor Ribeiro",
    "Karina Mendes Barbosa",
    "Lucas Gabriel Carvalho",
    "Mariana Teixeira Dias",
    "Nicolas Pereira Moraes",
    "Olívia Cardoso Freitas",
    "Paulo Roberto Correia",
    "Rafaela Castro Pinto",
    "Sérgio Luiz Monteiro",
    "Tatiane Rodrigues Lopes",
    "Vinícius Azevedo Cunha",
)
ROLES = (
    ("Auxiliar administrativo", 1900),
    ("Assistente financeiro", 2800),
    ("Analista contábil", 4600),
    ("Vendedor", 2400),
    ("Estoquista", 2100),
    ("Gerente de loja", 7200),
    ("Coordenador financeiro", 9800),
)
BANKS = ("001", "033", "104", "237", "341", "260", "077")
PRODUCTS = (
    ("CAF-500", "Café torrado e moído 500 g", "0901.21.00", Decimal("14.9000")),
    ("ACU-1KG", "Açúcar cristal 1 kg", "1701.99.00", Decimal("4.3500")),
    ("BIS-200", "Biscoito de polvilho 200 g", "1905.31.00", Decimal("5.1000")),
    ("AGU-15L", "Água mineral sem gás 1,5 L", "2201.10.00", Decimal("2.2000")),
    ("SAB-90", "Sabonete em barra 90 g", "3401.11.90", Decimal("1.7500")),
    ("PAP-4R", "Papel higiênico folha dupla 4 rolos", "4818.10.00", Decimal("6.8000")),
    ("CAD-96", "Caderno universitário 96 folhas", "4820.20.00", Decimal("9.4000")),
    ("SAC-50", "Saco plástico 50 L com 100", "3923.21.90", Decimal("18.6000")),
    ("CAR-USB", "Carregador USB 20 W", "8504.40.10", Decimal("39.0000")),
    ("PEN-64", "Pen drive 64 GB", "8523.51.10", Decimal("32.5000")),
)
WAREHOUSES = ("Depósito Central", "Loja Centro")


@dataclass
class Sheet:
    """The rows of one template sheet, as Python values in the template's column order."""

    template_id: str
    rows: list[list[object]] = field(default_factory=list)

    def index(self, key: str) -> int:
        return TEMPLATES[self.template_id].keys.index(key)


@dataclass(frozen=True)
class Plant:
    template_id: str
    row: int  # 0-based data row
    key: str
    code: str


def write_samples(out_dir: Path | str, *, seed: int = 2026) -> list[Path]:
    """Write one workbook per team and `planted.json`; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    planted: list[dict[str, object]] = []
    for number, team in enumerate(TEAMS):
        rng = random.Random(seed * 31 + number)
        sheets = _clean_sheets(team, rng)
        plants = PLANTERS[team.slug](sheets, rng)
        path = out / f"{team.slug}.xlsx"
        ordered = [sheets[t] for t in TEMPLATES]
        render_workbook(
            path,
            [(TEMPLATES[s.template_id], s.rows) for s in ordered],
            sheet_titles=team.title_rows,
            company=f"Comercial Retaguarda Ltda. — {team.name}",
        )
        header_row = len(team.title_rows) + 1
        for plant in plants:
            template = TEMPLATES[plant.template_id]
            letter = column_letter(template.keys.index(plant.key))
            planted.append(
                {
                    "file": path.name,
                    "sheet": template.sheet,
                    "cell": f"{letter}{header_row + 1 + plant.row}",
                    "code": plant.code,
                }
            )
        written.append(path)
    manifest = out / "planted.json"
    manifest.write_text(
        json.dumps(
            {"seed": seed, "closed_until": CLOSED_UNTIL.isoformat(), "planted": planted},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    written.append(manifest)
    return written


# -- clean data ---------------------------------------------------------------------------


def _cnpj(rng: random.Random, alphanumeric: bool = False) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if alphanumeric else "0123456789"
    root = "".join(rng.choice(alphabet) for _ in range(8))
    first12 = root + "0001"
    return _format_cnpj(first12 + cnpj_check_digits(first12))


def _format_cnpj(v: str) -> str:
    return f"{v[:2]}.{v[2:5]}.{v[5:8]}/{v[8:12]}-{v[12:]}"


def _cpf(rng: random.Random) -> str:
    first9 = "".join(rng.choice("0123456789") for _ in range(9))
    v = first9 + cpf_check_digits(first9)
    if len(set(v)) == 1:
        return _cpf(rng)
    return f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}"


def _pis(rng: random.Random) -> str:
    first10 = "1" + "".join(rng.choice("0123456789") for _ in range(9))
    v = first10 + pis_check_digit(first10)
    return f"{v[:3]}.{v[3:8]}.{v[8:10]}-{v[10]}"


def _day(rng: random.Random, start: date = FIRST_DAY, end: date = LAST_DAY) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randrange(low * 100, high * 100)) / 100).quantize(CENT)


def _clean_sheets(team: Team, rng: random.Random) -> dict[str, Sheet]:
    suppliers = [(name, _cnpj(rng, alphanumeric=i % 5 == 4)) for i, name in enumerate(SUPPLIERS)]
    customers = [(name, _cnpj(rng)) for name in CUSTOMERS] + [
        (name, _cpf(rng)) for name in PEOPLE[:4]
    ]
    sheets = {t: Sheet(t) for t in TEMPLATES}
    sheets["plano_de_contas"].rows = [list(row) for row in STARTER_CHART]
    sheets["lancamentos"].rows = _ledger(rng, suppliers, customers)
    sheets["contas_a_pagar"].rows = _bills(rng, suppliers, "AP", ("2.1.01",))
    sheets["contas_a_receber"].rows = _bills(rng, customers, "AR", ("1.1.04",))
    sheets["folha"].rows = _payroll(rng)
    movements = _movements(rng)
    sheets["estoque_movimentos"].rows = movements
    sheets["estoque_contagem"].rows = _counts(rng, movements)
    sheets["extrato"].rows = _statement(rng, suppliers, customers)
    return sheets


LEDGER_OPERATIONS = (
    ("Venda de mercadorias conforme NF", "1.1.04", "3.1.01", 300, 9000, "customer"),
    ("Recebimento de cliente", "1.1.02", "1.1.04", 300, 9000, "customer"),
    ("Compra de mercadorias conforme NF", "1.1.05", "2.1.01", 500, 15000, "supplier"),
    ("Pagamento a fornecedor", "2.1.01", "1.1.02", 500, 15000, "supplier"),
    ("Aluguel do mês", "4.1.03", "1.1.02", 4500, 6500, "supplier"),
    ("Conta de energia elétrica", "4.1.04", "1.1.02", 600, 1800, "supplier"),
    ("Tarifa bancária", "4.1.05", "1.1.02", 20, 120, None),
    ("Salários do mês", "4.1.01", "2.1.02", 30000, 60000, None),
    ("Suprimento de caixa", "1.1.01", "1.1.02", 200, 1500, None),
    ("Rendimento de aplicação financeira", "1.1.03", "3.2.01", 50, 900, None),
)


def _ledger(rng: random.Random, suppliers: list, customers: list) -> list[list[object]]:
    rows = []
    for n in range(300):
        text, debit, credit, low, high, party = rng.choice(LEDGER_OPERATIONS)
        counterpart = ""
        if party == "customer":
            name, counterpart = rng.choice(customers)
            text = f"{text} {rng.randrange(1000, 99999)} - {name}"
        elif party == "supplier":
            name, counterpart = rng.choice(suppliers)
            text = f"{text} - {name}"
        rows.append(
            [
                _day(rng),
                f"LC-{n + 1:05d}",
                text,
                debit,
                credit,
                _money(rng, low, high),
                rng.choice(("Comercial", "Administrativo", "Logística", None)),
                counterpart or None,
                None,
            ]
        )
    rows.sort(key=lambda r: r[0])
    return rows


def _bills(
    rng: random.Random, parties: list, prefix: str, accounts: tuple[str, ...]
) -> list[list[object]]:
    rows = []
    for n in range(120):
        name, tax_id = rng.choice(parties)
        issued = _day(rng, FIRST_DAY, LAST_DAY - timedelta(days=40))
        due = issued + timedelta(days=rng.choice((14, 28, 30, 45)))
        value = _money(rng, 150, 12000)
        settled = due + timedelta(days=rng.randrange(-5, 4))
        paid = settled <= LAST_DAY and rng.random() < 0.7
        partial = paid and rng.random() < 0.1
        rows.append(
            [
                name,
                tax_id,
                f"{prefix}-{rng.randrange(10, 99)}{n + 1:04d}",
                issued,
                due,
                value,
                settled if paid else None,
                (value * Decimal("0.5")).quantize(CENT) if partial else (value if paid else None),
                rng.choice(("PIX", "Boleto", "TED")) if paid else None,
                accounts[0],
                rng.choice(("Comercial", "Administrativo", None)),
            ]
        )
    return rows


# 2026 INSS brackets and IRRF table with the Lei 15.270/2025 reduction, for plausible payroll
# figures only; the payroll rules (and their tax tables as data) are their own module.
INSS_2026 = (
    (Decimal("1621.00"), Decimal("0.075")),
    (Decimal("2902.84"), Decimal("0.09")),
    (Decimal("4354.27"), Decimal("0.12")),
    (Decimal("8475.55"), Decimal("0.14")),
)
IRRF_TABLE = (
    (Decimal("2428.80"), Decimal("0"), Decimal("0")),
    (Decimal("2826.65"), Decimal("0.075"), Decimal("182.16")),
    (Decimal("3751.05"), Decimal("0.15"), Decimal("394.16")),
    (Decimal("4664.68"), Decimal("0.225"), Decimal("675.49")),
    (None, Decimal("0.275"), Decimal("908.73")),
)


def _inss(gross: Decimal) -> Decimal:
    total, lower = Decimal(0), Decimal(0)
    for ceiling, rate in INSS_2026:
        if gross > lower:
            total += (min(gross, ceiling) - lower) * rate
        lower = ceiling
    return total.quantize(CENT, ROUND_HALF_UP)


def _irrf(gross: Decimal, inss: Decimal, dependents: int) -> Decimal:
    if gross <= Decimal("5000.00"):
        return Decimal("0.00")
    base = gross - inss - Decimal("189.59") * dependents
    tax = Decimal(0)
    for ceiling, rate, deduction in IRRF_TABLE:
        if ceiling is None or base <= ceiling:
            tax = base * rate - deduction
            break
    if gross <= Decimal("7350.00"):
        tax -= Decimal("978.62") - Decimal("0.133145") * gross
    return max(tax, Decimal(0)).quantize(CENT, ROUND_HALF_UP)


def _payroll(rng: random.Random) -> list[list[object]]:
    employees = []
    for n, name in enumerate(rng.sample(PEOPLE, 15)):
        role, salary = rng.choice(ROLES)
        cpf = _cpf(rng)
        pix_kind = n % 4
        first = name.split()[0].lower().replace("í", "i").replace("é", "e").replace("ó", "o")
        pix = (
            cpf,
            f"{first}.{n}@exemplo.com.br",
            f"+55{rng.choice((11, 21, 19))}9{rng.randrange(10000000, 99999999)}",
            f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-"
            f"a{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}",
        )[pix_kind]
        employees.append(
            (
                f"{1001 + n}",
                name,
                cpf,
                _pis(rng),
                role,
                _day(rng, date(2016, 1, 4), date(2025, 11, 28)),
                Decimal(salary + rng.randrange(0, 12) * 50),
                rng.randrange(0, 3),
                rng.choice(BANKS),
                f"{rng.randrange(1, 9999):04d}",
                f"{rng.randrange(10000, 999999)}-{rng.randrange(10)}",
                pix,
            )
        )
    rows = []
    for month in (8, 9, 10):
        for (
            matricula,
            name,
            cpf,
            pis,
            role,
            hired,
            salary,
            deps,
            bank,
            branch,
            acct,
            pix,
        ) in employees:
            overtime = Decimal(rng.choice((0, 0, 0, 2, 4, 6)))
            hour = salary / 220
            gross = (salary + overtime * hour * Decimal("1.5")).quantize(CENT, ROUND_HALF_UP)
            transit = (
                (salary * Decimal("0.06")).quantize(CENT, ROUND_HALF_UP)
                if rng.random() < 0.5
                else Decimal("0.00")
            )
            inss = _inss(gross)
            irrf = _irrf(gross, inss, deps)
            fgts = (gross * Decimal("0.08")).quantize(CENT, ROUND_HALF_UP)
            rows.append(
                [
                    date(2026, month, 1),
                    matricula,
                    name,
                    cpf,
                    pis,
                    role,
                    hired,
                    salary.quantize(CENT),
                    overtime,
                    Decimal(0),
                    Decimal(0),
                    deps,
                    transit,
                    Decimal("0.00"),
                    inss,
                    irrf,
                    fgts,
                    gross - inss - irrf - transit,
                    bank,
                    branch,
                    acct,
                    pix,
                ]
            )
    return rows


def _movements(rng: random.Random) -> list[list[object]]:
    rows = []
    for sku, product, ncm, cost in PRODUCTS:
        for warehouse in WAREHOUSES:
            balance = Decimal(0)
            when = FIRST_DAY + timedelta(days=rng.randrange(0, 20))
            for step in range(10):
                if step == 0 or balance < 20 or rng.random() < 0.3:
                    kind, quantity = "Entrada", Decimal(rng.randrange(40, 200))
                    balance += quantity
                elif rng.random() < 0.1:
                    quantity = Decimal(-rng.randrange(1, 3))
                    kind = "Ajuste"
                    balance += quantity
                else:
                    kind, quantity = "Saída", Decimal(rng.randrange(1, int(balance) // 2 + 1))
                    balance -= quantity
                rows.append(
                    [
                        when,
                        sku,
                        product,
                        ncm,
                        kind,
                        quantity,
                        cost if kind == "Entrada" else None,
                        warehouse,
                        f"NF-{rng.randrange(100000, 999999)}" if kind != "Ajuste" else "INV-AJ",
                    ]
                )
                when = min(when + timedelta(days=rng.randrange(5, 30)), LAST_DAY)
    rows.sort(key=lambda r: r[0])
    return rows


def _counts(rng: random.Random, movements: list[list[object]]) -> list[list[object]]:
    balances: dict[tuple[str, str], Decimal] = {}
    for row in movements:
        sign = -1 if row[4] == "Saída" else 1
        key = (str(row[1]), str(row[7]))
        balances[key] = balances.get(key, Decimal(0)) + sign * Decimal(str(row[5]))
    counter = rng.choice(PEOPLE)
    return [
        [LAST_DAY, sku, warehouse, max(quantity - rng.choice((0, 0, 0, 1)), Decimal(0)), counter]
        for (sku, warehouse), quantity in sorted(balances.items())
    ]


def _statement(rng: random.Random, suppliers: list, customers: list) -> list[list[object]]:
    balance = _money(rng, 20000, 60000)
    rows = []
    when = FIRST_DAY
    for n in range(150):
        when = min(when + timedelta(days=rng.randrange(0, 3)), LAST_DAY)
        roll = rng.random()
        if roll < 0.45:
            value = _money(rng, 300, 9000)
            text = f"PIX RECEBIDO - {rng.choice(customers)[0].upper()}"
        elif roll < 0.8:
            value = -_money(rng, 300, 6000)
            text = f"PAGAMENTO BOLETO - {rng.choice(suppliers)[0].upper()}"
        elif roll < 0.9:
            value = -_money(rng, 1000, 8000)
            text = f"TED ENVIADA - {rng.choice(suppliers)[0].upper()}"
        else:
            value = -_money(rng, 5, 60)
            text = "TARIFA BANCARIA PACOTE SERVICOS"
        balance += value
        rows.append([when, text, f"{n + 1:06d}", value, balance, "341", "12345-6"])
    return rows


# -- planted mistakes ---------------------------------------------------------------------


def _set(
    sheets: dict[str, Sheet],
    plants: list[Plant],
    template_id: str,
    row: int,
    key: str,
    value: object,
    *codes: str,
) -> None:
    sheet = sheets[template_id]
    sheet.rows[row][sheet.index(key)] = value
    plants.extend(Plant(template_id, row, key, code) for code in codes)


def _open_bill(sheets: dict[str, Sheet], template_id: str, start: int) -> int:
    """The first bill from `start` that is not settled (so planting touches nothing else)."""
    sheet = sheets[template_id]
    paid = sheet.index("liquidado_em")
    return next(i for i in range(start, len(sheet.rows)) if sheet.rows[i][paid] is None)


def _settled_bill(sheets: dict[str, Sheet], template_id: str, start: int) -> int:
    sheet = sheets[template_id]
    paid = sheet.index("liquidado_em")
    return next(i for i in range(start, len(sheet.rows)) if sheet.rows[i][paid] is not None)


def _overpay(
    sheets: dict[str, Sheet],
    p: list[Plant],
    template_id: str,
    start: int,
    extra: Decimal,
    code: str,
) -> None:
    """Settle a bill for more than it is worth: paid `extra` above its value."""
    bill = _settled_bill(sheets, template_id, start)
    sheet = sheets[template_id]
    due = sheet.rows[bill][sheet.index("valor")]
    _set(sheets, p, template_id, bill, "valor_liquidado", due + extra, code)


def _plant_matriz(sheets: dict[str, Sheet], rng: random.Random) -> list[Plant]:
    p: list[Plant] = []
    _set(sheets, p, "lancamentos", 10, "valor", "1.234,5O", "number.invalid")  # letter O
    _set(sheets, p, "lancamentos", 20, "conta_debito", "1.1.99", "account.unknown")
    _set(sheets, p, "lancamentos", 30, "conta_credito", "1.1", "account.unknown")  # synthetic
    lc = sheets["lancamentos"]
    row = lc.rows[40]
    row[lc.index("conta_credito")] = row[lc.index("conta_debito")]
    p.append(Plant("lancamentos", 40, "conta_credito", "ledger.same_account"))
    _set(sheets, p, "lancamentos", 50, "data", "31/02/2026", "date.invalid")
    _set(sheets, p, "lancamentos", 60, "historico", None, "required")
    _set(sheets, p, "lancamentos", 70, "data", date(2062, 3, 15), "date.future")  # 2026 typo
    _set(sheets, p, "lancamentos", 80, "data", date(2025, 12, 19), "date.closed_period")
    _set(sheets, p, "lancamentos", 90, "cpf_cnpj", "12.345.678/0001-00", "cpf_cnpj.check_digit")
    # the same invoice posted twice
    first = lc.rows[100]
    lc.rows[101] = list(first)
    p.append(Plant("lancamentos", 101, "documento", "duplicate"))
    _overpay(sheets, p, "contas_a_pagar", 5, Decimal("100.00"), "payable.overpaid")
    _set(
        sheets,
        p,
        "contas_a_pagar",
        _open_bill(sheets, "contas_a_pagar", 15),
        "cpf_cnpj",
        "11.111.111/1111-11",
        "cpf_cnpj.repeated_digits",
    )
    _set(sheets, p, "folha", 3, "cpf", "123.456.789-00", "cpf.check_digit")
    _set(sheets, p, "folha", 7, "pis", "120.12345.67-0", "pis.check_digit")
    _set(sheets, p, "estoque_movimentos", 5, "ncm", "8471.30", "ncm.length")
    return p


def _plant_sao_paulo(sheets: dict[str, Sheet], rng: random.Random) -> list[Plant]:
    p: list[Plant] = []
    _set(sheets, p, "lancamentos", 12, "valor", Decimal("-350.00"), "number.negative")
    _set(sheets, p, "lancamentos", 25, "data", "5/3/26", "date.ambiguous")
    _set(sheets, p, "lancamentos", 35, "valor", "1.234", "number.ambiguous")
    _set(sheets, p, "plano_de_contas", 8, "tipo", "Ativos", "choice.invalid")
    _overpay(sheets, p, "contas_a_receber", 10, Decimal("0.01"), "receivable.overpaid")
    _set(
        sheets,
        p,
        "contas_a_receber",
        _open_bill(sheets, "contas_a_receber", 20),
        "vencimento",
        "30/13/2026",
        "date.invalid",
    )
    _set(sheets, p, "folha", 2, "chave_pix", "joao@", "pix.email")
    _set(sheets, p, "folha", 5, "banco", "9999", "bank.length")
    _set(sheets, p, "folha", 9, "salario_base", "dois mil", "number.invalid")
    # a count for a SKU that never moved
    counts = sheets["estoque_contagem"]
    counts.rows.append([LAST_DAY, "CAF-250", WAREHOUSES[0], Decimal(12), "Rafaela Castro Pinto"])
    p.append(Plant("estoque_contagem", len(counts.rows) - 1, "sku", "stock.unknown_sku"))
    _set(sheets, p, "estoque_movimentos", 8, "tipo", "Devolução", "choice.invalid")
    return p


def _plant_rio(sheets: dict[str, Sheet], rng: random.Random) -> list[Plant]:
    p: list[Plant] = []
    _set(
        sheets,
        p,
        "contas_a_pagar",
        _open_bill(sheets, "contas_a_pagar", 3),
        "cpf_cnpj",
        "12.ABC.345/01DE-34",
        "cpf_cnpj.check_digit",
    )  # alphanumeric CNPJ, wrong check digit
    _set(
        sheets,
        p,
        "contas_a_pagar",
        _open_bill(sheets, "contas_a_pagar", 12),
        "emissao",
        None,
        "required",
    )
    _set(
        sheets,
        p,
        "contas_a_pagar",
        _open_bill(sheets, "contas_a_pagar", 25),
        "conta",
        "2.1.9",
        "account.unknown",
    )
    _set(sheets, p, "lancamentos", 44, "data", "2026-13-01", "date.invalid")
    _set(sheets, p, "extrato", 17, "data", date(2027, 1, 3), "date.future")
    _set(sheets, p, "folha", 4, "competencia", "13/2026", "date.invalid")
    _set(sheets, p, "folha", 11, "cpf", "111.111.111-11", "cpf.repeated_digits")
    # an issue of more than the warehouse holds: sell the whole balance plus one
    _plant_negative_stock(sheets, p)
    return p


def _plant_negative_stock(sheets: dict[str, Sheet], p: list[Plant]) -> None:
    moves = sheets["estoque_movimentos"]
    sku, warehouse = PRODUCTS[2][0], WAREHOUSES[1]
    balance = Decimal(0)
    for i, row in enumerate(moves.rows):
        if row[1] != sku or row[7] != warehouse:
            continue
        sign = -1 if row[4] == "Saída" else 1
        if row[4] == "Saída" and balance > 10:
            row[5] = balance + 5
            p.append(Plant("estoque_movimentos", i, "quantidade", "stock.negative"))
            return
        balance += sign * row[5]
    raise AssertionError("no outgoing movement to plant a negative balance at")


PLANTERS: dict[str, Callable[[dict[str, Sheet], random.Random], list[Plant]]] = {
    "matriz": _plant_matriz,
    "filial_sao_paulo": _plant_sao_paulo,
    "filial_rio": _plant_rio,
}
