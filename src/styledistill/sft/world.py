"""Which process of a training job this is (torchrun, accelerate and the deepspeed launcher all set these)."""

from __future__ import annotations

import os
import sys


def world() -> tuple[int, int]:
    """(rank, world size): (0, 1) without a launcher."""
    return int(os.environ.get("RANK", "0")), int(os.environ.get("WORLD_SIZE", "1"))


def die_with_launcher() -> None:
    """Under a launcher (torchrun starts each rank in a session of its own), ask Linux to kill this rank when the
    launcher dies: a launcher killed with -9 would otherwise leave its ranks training on, orphaned, racing the rerun
    for the same checkpoints."""
    if "LOCAL_RANK" not in os.environ or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() == 1:  # the launcher died before the request took effect
        os._exit(1)
