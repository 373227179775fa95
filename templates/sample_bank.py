"""October at the bank, for every sample team: the bank account's movements (journal lines on
1.1.02, titles settled through it), the transfers between the Matriz and its filiais, the
Matriz's salary payments, and the bank statement built from them with the noise a real one has.

Each statement line remembers which ledger rows it came from, so `planted.json` can say what a
bank reconciliation must pair and what it must leave over, the way it records where each
validation mistake was planted. The story, as finance would tell it:

* the bank clears most movements 0–2 days after the books date them;
* three receipts go in as one deposit, three supplier bills out as one batch payment;
* the bank charges a fee nobody booked, and a customer pays by PIX nobody identified yet;
* a cheque written on the 30th has not cleared (only the ledger has it);
* one supplier's name reads differently on the statement;
* the Matriz pays September's salaries by PIX and TED in early October: one short, one not at
  all (the ledger books what the bank paid; the payroll reconciliation finds the rest);
* the Matriz sends money to each filial (1.1.07 against 1.1.02), each filial books it 0–2 days
  later, except the last transfer to Rio, which Rio never booked.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from retaguarda.templates.sample_books import BOOKS_BEFORE, Sheet
from retaguarda.templates.sample_parties import (
    CENT,
    CUSTOMERS,
    FIRST_DAY,
    SUPPLIERS,
    random_money,
)

BANK = "1.1.02"
TRANSFERS = "1.1.07"
#: the month the statements cover; the journal's other bank lines stop before it, its
#: titles settled in it go through the bank
FIRST = date(2026, 10, 1)
LAST = date(2026, 10, 31)
#: the payroll month paid in October
PAID_MONTH = date(2026, 9, 1)
PAYDAY = date(2026, 10, 5)
#: amounts the Matriz sends to each filial in October (the last one to Rio is not booked there)
TRANSFER_DAYS = (date(2026, 10, 2), date(2026, 10, 15), date(2026, 10, 27))


@dataclass
class BankLine:
    """One statement line under construction and the ledger rows behind it."""

    day: date
    text: str
    amount: Decimal
    #: (template id, 0-based data row) of each ledger line the bank cleared in it
    sources: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class BankStory:
    """What one team's October statement holds and what the ledger has without it."""

    lines: list[BankLine] = field(default_factory=list)
    #: ledger rows on the account no statement line clears
    ledger_only: list[tuple[str, int]] = field(default_factory=list)
    #: the salaries paid short (nome, cpf, liquido, pago) and those not paid (nome, cpf, liquido)
    paid_short: list[dict[str, object]] = field(default_factory=list)
    not_paid: list[dict[str, object]] = field(default_factory=list)
    #: journal rows of transfers only one team booked
    transfers_one_side: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class _Journal:
    """October journal lines being written, before they are sorted into the sheet."""

    rows: list[list[object]] = field(default_factory=list)

    def add(
        self, day: date, doc: str, text: str, debit: str, credit: str, value: Decimal
    ) -> list[object]:
        row = [day, doc, text, debit, credit, value, None, None, None]
        self.rows.append(row)
        return row


