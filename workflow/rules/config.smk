# The config, read strictly and checked before anything is planned: a YAML syntax error, a key written twice, an
# unknown key, a bad value, a dangling reference, a missing or malformed file the config names -- each is one line
# naming the file or key, and no job runs. Library code never reads config.yaml: rules pass each job its slice.

import sys
from pathlib import Path

# Jobs import the stage code from this checkout, whichever environment (venv, --sdm conda, SLURM) runs them.
_SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, _SRC)

from styledistill.errors import UserError
from styledistill.io import read_yaml


def _fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


# Snakemake would read config.yaml leniently (a duplicated key silently wins): read it and every --configfile
# strictly first. (A syntax error in a --configfile stops Snakemake before this runs, with its own message.)
try:
    for _path in ["config.yaml", *workflow.config_settings.configfiles]:
        read_yaml(_path, "config file")
except UserError as exc:
    _fail(f"config: {exc}")


configfile: "config.yaml"


from styledistill.config.study import load as _load_study

try:
    STUDY = _load_study(config)
except UserError as exc:
    _fail(str(exc))
