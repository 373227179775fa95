"""`retaguarda worker` runs its syncs at a lower CPU priority than the service
(RETAGUARDA_WORKER_NICE, 10 by default): on a machine both share, webhooks come first."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from retaguarda.sync.settings import Settings

pytestmark = pytest.mark.skipif(not hasattr(os, "nice"), reason="sem niceness (Windows)")

#: a process that lowers its priority as the worker does, then says its niceness
LOWER = (
    "import os, sys; from retaguarda.sync.cli_worker import lower_priority; "
    "lower_priority(int(sys.argv[1])); print(os.nice(0))"
)


def niceness_after(setting: int, *, started_at: int = 0) -> int:
    command = [sys.executable, "-c", LOWER, str(setting)]
    if started_at:
        command = ["nice", "-n", str(started_at), *command]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    return int(done.stdout)


def test_the_worker_runs_at_niceness_10_unless_told_otherwise():
    assert Settings().worker_nice == 10
    here = os.nice(0)  # the tests may themselves run lowered: a child starts there
    assert niceness_after(10) == max(10, here)
    assert niceness_after(19) == 19


def test_a_worker_started_lower_stays_there():
    """systemd's `Nice=` or `nice -n 19 retaguarda worker` already lowered it: kept."""
    here = os.nice(0)
    assert niceness_after(10, started_at=15) == min(19, here + 15)
    assert niceness_after(0, started_at=5) == min(19, here + 5)
