"""envs/<stage>.yaml pin the same versions as pyproject.toml."""

from __future__ import annotations

import tomllib

import yaml

from styledistill.rule_sources import cli_file
from styledistill.rules import RULES
from tests.conftest import REPO

# A stage: one CLI (styledistill/cli/<stage>.py) that runs rules, one env.
STAGES = sorted({cli_file(rule).stem for rule in RULES})


def _pins(requirements):
    return dict(r.split("==") for r in requirements if "==" in r)


def test_one_env_per_stage_with_pyproject_pins():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    allowed = _pins(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        allowed.update(_pins(extra))
    for stage in STAGES:
        env = yaml.safe_load((REPO / "envs" / f"{stage}.yaml").read_text())
        pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
        for name, pinned in _pins(pip).items():
            assert allowed.get(name) == pinned, f"envs/{stage}.yaml: {name}=={pinned}, pyproject: {allowed.get(name)}"
        assert set(_pins(project["dependencies"])) <= set(_pins(pip)), f"envs/{stage}.yaml lacks core pins"


def test_every_rule_names_its_env():
    for smk in (REPO / "workflow" / "rules").glob("*.smk"):
        lines = smk.read_text().splitlines()
        rules = [line for line in lines if line.startswith(("rule ", "checkpoint "))]
        assert len(rules) == sum(line.strip() == "conda:" for line in lines), smk.name
