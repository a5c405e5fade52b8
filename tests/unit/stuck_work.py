"""Work for the pool's hard-limit test, importable by pool workers: items named "stuck" block in a way no signal
stops (the alarm is ignored), as a grade stuck inside one C call would."""

from __future__ import annotations

import signal
import time


def square_or_hang(items: list[object]) -> list[object]:
    out = []
    for item in items:
        if item == "stuck":
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            time.sleep(600)
        out.append(item * item if isinstance(item, int) else item)
    return out
