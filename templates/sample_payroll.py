"""The sample payroll: fifteen employees over three months, with INSS, IRRF and FGTS worked
out the way a payroll system would, so that the figures look right to a reader.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from retaguarda.templates.sample_parties import (
    BANKS,
    CENT,
    PEOPLE,
    ROLES,
    random_cpf,
    random_day,
    random_pis,
)

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


def inss_due(gross: Decimal) -> Decimal:
    total, lower = Decimal(0), Decimal(0)
    for ceiling, rate in INSS_2026:
        if gross > lower:
            total += (min(gross, ceiling) - lower) * rate
        lower = ceiling
    return total.quantize(CENT, ROUND_HALF_UP)


def irrf_due(gross: Decimal, inss: Decimal, dependents: int) -> Decimal:
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


def payroll_rows(rng: random.Random) -> list[list[object]]:
    employees = []
    for n, name in enumerate(rng.sample(PEOPLE, 15)):
        role, salary = rng.choice(ROLES)
        cpf = random_cpf(rng)
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
                random_pis(rng),
                role,
                random_day(rng, date(2016, 1, 4), date(2025, 11, 28)),
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
            inss = inss_due(gross)
            irrf = irrf_due(gross, inss, deps)
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
