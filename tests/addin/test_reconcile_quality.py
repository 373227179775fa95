"""How often the matcher is right, measured on generated statements whose answer is known.

`synthetic.generate` books movements with the noise real statements have (dates shifted,
fees taken, bills paid in parts, batches, reversals, duplicated lines, other descriptions,
lines with no partner) and writes down which lines belong together: the ground truth, a
list of groups (some statement lines, some ledger lines).

* A match is correct when its statement lines and its ledger lines are exactly those of one
  ground-truth group (a duplicated line stands for its original: either copy is right).
* precision = correct automatic matches / automatic matches.
* recall = ground-truth groups found by a correct automatic match / ground-truth groups.

Suggested ("sugerida") matches count in neither: they wait for a person. Lines that must stay
unmatched belong to no group, so any automatic match holding one is wrong.
"""

from __future__ import annotations

import pandas as pd
import pytest

from retaguarda.addin.reconcile import synthetic
from retaguarda.addin.reconcile.match import match_lines
from retaguarda.addin.reconcile.model import Status

LINES = 5000


@pytest.fixture(scope="module")
def data() -> synthetic.Synthetic:
    return synthetic.generate(LINES, seed=0)


def automatic(data: synthetic.Synthetic) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    result = match_lines(data.statement, data.ledger, data.options)
    return [(m.statement, m.ledger) for m in result.matches if m.status is Status.AUTOMATIC]


def test_precision_and_recall_of_automatic_matches(data: synthetic.Synthetic) -> None:
    quality = {q.kind: q for q in synthetic.evaluate(data, automatic(data))}
    total = quality["total"]
    assert total.groups > 0.8 * LINES
    assert total.precision >= 0.995, quality
    assert total.recall >= 0.97, quality
    # every kind of noise is measured, and the easy ones are near perfect
    assert set(quality) == {*synthetic.KINDS, "total"}
    for kind in ("clean", "date_shift", "description"):
        assert quality[kind].recall >= 0.98, quality[kind]


def test_the_plain_baseline_finds_far_less(data: synthetic.Synthetic) -> None:
    """Same amount and same date, k-th with k-th: what a lookup in a spreadsheet gives."""
    baseline = synthetic.evaluate(
        data, synthetic.same_amount_same_date(data.statement, data.ledger)
    )
    ours = synthetic.evaluate(data, automatic(data))
    assert baseline[-1].recall < 0.7 < ours[-1].recall
    shifted = list(synthetic.KINDS).index("date_shift")
    assert baseline[shifted].recall == 0.0  # a day's shift defeats it entirely


def test_the_generator_is_seeded_and_balanced() -> None:
    one, again, other = (synthetic.generate(800, seed=s) for s in (7, 7, 8))
    pd.testing.assert_frame_equal(one.statement, again.statement)
    pd.testing.assert_frame_equal(one.ledger, again.ledger)
    assert not one.statement["cents"].equals(other.statement["cents"])
    # about as many lines as asked, on both sides, every line's ref unique
    for frame in (one.statement, one.ledger):
        assert 650 <= len(frame) <= 950
        assert frame["ref"].is_unique


def test_evaluate_counts_by_its_definition() -> None:
    """A batch's exact lines are a correct match; the same batch one bill short is not."""
    data = synthetic.generate(300, seed=1)
    s_group = data.statement_group
    l_group = data.ledger_group
    batch = list(synthetic.KINDS).index("batch")
    g = int(next(i for i, k in enumerate(data.group_kind) if k == batch))
    s_refs = tuple(data.statement["ref"][s_group == g])
    l_refs = tuple(data.ledger["ref"][l_group == g])
    assert len(s_refs) == 1
    assert len(l_refs) >= 2
    right = (s_refs, l_refs)
    partial = (s_refs, l_refs[:-1])  # one bill short: wrong
    quality = synthetic.evaluate(data, [right, partial])
    assert (quality[batch].proposed, quality[batch].correct, quality[batch].found) == (2, 1, 1)
    assert quality[-1].precision == 1 / 2
    assert quality[-1].recall == 1 / len(data.group_kind)