def october(sheets: dict[str, Sheet], rng: random.Random, slug: str) -> BankStory:
    """Write the team's October into its sheets and return the statement's story."""
    journal = _Journal()
    pending: list[tuple[list[object], str]] = []  # (journal row, statement text)
    fee_booked = random_money(rng, 20, 60)
    for n in range(8):
        customer = CUSTOMERS[(n * 3 + len(slug)) % len(CUSTOMERS)]
        row = journal.add(
            _day(rng, 1, 26),
            f"RC-{slug[:3].upper()}-{n + 1:03d}",
            f"Recebimento de cliente NF {rng.randrange(1000, 9999)} - {customer}",
            BANK,
            "1.1.04",
            random_money(rng, 400, 9000),
        )
        pending.append((row, f"PIX RECEBIDO {customer.upper()[:28]}"))
    deposit = [
        journal.add(
            date(2026, 10, 20),
            f"RC-{slug[:3].upper()}-D{n + 1}",
            f"Recebimento em cheque - {CUSTOMERS[(n + 5) % len(CUSTOMERS)]}",
            BANK,
            "1.1.04",
            random_money(rng, 300, 2500),
        )
        for n in range(3)
    ]
    batch = [
        journal.add(
            date(2026, 10, 16),
            f"PG-{slug[:3].upper()}-L{n + 1}",
            f"Pagamento a fornecedor - {SUPPLIERS[n + 3]}",
            "2.1.01",
            BANK,
            random_money(rng, 500, 4000),
        )
        for n in range(3)
    ]
    for n, supplier in enumerate((SUPPLIERS[0], SUPPLIERS[1], SUPPLIERS[5])):
        row = journal.add(
            _day(rng, 3, 28),
            f"PG-{slug[:3].upper()}-{n + 1:03d}",
            f"Pagamento a fornecedor - {supplier}",
            "2.1.01",
            BANK,
            random_money(rng, 800, 9000),
        )
        # the Limpa Bem payment is the one whose name the bank spells its own way
        text = "PAG*LIMPABEM PROD LIMP" if supplier == SUPPLIERS[5] else supplier.upper()[:30]
        pending.append((row, f"PAGAMENTO BOLETO {text}" if n != 2 else text))
    rent = journal.add(
        date(2026, 10, 5),
        f"AL-{slug[:3].upper()}-10",
        f"Aluguel do mês - {SUPPLIERS[8]}",
        "4.1.03",
        BANK,
        random_money(rng, 4500, 6500),
    )
    pending.append((rent, f"TED ENVIADA {SUPPLIERS[8].upper()[:26]}"))
    energy = journal.add(
        date(2026, 10, 14),
        f"EN-{slug[:3].upper()}-10",
        f"Conta de energia elétrica - {SUPPLIERS[9]}",
        "4.1.04",
        BANK,
        random_money(rng, 600, 1800),
    )
    pending.append((energy, "DEB AUTOMATICO ENERGIA SUL"))
    fee = journal.add(
        date(2026, 10, 1),
        f"TF-{slug[:3].upper()}-10",
        "Tarifa bancária",
        "4.1.05",
        BANK,
        fee_booked,
    )
    pending.append((fee, "TARIFA PACOTE SERVICOS"))
    cheque = journal.add(
        date(2026, 10, 30),
        f"CH-{rng.randrange(100, 999):06d}",
        f"Cheque emitido - {SUPPLIERS[7]}",
        "2.1.01",
        BANK,
        random_money(rng, 900, 3000),
    )
    salaries = _salaries(sheets, journal, pending) if slug == "matriz" else {}
    transfers = _transfers(journal, pending, slug)

    # the year opens with the capital paid in, enough to keep October's balance positive
    ledger = sheets["lancamentos"].rows
    before = bank_balance(sheets, FIRST)
    capital = (-before // 10000 + 1) * 10000 + 150000 if before < 0 else Decimal(150000)
    ledger.insert(
        0,
        [
            FIRST_DAY,
            "CS-2026-01",
            "Integralização de capital social",
            BANK,
            "2.3.01",
            capital.quantize(CENT),
            None,
            None,
            None,
        ],
    )
    # the journal's October, in date order, after its random lines (which end earlier)
    start = len(ledger)
    journal.rows.sort(key=lambda r: r[0])
    ledger.extend(journal.rows)
    where = {id(row): ("lancamentos", start + i) for i, row in enumerate(journal.rows)}

    story = BankStory()
    for row, text in pending:
        story.lines.append(BankLine(_cleared(rng, row[0]), text, _signed(row), [where[id(row)]]))
    story.lines.append(
        BankLine(
            date(2026, 10, 21),
            "DEPOSITO CHEQUES 3 CHQ",
            sum((_signed(r) for r in deposit), Decimal(0)),
            [where[id(r)] for r in deposit],
        )
    )
    story.lines.append(
        BankLine(
            date(2026, 10, 16),
            "PAG LOTE FORNECEDORES 3 TITULOS",
            sum((_signed(r) for r in batch), Decimal(0)),
            [where[id(r)] for r in batch],
        )
    )
    story.lines.append(BankLine(date(2026, 10, 23), "TARIFA TED AVULSA", -random_money(rng, 8, 25)))
    story.lines.append(
        BankLine(
            date(2026, 10, 9), "PIX RECEBIDO CLIENTE NAO IDENTIFICADO", random_money(rng, 150, 900)
        )
    )
    story.ledger_only.append(where[id(cheque)])
    story.paid_short = salaries.get("short", [])
    story.not_paid = salaries.get("missing", [])
    story.lines += _titles(sheets, rng)
    if slug == "filial_rio":
        # the Matriz's last transfer to Rio: on Rio's statement, never in Rio's books
        story.lines.append(
            BankLine(
                TRANSFER_DAYS[-1] + timedelta(days=1),
                "TED RECEBIDA COMERCIAL RETAGUARDA MATRIZ",
                transfer_amount(2, "filial_rio"),
            )
        )
    if slug == "matriz":
        story.transfers_one_side = [where[id(transfers[-1])]]
    story.lines.sort(key=lambda line: line.day)
    return story


def bank_balance(sheets: dict[str, Sheet], until: date) -> Decimal:
    """What the books moved through the bank before `until`: the journal's lines on it and
    the titles settled through it (the statement's opening balance, on clean books)."""
    total = Decimal(0)
    for row in sheets["lancamentos"].rows:
        if row[0] >= until:
            continue
        if row[3] == BANK:
            total += row[5]
        elif row[4] == BANK:
            total -= row[5]
    for template_id, sign in (("contas_a_pagar", -1), ("contas_a_receber", 1)):
        sheet = sheets[template_id]
        for row in sheet.rows:
            day = row[sheet.index("liquidado_em")]
            if day is not None and day < until:
                total += sign * row[sheet.index("valor_liquidado")]
    return total


def statement_rows(story: BankStory, opening: Decimal) -> list[list[object]]:
    """The "Extrato bancário" rows: date order, the bank's own numbers, running balance."""
    rows = []
    balance = opening
    for n, line in enumerate(story.lines):
        balance += line.amount
        rows.append([line.day, line.text, f"{n + 1:06d}", line.amount, balance, "341", "12345-6"])
    return rows


def transfer_amount(number: int, slug: str) -> Decimal:
    """What the Matriz sends a filial in its `number`th transfer of October: round sums, as
    money sent to run a branch is."""
    base = 15000 if slug == "filial_sao_paulo" else 9000
    return Decimal(base + 2500 * number + (350 if number == 1 else 0)).quantize(Decimal("0.01"))


def _transfers(journal: _Journal, pending: list, slug: str) -> list[list[object]]:
    rows = []
    if slug == "matriz":
        for filial, name in (("filial_sao_paulo", "São Paulo"), ("filial_rio", "Rio")):
            for n, day in enumerate(TRANSFER_DAYS):
                value = transfer_amount(n, filial)
                row = journal.add(
                    day,
                    f"TR-{filial[7:9].upper()}-{n + 1:02d}",
                    f"Transferência para a Filial {name}",
                    TRANSFERS,
                    BANK,
                    value,
                )
                pending.append((row, f"TED ENVIADA FILIAL {name.upper()}"))
                rows.append(row)
        return rows
    # the filiais book what arrived 0-2 days later; Rio never books the last one
    for n, day in enumerate(TRANSFER_DAYS[: 2 if slug == "filial_rio" else 3]):
        row = journal.add(
            day + timedelta(days=n % 3),
            f"TR-{slug[7:9].upper()}-{n + 1:02d}",
            "Transferência recebida da Matriz",
            BANK,
            TRANSFERS,
            transfer_amount(n, slug),
        )
        pending.append((row, "TED RECEBIDA COMERCIAL RETAGUARDA MATRIZ"))
        rows.append(row)
    return rows


def _salaries(sheets: dict[str, Sheet], journal: _Journal, pending: list) -> dict[str, list]:
    """September's net pay, paid on the 5th: one employee short by R$ 150,00, one not at all."""
    payroll = sheets["folha"]
    keys = ("competencia", "nome", "cpf", "liquido", "chave_pix")
    at = {k: payroll.index(k) for k in keys}
    month = [r for r in payroll.rows if r[at["competencia"]] == PAID_MONTH]
    short, missing = month[4], month[9]
    out: dict[str, list] = {"short": [], "missing": []}
    for n, row in enumerate(month):
        name, cpf, net = row[at["nome"]], row[at["cpf"]], row[at["liquido"]]
        if row is missing:
            out["missing"].append({"nome": name, "cpf": cpf, "liquido": str(net)})
            continue
        paid = net - Decimal("150.00") if row is short else net
        if row is short:
            out["short"].append({"nome": name, "cpf": cpf, "liquido": str(net), "pago": str(paid)})
        booked = journal.add(
            PAYDAY,
            f"FP-0926-{n + 1:02d}",
            f"Pagamento de salário 09/2026 - {name}",
            "2.1.02",
            BANK,
            paid,
        )
        digits = "".join(c for c in str(cpf) if c.isdigit())
        text = f"PIX ENVIADO {name.upper()}" if n % 2 else f"TED SALARIO CPF {digits}"
        pending.append((booked, text))
    return out


def _titles(sheets: dict[str, Sheet], rng: random.Random) -> list[BankLine]:
    """Every settled title goes through the bank; those settled in October clear on the
    statement. A title settled in the statement's date window before it is moved a few days
    earlier, so that the window holds only what the statement shows."""
    lines = []
    kinds = (("contas_a_pagar", -1, "PAGTO"), ("contas_a_receber", 1, "CRED"))
    for template_id, sign, word in kinds:
        sheet = sheets[template_id]
        settled_at, paid_at = sheet.index("liquidado_em"), sheet.index("valor_liquidado")
        for i, row in enumerate(sheet.rows):
            day = row[settled_at]
            if day is None:
                continue
            row[sheet.index("conta_liquidacao")] = BANK
            if BOOKS_BEFORE < day < FIRST:
                row[settled_at] = day = BOOKS_BEFORE
            if day < FIRST:
                continue
            text = f"{word} {row[sheet.index('documento')]} {str(row[0]).upper()[:22]}"
            cleared = min(day + timedelta(days=rng.choice((0, 0, 1, 2))), LAST)
            lines.append(BankLine(cleared, text, sign * row[paid_at], [(template_id, i)]))
    return lines


def _cleared(rng: random.Random, day: date) -> date:
    return min(day + timedelta(days=rng.choice((0, 0, 1, 1, 2))), LAST)


def _signed(row: list[object]) -> Decimal:
    value = row[5]
    assert isinstance(value, Decimal)
    return value if row[3] == BANK else -value


def _day(rng: random.Random, first: int, last: int) -> date:
    return date(2026, 10, rng.randrange(first, last + 1))


def ofx_text(rows: list[list[object]]) -> str:
    """The statement as Itaú exports it: OFX 1.02 SGML, Windows-1252, the bank's line number
    as FITID, the opening balance as a "SALDO ANTERIOR" row (OFX 1.x has no field for it),
    the closing balance in LEDGERBAL."""
    first_day, _, _, first_amount, first_balance, _, _ = rows[0]
    lines = [
        f"<STMTTRN><TRNTYPE>OTHER<DTPOSTED>{first_day:%Y%m%d}000000[-3:BRT]"
        f"<TRNAMT>{first_balance - first_amount}<FITID>000000<MEMO>SALDO ANTERIOR</STMTTRN>"
    ]
    for day, text, number, amount, _, _, _ in rows:
        kind = "CREDIT" if amount > 0 else "DEBIT"
        lines.append(
            f"<STMTTRN><TRNTYPE>{kind}<DTPOSTED>{day:%Y%m%d}120000[-3:BRT]<TRNAMT>{amount}"
            f"<FITID>{number}<MEMO>{text}</STMTTRN>"
        )
    first, last = rows[0][0], rows[-1][0]
    closing = rows[-1][4]
    return (
        "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\n"
        "ENCODING:USASCII\r\nCHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\n"
        "NEWFILEUID:NONE\r\n\r\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO"
        f"</STATUS><DTSERVER>{LAST:%Y%m%d}235900[-3:BRT]<LANGUAGE>POR</SONRS></SIGNONMSGSRSV1>"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS>"
        "<CURDEF>BRL<BANKACCTFROM><BANKID>0341<ACCTID>12345-6<ACCTTYPE>CHECKING</BANKACCTFROM>"
        f"<BANKTRANLIST><DTSTART>{first:%Y%m%d}<DTEND>{last:%Y%m%d}\r\n"
        + "\r\n".join(lines)
        + f"\r\n</BANKTRANLIST><LEDGERBAL><BALAMT>{closing}<DTASOF>{last:%Y%m%d}</LEDGERBAL>"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n"
    )
