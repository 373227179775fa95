"""The sample payroll: fifteen employees over three months, with INSS, IRRF, FGTS and net pay
computed by the payroll engine (`validators.payroll`), so that the sample folha passes its own
payroll check.
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
from retaguarda.validators.payroll import Employee, compute_month
from retaguarda.validators.payroll.tables import inss_table, irrf_table

#: The 2026 tables, from the payroll engine's data files (the tuples earlier releases exported).
INSS_2026 = tuple((b.up_to, b.rate) for b in inss_table(date(2026, 1, 1)).brackets)
IRRF_TABLE = tuple((b.up_to, b.rate, b.deduction) for b in irrf_table(date(2026, 1, 1)).brackets)


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
            transit = (
                (salary * Decimal("0.06")).quantize(CENT, ROUND_HALF_UP)
                if rng.random() < 0.5
                else Decimal("0.00")
            )
            slip = compute_month(
                Employee(
                    competencia=date(2026, month, 1),
                    salary=salary,
                    admission=hired,
                    dependents=deps,
                    overtime_50=overtime,
                    vt_discount=transit,
                )
            )
            inss, irrf, fgts = slip.inss, slip.irrf, slip.fgts
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
                    slip.net,
                    bank,
                    branch,
                    acct,
                    pix,
                    *[None] * 4,
                ]
            )
    return rows
