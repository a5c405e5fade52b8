"""Each stage's conda env (envs/<stage>.yaml) is enough for its stage. Conda cannot be installed here, so:

- a stage whose env has no torch runs its CLI on real data in a virtualenv built from that env file's pins alone
  (the chain make_problems -> decontaminate -> import_traces -> grade -> build_st -> extract_features -> report, each
  in its own env);
- for the torch stages, every third-party module the stage's code imports (its import closure, followed through
  styledistill's own modules) belongs to a package the env pins or one those pins depend on.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, TEST_CACHE

pytestmark = pytest.mark.slow
SRC = REPO / "src"
TORCH_STAGES = ("prepare_model", "generate_traces", "build_variants", "train_sft", "evaluate")
SHARED_TRACES = "traces_thoughtanchors_cots_math.jsonl"


def env_pins(stage: str) -> list[str]:
    env = yaml.safe_load((REPO / "envs" / f"{stage}.yaml").read_text())
    return next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))


def _digest(stage: str) -> str:
    return hashlib.sha256("\n".join(env_pins(stage)).encode()).hexdigest()[:12]


def env_python(stage: str) -> Path:
    """A virtualenv with exactly the env file's pins (cached by their digest), its python."""
    pins = env_pins(stage)
    venv = TEST_CACHE / "stage-envs" / _digest(stage)  # stages with the same pins share one
    python = venv / "bin" / "python"
    if not (venv / "ok").exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        result = subprocess.run([str(python), "-m", "pip", "install", "-q", *pins], capture_output=True, text=True)
        assert result.returncode == 0, f"envs/{stage}.yaml: pip install failed:\n{result.stderr[-3000:]}"
        (venv / "ok").write_text("\n".join(pins))
    return python


def run_in_env(stage: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The stage's CLI in its own env, with styledistill from this checkout on PYTHONPATH (as the Snakefile does)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run([str(env_python(stage)), "-m", f"styledistill.cli.{stage}", *args], capture_output=True,
                            text=True, cwd=REPO, env=env)
    assert result.returncode == 0, f"{stage} in envs/{stage}.yaml failed:\n{result.stderr[-3000:]}"
    return result


def spec(stage: str, settings: dict, **parts: dict) -> str:
    from styledistill.rules import version

    return json.dumps({"version": version(stage), "stage": settings, **parts})


def build_envs(stages: tuple[str, ...]) -> None:
    """The stages' virtualenvs built side by side: pip spends much of its time on downloads and disk, not the CPU."""
    from concurrent.futures import ThreadPoolExecutor

    one_per_pin_set = {_digest(stage): stage for stage in stages}
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(env_python, one_per_pin_set.values()))


def test_the_stages_without_torch_run_in_their_own_envs(shared_data: Path, tmp_path: Path) -> None:
    from styledistill.io import read_table, write_table
    from styledistill.records import columns

    build_envs(("make_problems", "decontaminate", "import_traces", "grade", "build_st", "extract_features", "report"))

    traces_file = str(shared_data / SHARED_TRACES)
    problems, traces = tmp_path / "problems.parquet", tmp_path / "traces.parquet"
    run_in_env("make_problems", "--spec", spec("make_problems", {
        "source": "jsonl", "path": traces_file, "split": "train",
        "fields": {"id": "id", "question": "question", "answer": "gold"}}), "--out", str(problems))
    run_in_env("make_problems", "--spec", spec("make_problems", {
        "source": "preset", "preset": "math500", "path": str(shared_data / "math500.jsonl"), "limit": 5}),
        "--out", str(tmp_path / "math500.parquet"))
    clean = tmp_path / "clean.parquet"
    run_in_env("decontaminate", "--spec", spec("decontaminate", {"ngram": 8, "fuzzy": 90.0}), "--problems",
               str(problems), "--benchmark", f"math500={tmp_path / 'math500.parquet'}", "--out", str(clean),
               "--matches", str(tmp_path / "decontamination.parquet"), "--summary", str(tmp_path / "dc.json"),
               "--markdown", str(tmp_path / "dc.md"))
    problems = clean
    run_in_env("import_traces", "--spec", spec("import_traces", {
        "source": "import", "format": "jsonl", "path": traces_file,
        "fields": {"id": "id", "question": "question", "reasoning": "thinking", "answer": "answer_text",
                   "label": "correct"}}), "--problems", str(problems), "--out", str(traces),
        "--provenance", str(tmp_path / "import.md"), "--teacher", "r1")
    graded = tmp_path / "graded.parquet"
    run_in_env("grade", "--spec", spec("grade", {"grader": "math", "seconds": 10.0}), "--traces", str(traces),
               "--out", str(graded), "--audit", str(tmp_path / "audit.parquet"),
               "--audit-md", str(tmp_path / "audit.md"))
    run_in_env("build_st", "--spec", spec("build_st", {"max_size": 50}), "--graded", str(graded),
               "--out", str(tmp_path / "st.parquet"))
    out = tmp_path / "features"
    run_in_env("extract_features", "measure", "--spec", spec("extract_features", {"lexicon": "r1"}),
               "--traces", str(graded), "--features", str(out / "features.parquet"),
               "--profile", str(out / "style_profile.json"), "--stats", str(out / "stats.csv"),
               "--stats-md", str(out / "stats.md"), "--plots", str(out / "plots"))
    # a student's outputs: the graded traces as eval samples
    rows = read_table(graded, "graded_trace")
    samples = rows.assign(prompt=rows["question"], thinking_tokens=None, waits=0, forced=False,
                          computed_on=None)[columns("eval_sample")]
    write_table(samples, tmp_path / "samples.parquet", "eval_sample", "evaluate", 1)
    labels = {"family": "f", "teacher": "r1", "dataset": "d", "variant": "ST", "benchmark": "b"}
    run_in_env("extract_features", "students", "--spec", spec("measure_student_style", {}, labels=labels),
               "--samples", str(tmp_path / "samples.parquet"), "--profile", str(out / "style_profile.json"),
               "--out", str(tmp_path / "style.parquet"), "--summary", str(tmp_path / "style.json"))
    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps({**labels, "pass@1": 50.0, "pass@1_stderr": 5.0, "n_problems": 10,
                                  "n_samples": 1, "mean_tokens": 100.0}))
    summary = tmp_path / "summary"
    run_in_env("report", "--spec", spec("report", {"variant_order": ["ST"]}, study={}), "--scores", str(scores),
               "--audits", str(tmp_path / "audit.parquet"), "--styles", str(tmp_path / "style.json"),
               "--csv", str(summary / "scores.csv"), "--markdown", str(summary / "scores.md"),
               "--plot", str(summary / "scores.png"), "--lengths-plot", str(summary / "lengths.png"),
               "--style-csv", str(summary / "style.csv"), "--style-plot", str(summary / "style.png"),
               "--audit", str(summary / "grading_audit.parquet"), "--audit-md", str(summary / "grading_audit.md"),
               "--landing", str(summary / "landing.rst"), "--training-csv", str(summary / "training.csv"),
               "--training-plot", str(summary / "training.png"), "--samples-md", str(summary / "samples.md"),
               "--samples-html", str(summary / "samples.html"), "--samples", str(tmp_path / "samples.parquet"),
               "--comparisons-csv", str(summary / "comparisons.csv"),
               "--comparisons-md", str(summary / "comparisons.md"), "--claims", str(summary / "claims.rst"),
               "--teachers-md", str(summary / "teachers.md"), "--teachers-rst", str(summary / "teachers.rst"),
               "--prompted-csv", str(summary / "prompted.csv"))
    assert "## Style transfer" in (summary / "scores.md").read_text()
    assert "## Strict scores" in (summary / "scores.md").read_text()  # scipy and statsmodels are in the env


