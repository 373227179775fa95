"""How many of Google's recorded exchanges the emulator answers as Google did, in one figure.

    .venv/bin/python tests/sync/emulator/replay_score.py [CASSETTE_FOLDER] [--misses]

The folder defaults to the project's shared fixtures (`../shared/fixtures/sheets-api/cassettes`,
all 122 files), else to the cassettes kept here. Each file is replayed on its own against a
fresh emulator with its quota off (cassette_replay.py says how an exchange is compared); an
exchange counts as answered when it shows no difference. `--misses` lists every difference,
and the last lines count the misses by request kind.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from cassette_replay import replay_exchanges

from retaguarda.sync.emulator import create_emulator, serving
from retaguarda.sync.google_api import authorized_session

HERE = Path(__file__).parent
SHARED = HERE.parents[2].parent / "shared" / "fixtures" / "sheets-api" / "cassettes"


def score(folder: Path, *, show_misses: bool = False) -> tuple[int, int]:
    """(answered as Google did, exchanges compared) over every cassette in `folder`."""
    answered = compared = 0
    kinds: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for cassette in sorted(folder.glob("*.json")):
            key = Path(tmp) / f"{cassette.stem}.key.json"
            app = create_emulator(key_out=key)
            with serving(app) as url:
                try:
                    results = replay_exchanges(cassette, authorized_session(key, url))
                except Exception as error:  # a crash is a miss, reported
                    print(f"{cassette.stem}: replay stopped: {error!r}")
                    continue
            good = sum(1 for _, problems in results if not problems)
            answered += good
            compared += len(results)
            print(f"{good:4d}/{len(results):4d}  {cassette.stem}")
            for where, problems in results:
                if problems:
                    kinds[re.sub(r"^#\d+ | /[^/]*/(?=\w)|/[A-Za-z0-9_-]{40,}", " ", where)] += 1
                    if show_misses:
                        for problem in problems:
                            print(f"      {problem[:400]}")
    if show_misses:
        for kind, count in kinds.most_common():
            print(f"{count:5d} misses  {kind}")
    return answered, compared


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv if not a.startswith("--")]
    folder = folders[0] if folders else (SHARED if SHARED.is_dir() else HERE / "cassettes")
    answered, compared = score(folder, show_misses="--misses" in argv)
    print(f"answered as Google did: {answered} of {compared} = {answered / compared:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
