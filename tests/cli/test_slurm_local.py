"""scripts/slurm-local.sh refuses, in one line and before starting anything, a state dir too long for slurmd."""

from __future__ import annotations

import os
import subprocess

from tests.conftest import REPO
from tests.slurm_cluster import short_state_dir


def test_a_state_dir_too_long_for_slurmds_sockets_is_one_line():
    with short_state_dir() as short:  # a short base, whatever pytest's own tmp path
        base = short.parent
        state = base / ("x" * (72 - len(str(base)) - 1))
        assert len(str(state)) == 72  # one over: the 10th job's socket would pass 108 bytes
        env = {**os.environ, "STYLEDISTILL_SLURM_DIR": str(state)}
        run = subprocess.run(["bash", str(REPO / "scripts" / "slurm-local.sh"), "up"], env=env, capture_output=True,
                             text=True, timeout=60)
        assert run.returncode == 1
        assert run.stderr.strip().splitlines() == [
            f"slurm-local: STYLEDISTILL_SLURM_DIR={state} is 72 characters; slurmd's job sockets need it at most 71"]
        assert not state.exists()  # nothing created, nothing started
