# The config, read strictly and checked before anything is planned: a YAML syntax error, a key written twice, an
# unknown key, a bad value, a dangling reference, a missing or malformed file the config names -- each is one line
# naming the file or key, and no job runs. Library code never reads config.yaml: rules pass each job its slice.

import sys
from pathlib import Path

# Jobs import the stage code from this checkout, whichever environment (venv, --sdm conda, SLURM) runs them.
_SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, _SRC)

from styledistill.config.checks import config_file
from styledistill.errors import UserError


def _fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


# Snakemake would read config.yaml leniently (a duplicated key silently wins): read it and every --configfile
# strictly first. A --configfile that Snakemake cannot load at all (missing, empty, not YAML, not a mapping) stops
# it before this runs, with its own message naming no file: `python -m styledistill.cli.check --configfile FILE`
# names the file and line.
try:
    for _path in ["config.yaml", *workflow.config_settings.configfiles]:
        config_file(_path)
except UserError as exc:
    _fail(f"config: {exc}")


configfile: "config.yaml"


from styledistill.config.study import load as _load_study

try:
    STUDY = _load_study(config)
except UserError as exc:
    _fail(str(exc))
