# Wildcard constraints, the shell prefix, and what every rules file uses: the paths (styledistill/config/paths.py),
# the job specs (config/specs.py) and the input functions (config/wiring.py), all built from the typed STUDY.

import re
import shlex

from styledistill.config import paths, specs, wiring

# Restartable state. Its paths are params (Snakemake tracks them): moving `work` reruns the jobs that use it;
# `--rerun-triggers mtime input code software-env` moves it without rerunning.
WORK = paths.Work(STUDY.workflow.work)

# The experiment trackers reach the jobs through the environment: changing them reruns nothing (styledistill.tracking).
_TRACKING = shlex.quote(STUDY.tracking.environment()).replace("{", "{{").replace("}", "}}")
shell.prefix(  # formatted twice
    f'set -euo pipefail; export PYTHONPATH="{_SRC}${{{{PYTHONPATH:+:$PYTHONPATH}}}}"; '
    f"export STYLEDISTILL_TRACKING={_TRACKING}; "
)


def _alternatives(keys):
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) or "(?!)"


wildcard_constraints:
    model=_alternatives(STUDY.models),
    dataset=_alternatives(STUDY.datasets),
    teacher=_alternatives(STUDY.teachers),
    variant=_alternatives(STUDY.variants),
    family=_alternatives(STUDY.families),
    benchmark=_alternatives(STUDY.benchmarks),
    baseline=_alternatives(STUDY.baselines),
    shard=r"\d+",
    seed=r"\d+",


def mem_mb(rule):
    """The rule's memory (MB) at this attempt: config `resources`, grown on each retry."""
    return lambda wildcards, attempt: STUDY.resources.of(rule, attempt).mem_mb


def runtime(rule):
    """The rule's wall time (minutes) at this attempt: config `resources`, grown on each retry."""
    return lambda wildcards, attempt: STUDY.resources.of(rule, attempt).runtime
