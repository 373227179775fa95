"""What a sync changes, decided from the row keys and hashes alone (no database, no I/O).

`diff` compares the rows a source holds now (`incoming`) with what the store holds of that
source and template: the template table's rows (`stored`) and the quarantine's (`held`). All
three are frames keyed by row id (a row's identity, see `sync.pull`):

* ``incoming``: ``content_hash``, ``sheet``, ``sheet_row``, ``bad`` (the row has an error);
* ``stored``: ``content_hash``, ``sheet``, ``sheet_row``, ``alive`` (not tombstoned);
* ``held``: ``content_hash``, ``sheet``, ``sheet_row``, ``held`` (not released).

The answer says which rows to insert, update, move, tombstone, quarantine and release, and the
audit trail of those changes, so the merge only carries it out. A row with an error leaves
the table (tombstoned if it was live) for the quarantine until it is fixed; a row gone from
the sheet is tombstoned (or released from the quarantine); a row whose content and place are
as stored costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: the columns of each frame `diff` takes, besides the row id in the index
INCOMING = ("content_hash", "sheet", "sheet_row", "bad")
STORED = ("content_hash", "sheet", "sheet_row", "alive")
HELD = ("content_hash", "sheet", "sheet_row", "held")
#: the audit frame's columns
AUDIT = ("row_id", "action", "before_hash", "after_hash")


@dataclass(frozen=True)
class Diff:
    """The changes of one template of one source: row ids per kind of change, and the audit.

    Every index holds row ids. A row is in exactly one of `insert`, `update`, `unchanged`,
    `quarantine` (plus `tombstone` when it was live and went bad, `release` when it was held
    and is fixed); `moved` and `held_moved` are unchanged rows now at another sheet row.
    """

    insert: pd.Index
    update: pd.Index
    unchanged: pd.Index
    moved: pd.Index
    held_moved: pd.Index
    quarantine: pd.Index
    tombstone: pd.Index
    release: pd.Index
    #: one row per change, in sheet order: row_id, action, before_hash, after_hash
    audit: pd.DataFrame

    def counts(self) -> dict[str, int]:
        """The numbers a sync reports (`SyncResult`, `sync_runs`)."""
        return {
            "inserted": len(self.insert),
            "updated": len(self.update),
            "tombstoned": len(self.tombstone),
            "quarantined": len(self.quarantine),
            "released": len(self.release),
            "unchanged": len(self.unchanged),
        }


def keyed(rows: list[dict[str, object]], columns: tuple[str, ...]) -> pd.DataFrame:
    """A frame `diff` takes, from dicts holding ``row_id`` and `columns` (also when empty)."""
    frame = pd.DataFrame(rows, columns=["row_id", *columns])
    return frame.set_index("row_id")


def diff(incoming: pd.DataFrame, stored: pd.DataFrame, held: pd.DataFrame) -> Diff:
    """The changes that bring `stored` and `held` to `incoming` (see the module docstring)."""
    # row ids as Python objects: lookups in pandas' own hash tables, not Arrow's string kernels
    incoming, stored, held = (_by_object_key(f) for f in (incoming, stored, held))
    ids = incoming.index
    now = incoming["content_hash"].to_numpy(dtype=object)
    bad = incoming["bad"].to_numpy(dtype=bool)
    table = stored.reindex(ids)
    kept = held.reindex(ids)
    known = ids.isin(stored.index)
    alive = _flag(table["alive"])
    held_now = _flag(kept["held"])
    table_hash = table["content_hash"].to_numpy(dtype=object)
    held_hash = kept["content_hash"].to_numpy(dtype=object)

    still_held = bad & held_now & (held_hash == now)
    quarantine = bad & ~still_held
    went_bad = bad & alive
    fixed = ~bad & held_now
    insert = ~bad & ~known
    update = ~bad & known & ~(alive & (table_hash == now))
    unchanged = ~bad & known & ~update
    moved = unchanged & ~_same_place(incoming, table)
    held_moved = still_held & ~_same_place(incoming, kept)

    gone = ~stored.index.isin(ids) & _flag(stored["alive"])
    gone_held = ~held.index.isin(ids) & _flag(held["held"])

    n, before_gone = len(ids), len(ids) + len(stored)
    here = {"keys": ids, "order": np.arange(n)}
    was = np.where(held_now, held_hash, np.where(alive, table_hash, None))
    # a row's release comes before its insert or update, its quarantine before its tombstone
    # (rank 0, then 1); rows gone from the sheet come after the sheet's own rows
    entries = [
        _entries(quarantine, "quarantine", was, now, rank=0, **here),
        _entries(went_bad, "tombstone", table_hash, None, rank=1, **here),
        _entries(fixed, "release", held_hash, now, rank=0, **here),
        _entries(insert, "insert", None, now, rank=1, **here),
        _entries(update, "update", np.where(alive, table_hash, None), now, rank=1, **here),
        _entries(
            gone,
            "tombstone",
            stored["content_hash"],
            None,
            keys=stored.index,
            order=n + np.arange(len(stored)),
            rank=0,
        ),
        _entries(
            gone_held,
            "release",
            held["content_hash"],
            None,
            keys=held.index,
            order=before_gone + np.arange(len(held)),
            rank=0,
        ),
    ]
    audit = pd.concat(entries, ignore_index=True).sort_values(["order", "rank"], kind="stable")
    return Diff(
        insert=ids[insert],
        update=ids[update],
        unchanged=ids[unchanged | still_held],
        moved=ids[moved],
        held_moved=ids[held_moved],
        quarantine=ids[quarantine],
        tombstone=ids[went_bad].append(stored.index[gone]),
        release=ids[fixed].append(held.index[gone_held]),
        audit=audit.loc[:, list(AUDIT)].reset_index(drop=True),
    )


def _by_object_key(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.index.dtype == object:
        return frame
    return frame.set_axis(pd.Index(frame.index.to_numpy(dtype=object), dtype=object))


def _flag(column: pd.Series) -> np.ndarray:
    """A boolean column that may hold NaN (a row the frame did not have): NaN is False."""
    return column.fillna(False).to_numpy(dtype=bool)


def _same_place(incoming: pd.DataFrame, other: pd.DataFrame) -> np.ndarray:
    sheet = incoming["sheet"].to_numpy(dtype=object) == other["sheet"].to_numpy(dtype=object)
    row = incoming["sheet_row"].to_numpy(dtype=float) == other["sheet_row"].to_numpy(dtype=float)
    return sheet & row


def _entries(
    mask: np.ndarray,
    action: str,
    before: Any,
    after: Any,
    *,
    keys: pd.Index,
    order: np.ndarray,
    rank: int,
) -> pd.DataFrame:
    """Audit entries of the rows `mask` picks; `before`/`after`: hashes per row, or None."""
    return pd.DataFrame(
        {
            "row_id": keys.to_numpy(dtype=object)[mask],
            "action": action,
            "before_hash": _picked(before, mask),
            "after_hash": _picked(after, mask),
            "order": order[mask],
            "rank": rank,
        }
    )


def _picked(values: Any, mask: np.ndarray) -> np.ndarray:
    if values is None:
        return np.full(int(mask.sum()), None, dtype=object)
    return np.asarray(values, dtype=object)[mask]
