"""Properties of the payroll arithmetic that must hold for every salary, not just the worked
examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from retaguarda.validators.payroll import Employee, compute_month, inss, irrf

JAN_2026, MAR_2025 = date(2026, 1, 1), date(2025, 3, 1)
PAID_2026 = date(2026, 3, 6)
#: each year's ceiling contribution, written out in test_payroll_taxes
CEILING = {JAN_2026: D("988.09"), MAR_2025: D("951.63")}


def reais(low: int, high: int) -> st.SearchStrategy[D]:
    """Amounts from `low` to `high` reais, to the cent."""
    return st.integers(low * 100, high * 100).map(lambda cents: D(cents) / 100)


competencias = st.sampled_from([JAN_2026, MAR_2025])


@settings(max_examples=300, deadline=None)
@given(a=reais(0, 20000), b=reais(0, 20000), competencia=competencias)
def test_inss_never_exceeds_the_ceiling_and_never_decreases(a, b, competencia):
    low, high = sorted((a, b))
    assert inss(low, competencia) <= inss(high, competencia) <= CEILING[competencia]


@settings(max_examples=300, deadline=None)
@given(income=reais(0, 5000), dependents=st.integers(0, 6), data=st.data())
def test_2026_tax_is_zero_up_to_5000(income, dependents, data):
    paid_inss = data.draw(st.one_of(st.just(inss(income, JAN_2026)), reais(0, 988)))
    assert irrf(income, dependents, PAID_2026, paid_inss) == D("0.00")


@settings(max_examples=200, deadline=None)
@given(dependents=st.integers(0, 4), extra_inss=reais(0, 300))
def test_2026_tax_is_continuous_at_5000_and_7350(dependents, extra_inss):
    cent = D("0.01")
    for edge in (D("5000.00"), D("7350.00")):
        paid = [min(inss(x, JAN_2026) + extra_inss, D("988.09")) for x in (edge, edge + cent)]
        at = irrf(edge, dependents, PAID_2026, paid[0])
        above = irrf(edge + cent, dependents, PAID_2026, paid[1])
        assert abs(above - at) <= cent, (edge, at, above)


months = st.sampled_from([date(2025, 4, 1), date(2025, 11, 1), date(2026, 3, 1), date(2026, 12, 1)])


@settings(max_examples=200, deadline=None)
@given(
    competencia=months,
    salary=reais(1518, 15000),
    overtime=st.integers(0, 20),
    dependents=st.integers(0, 3),
    discount=st.sampled_from(["vt_discount", "other_discounts", "absences"]),
    base=st.integers(0, 5),
    more=st.integers(1, 5),
)
def test_net_never_increases_when_a_discount_increases(
    competencia, salary, overtime, dependents, discount, base, more
):
    def net(amount: int) -> D:
        value = D(amount) if discount == "absences" else D(amount * 37)
        employee = Employee(
            competencia,
            salary,
            dependents=dependents,
            overtime_50=D(overtime),
            **{discount: value},
        )
        return compute_month(employee).net

    assert net(base + more) <= net(base)
