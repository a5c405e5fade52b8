"""A throwaway single-node SLURM cluster (scripts/slurm-local.sh) around a block of tests.

    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    try:
        with short_state_dir() as state, local_slurm(state) as cluster:
            subprocess.run([sys.executable, "-m", "snakemake", *cluster.profile_args(), ...],
                           env=cluster.env, cwd=workdir)
            cluster.job_info(jobid)["JOB_GRES"]          # e.g. "gpu:fake:1"
    except SlurmUnavailable as exc:                    # `up` failed: nothing left running
        pytest.skip(exc.reason)

`local_slurm` always runs `down` when the block ends (normally, on an exception, on Ctrl-C), which stops the daemons
and every process they spawned and deletes the state dir. Only one local cluster can run per machine (the job
step's srun finds the config through /run/slurm/conf, see the script); use one session-scoped fixture.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "slurm-local.sh"
PROFILE = REPO / "profiles" / "slurm"
# `up` installs Debian packages when SLURM is missing: allow for a slow mirror.
UP_TIMEOUT = 900
DOWN_TIMEOUT = 120


class SlurmUnavailable(RuntimeError):
    """`scripts/slurm-local.sh up` failed; `reason` is its one-line explanation (use it as the skip reason)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LocalSlurm:
    """A running local cluster: where it lives and the environment that reaches it."""

    state_dir: Path
    conf: Path
    # os.environ plus SLURM_CONF (and the state dir): pass as `env=` to sbatch/squeue/snakemake subprocesses.
    env: dict[str, str] = field(repr=False)
    # The line `up` printed, e.g. "slurm-local: up in 4.5 s (node localhost: 2 CPUs, ... gpu:fake:2; ...)".
    up_line: str = ""
    up_seconds: float = 0.0
    gpu_type: str = "fake"
    gpus: int = 2

    def profile_args(self, init_seconds: int = 1) -> list[str]:
        """Snakemake options for profiles/slurm, polling job status every `init_seconds` (the profile says 10)."""
        return ["--profile", str(PROFILE), "--slurm-init-seconds-before-status-checks", str(init_seconds)]

    def run(self, *cmd: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run a SLURM client command (sinfo, squeue, scontrol, sbatch…) against this cluster."""
        return subprocess.run(list(cmd), env=self.env, capture_output=True, text=True, check=check, timeout=timeout)

    def jobs(self) -> list[dict[str, str]]:
        """All jobs the controller still knows (finished ones for MinJobAge = 15 min): id, name, state, comment.

        The SLURM executor plugin names every job of one Snakemake run after the run's uuid and sets the comment to
        `rule_<rule>[_wildcards_<…>]`.
        """
        out = self.run("squeue", "--states=all", "--noheader", "--format=%i|%j|%T|%k").stdout
        rows = []
        for line in out.splitlines():
            if line.strip():
                job_id, name, state, comment = (line.split("|", 3) + ["", "", ""])[:4]
                rows.append({"id": job_id.strip(), "name": name, "state": state, "comment": comment})
        return rows

    def job_info(self, job_id: str | int) -> dict[str, str]:
        """`scontrol -d -o show job ID` as a dict (keys like JobState, NumTasks, NumCPUs, TRES, JOB_GRES, ExitCode)."""
        out = self.run("scontrol", "-d", "-o", "show", "job", str(job_id)).stdout
        info: dict[str, str] = {}
        for token in out.split():
            key, sep, value = token.partition("=")
            if sep and key not in info:
                info[key] = value
        return info


def skip_reason() -> str | None:
    """Why a local SLURM cluster cannot be started here, or None if it can be tried. Cheap: starts nothing.

    A None is no guarantee (e.g. apt-get may still fail): `local_slurm` raises SlurmUnavailable then.
    """
    if platform.system() != "Linux":
        return f"local SLURM needs Linux (this is {platform.system()})"
    if not SCRIPT.exists():
        return f"{SCRIPT.relative_to(REPO)} is missing"
    if shutil.which("bash") is None:
        return "local SLURM needs bash"
    installed = all(shutil.which(b) for b in ("slurmctld", "slurmd", "sbatch", "munged"))
    if not installed:
        if os.geteuid() != 0:
            return "SLURM (slurm-wlm, munge) is not installed and installing it needs root"
        if shutil.which("apt-get") is None:
            return "SLURM (slurm-wlm, munge) is not installed and there is no apt-get to install it"
    elif os.geteuid() != 0:
        return "the local SLURM cluster runs its daemons as root (/run/slurm/conf, SlurmUser=root)"
    if Path("/etc/slurm/slurm.conf").exists():
        return "/etc/slurm/slurm.conf exists: this machine has its own SLURM setup; not starting a local cluster"
    return None


def _script(command: str, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    # stdin from /dev/null: the daemons detach and must not hold our pipes open (they redirect their own output).
    return subprocess.run(["bash", str(SCRIPT), command], check=False, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


@contextlib.contextmanager
def short_state_dir() -> Iterator[Path]:
    """A state dir under /tmp whose path is short whatever the test's own tmp_path (xdist adds popen-gw0/)."""
    with tempfile.TemporaryDirectory(prefix="sdslurm-", dir="/tmp") as state:
        yield Path(state) / "s"


@contextlib.contextmanager
def local_slurm(state_dir: str | os.PathLike[str], *, gpus: int = 2, gpu_type: str = "fake",
                up_timeout: float = UP_TIMEOUT) -> Iterator[LocalSlurm]:
    """Start the local cluster with its state under `state_dir`, yield it, always tear it down afterwards.

    `state_dir` must be short (at most 71 characters: slurmd's job sockets live under it); `short_state_dir()` gives
    one. Raises SlurmUnavailable (with a one-line reason) if `up` fails; whatever it had started is stopped first.
    Raises RuntimeError after the block if `down` could not stop everything (unless the block itself raised).
    """
    state = Path(state_dir).resolve()
    env = dict(os.environ)
    env.update({
        "STYLEDISTILL_SLURM_DIR": str(state),
        "STYLEDISTILL_SLURM_GPUS": str(gpus),
        "STYLEDISTILL_SLURM_GPU_TYPE": gpu_type,
    })
    env.pop("SLURM_CONF", None)
    # Snakemake started inside an sbatch job would warn and strip SLURM_* variables; we are not in one.
    for var in [v for v in env if v.startswith(("SLURM_JOB", "SBATCH_", "SRUN_"))]:
        env.pop(var)

    started = time.monotonic()
    try:
        up = _script("up", env, up_timeout)
    except subprocess.TimeoutExpired:
        _script("down", env, DOWN_TIMEOUT)
        raise SlurmUnavailable(f"scripts/slurm-local.sh up did not finish within {up_timeout:.0f} s") from None
    if up.returncode != 0:
        _script("down", env, DOWN_TIMEOUT)
        reason = _last_line(up.stderr) or _last_line(up.stdout) or f"exit status {up.returncode}"
        raise SlurmUnavailable(reason.removeprefix("slurm-local: "))

    conf = state / "etc" / "slurm.conf"
    cluster_env = dict(env, SLURM_CONF=str(conf))
    cluster = LocalSlurm(state_dir=state, conf=conf, env=cluster_env, up_line=_last_line(up.stdout),
                         up_seconds=time.monotonic() - started, gpu_type=gpu_type, gpus=gpus)
    failed = False
    try:
        yield cluster
    except BaseException:
        failed = True
        raise
    finally:
        try:
            down = _script("down", env, DOWN_TIMEOUT)
            error = None if down.returncode == 0 else (_last_line(down.stderr) or f"exit status {down.returncode}")
        except subprocess.TimeoutExpired:
            error = f"did not finish within {DOWN_TIMEOUT} s"
        if error and not failed:
            raise RuntimeError(f"scripts/slurm-local.sh down failed: {error}")