# What each torch stage runs: its own packages, whose lazy imports (inside functions) it may call. Outside them only
# module-level imports count (a lazy import elsewhere, e.g. the API backend behind a settings class, runs only when
# that code path is taken by its own stage).
STAGE_PACKAGES = {
    "prepare_model": ("styledistill.models",),
    "generate_traces": ("styledistill.traces", "styledistill.generation"),
    "build_variants": ("styledistill.variants", "styledistill.generation", "styledistill.grading",
                       "styledistill.style"),
    "train_sft": ("styledistill.sft",),
    "evaluate": ("styledistill.evaluation", "styledistill.generation", "styledistill.grading"),
}


def _imports(path: Path, lazy: bool) -> set[str]:
    """Absolute module names a file imports at module level, and inside functions too when `lazy`."""
    names: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # imports for type checkers only
            if not inside or lazy:
                if isinstance(child, ast.Import):
                    names.update(alias.name for alias in child.names)
                elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                    names.add(child.module)
                    names.update(f"{child.module}.{alias.name}" for alias in child.names)
            visit(child, inside)

    visit(ast.parse(path.read_text(), str(path)), False)
    return names


def import_closure(stage: str) -> set[str]:
    """Top-level third-party modules the stage's CLI reaches through styledistill's own modules."""
    from styledistill.rule_sources import cli_file
    from styledistill.rules import RULES

    own = (f"styledistill.cli.{stage}", "styledistill.cli._common", *STAGE_PACKAGES[stage])
    # the CLI names its rules' entry modules as text (importlib): they are where its code starts
    entries = [f"styledistill.{RULES[rule].entry}" for rule in RULES if cli_file(rule).stem == stage]
    seen, todo, outside = set(), [f"styledistill.cli.{stage}", *entries], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        base = SRC / Path(*name.split("."))
        path = base.with_suffix(".py") if base.with_suffix(".py").exists() else base / "__init__.py"
        if not path.exists():
            continue  # `from package import name` where name is not a module
        for imported in _imports(path, lazy=name.startswith(own)):
            if imported.startswith("styledistill"):
                todo += [imported, imported.rsplit(".", 1)[0]]
            elif imported.split(".")[0] not in sys.stdlib_module_names and imported != "__future__":
                outside.add(imported.split(".")[0])
    return outside


def _requirements_closure(names: list[str]) -> set[str]:
    """Distributions the pins pull in (as installed here), normalised names."""
    from packaging.requirements import Requirement

    def norm(name: str) -> str:
        return name.lower().replace("_", "-")

    found, todo = set(), [norm(n) for n in names]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(norm(requirement.name))
    return found


@pytest.mark.parametrize("stage", TORCH_STAGES)
def test_a_torch_stage_imports_only_what_its_env_provides(stage: str) -> None:
    modules = import_closure(stage)
    provided = _requirements_closure([pin.split("==")[0] for pin in env_pins(stage)])
    distributions = metadata.packages_distributions()
    missing = {}
    for module in sorted(modules):
        owners = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
        if not owners & provided:
            missing[module] = sorted(owners) or ["(not installed)"]
    assert not missing, f"envs/{stage}.yaml does not provide {missing}"
