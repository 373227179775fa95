"""The diff on its own: row keys and hashes in, changes out, no database."""

from __future__ import annotations

from retaguarda.sync.diff import HELD, INCOMING, STORED, diff, keyed

SHEET = "Lançamentos"


def incoming(*rows: tuple) -> object:
    """(row id, hash, sheet row, bad) per row, all on one sheet."""
    return keyed(
        [
            {"row_id": r, "content_hash": h, "sheet": SHEET, "sheet_row": n, "bad": bad}
            for r, h, n, bad in rows
        ],
        INCOMING,
    )


def stored(*rows: tuple) -> object:
    """(row id, hash, sheet row, alive) per row."""
    return keyed(
        [
            {"row_id": r, "content_hash": h, "sheet": SHEET, "sheet_row": n, "alive": alive}
            for r, h, n, alive in rows
        ],
        STORED,
    )


def held(*rows: tuple) -> object:
    """(row id, hash, sheet row, still held) per row."""
    return keyed(
        [
            {"row_id": r, "content_hash": h, "sheet": SHEET, "sheet_row": n, "held": still}
            for r, h, n, still in rows
        ],
        HELD,
    )


def actions(result) -> list[tuple]:
    return [tuple(row) for row in result.audit.itertuples(index=False)]


def test_an_empty_store_takes_every_good_row_and_holds_every_bad_one():
    result = diff(incoming(("a", "h1", 2, False), ("b", "h2", 3, True)), stored(), held())
    assert list(result.insert) == ["a"]
    assert list(result.quarantine) == ["b"]
    assert result.counts() == {
        "inserted": 1,
        "updated": 0,
        "tombstoned": 0,
        "quarantined": 1,
        "released": 0,
        "unchanged": 0,
    }
    assert actions(result) == [("a", "insert", None, "h1"), ("b", "quarantine", None, "h2")]


def test_nothing_changed_is_nothing_to_do():
    result = diff(
        incoming(("a", "h1", 2, False), ("b", "h2", 3, True)),
        stored(("a", "h1", 2, True)),
        held(("b", "h2", 3, True)),
    )
    assert result.counts()["unchanged"] == 2
    assert sum(result.counts().values()) == 2
    assert result.audit.empty
    assert list(result.moved) == list(result.held_moved) == []


def test_a_sorted_sheet_only_moves_rows():
    result = diff(
        incoming(("a", "h1", 3, False), ("b", "h2", 2, True), ("c", "h3", 4, False)),
        stored(("a", "h1", 2, True), ("c", "h3", 4, True)),
        held(("b", "h2", 3, True)),
    )
    assert (list(result.moved), list(result.held_moved)) == (["a"], ["b"])
    assert result.audit.empty


def test_an_edited_row_is_updated_with_both_hashes():
    result = diff(incoming(("a", "new", 2, False)), stored(("a", "old", 2, True)), held())
    assert list(result.update) == ["a"]
    assert actions(result) == [("a", "update", "old", "new")]


def test_a_row_that_comes_back_is_updated_from_nothing():
    result = diff(incoming(("a", "h1", 2, False)), stored(("a", "h1", 2, False)), held())
    assert list(result.update) == ["a"]
    assert actions(result) == [("a", "update", None, "h1")]


def test_a_row_that_goes_bad_is_quarantined_then_tombstoned():
    result = diff(incoming(("a", "bad", 2, True)), stored(("a", "good", 2, True)), held())
    assert (list(result.quarantine), list(result.tombstone)) == (["a"], ["a"])
    assert actions(result) == [
        ("a", "quarantine", "good", "bad"),
        ("a", "tombstone", "good", None),
    ]


def test_a_fixed_row_is_released_then_inserted_or_revived():
    result = diff(
        incoming(("a", "fixed", 2, False), ("b", "fixed", 3, False)),
        stored(("b", "old", 3, False)),  # b was live once, then went bad
        held(("a", "bad", 2, True), ("b", "bad", 3, True)),
    )
    assert list(result.release) == ["a", "b"]
    assert (list(result.insert), list(result.update)) == (["a"], ["b"])
    assert actions(result) == [
        ("a", "release", "bad", "fixed"),
        ("a", "insert", None, "fixed"),
        ("b", "release", "bad", "fixed"),
        ("b", "update", None, "fixed"),
    ]


def test_a_held_row_edited_but_still_bad_is_quarantined_again():
    result = diff(incoming(("a", "worse", 2, True)), stored(), held(("a", "bad", 2, True)))
    assert list(result.quarantine) == ["a"]
    assert actions(result) == [("a", "quarantine", "bad", "worse")]


def test_a_row_released_long_ago_that_goes_bad_again_starts_a_new_quarantine():
    result = diff(
        incoming(("a", "bad", 2, True)),
        stored(("a", "good", 2, True)),
        held(("a", "bad", 2, False)),  # the same bad content, released back then
    )
    assert list(result.quarantine) == ["a"]
    assert actions(result)[0] == ("a", "quarantine", "good", "bad")


def test_rows_gone_from_the_sheet_are_tombstoned_or_released_after_the_rest():
    result = diff(
        incoming(("a", "h1", 2, False)),
        stored(("a", "h1", 2, True), ("gone", "h2", 3, True), ("dead", "h3", 4, False)),
        held(("held", "h4", 5, True), ("freed", "h5", 6, False)),
    )
    assert list(result.tombstone) == ["gone"]  # a tombstone is not tombstoned again
    assert list(result.release) == ["held"]
    assert actions(result) == [
        ("gone", "tombstone", "h2", None),
        ("held", "release", "h4", None),
    ]


def test_an_empty_sheet_tombstones_every_live_row():
    result = diff(incoming(), stored(("a", "h1", 2, True), ("b", "h2", 3, True)), held())
    assert result.counts()["tombstoned"] == 2
    assert list(result.insert) == []
