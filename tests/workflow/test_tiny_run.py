"""A real tiny end-to-end run, then counted reruns after edits (dry runs)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from styledistill.rules import RULES
from tests.conftest import REPO
from tests.workflow.conftest import (
    copy_workflow,
    executed_jobs,
    planned_jobs,
    planned_wildcards,
    snakemake,
    write_config,
)
from tests.workflow.tiny import PER_FAMILY, SEED_VARIANTS, VARIANTS, tiny_config, trained

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, smollm2_dir):
    workdir = copy_workflow(tmp_path_factory.mktemp("tiny") / "wf")
    config = tiny_config(smollm2_dir)
    write_config(workdir, config)
    snakemake(workdir, "--cores", "2")
    return workdir, config


def test_tiny_run_writes_scores_table_and_plot(finished_run):
    workdir, _ = finished_run
    summary = workdir / "results" / "summary"
    scores = pd.read_csv(summary / "scores.csv")
    assert set(scores["family"]) == {"tllama", "tqwen"}
    assert set(scores["variant"]) == {"base", *VARIANTS}
    assert scores["pass@1"].between(0, 100).all()
    table = (summary / "scores.md").read_text()
    assert "| family | benchmark | base | " + " | ".join(VARIANTS) + " |" in table
    assert (summary / "scores.png").stat().st_size > 5_000
    headline = table.split("\n## ")[0]  # the scores table, before the paper's and the style-transfer sections
    cells = [c.strip() for line in headline.splitlines() if line.startswith(("| tllama ", "| tqwen "))
             for c in line.strip("| ").split(" | ")[2:]]
    assert len(cells) == 2 * (1 + len(VARIANTS)), cells
    assert all(re.fullmatch(r"\d+\.\d ± \d+\.\d( ×2)?", c) for c in cells), cells  # ×2: the mean of two seeds
    # every student (base and tuned) measured against the teacher's ST profile
    style = pd.read_csv(summary / "style_transfer.csv")
    assert len(style) == 2 * (1 + PER_FAMILY) and style["pivot_coverage"].notna().all()
    assert (style["reference.reasoning_tokens"] > 0).all()  # the teacher's profile is the reference of every row
    assert "## Style transfer" in table and "| tllama | tiny_test | teacher ST profile |" in table
    assert (summary / "style_transfer.png").stat().st_size > 5_000 and (summary / "lengths.png").exists()
    aligned = [pd.read_parquet(workdir / f"results/variants/smol/tiny_train/{v}/train.parquet") for v in VARIANTS]
    assert len({tuple(df["problem_id"]) for df in aligned}) == 1  # every variant covers the same problems
    wrong = aligned[VARIANTS.index("ST-HC-W")]
    assert not wrong["target_correct"].any() and aligned[VARIANTS.index("ST-HC")]["target_correct"].all()
    # the prompted baseline, plainly and in the teacher's style, beside the fine-tuned students
    baseline = pd.read_csv(summary / "prompted.csv")
    assert list(baseline["prompt"]) == ["plain", "style"] and set(baseline["model"]) == {"tllama"}
    assert baseline["n_problems"].eq(scores["n_problems"].iloc[0]).all()
    beside = table.split("## Prompted baselines beside fine-tuning")[1].split("\n## ")[0]
    assert "| tbase (plain) | tbase + style | tbase: style − plain | tllama base | tllama ST | tllama ST-HC |" in beside


def test_the_report_shows_how_every_student_trained(finished_run):
    """train_log.json of every SFT job: a table of final figures and the curves, in the report."""
    workdir, _ = finished_run
    summary = workdir / "results" / "summary"
    trained = pd.read_csv(summary / "training.csv")
    assert len(trained) == 2 * PER_FAMILY and set(trained["family"]) == {"tllama", "tqwen"}
    assert (trained["steps"] > 0).all() and trained["final_loss"].notna().all()
    log = json.loads((workdir / "results/sft/tllama/smol/tiny_train/ST/seed-1/model/train_log.json").read_text())
    row = trained[(trained["family"] == "tllama") & (trained["variant"] == "ST") & (trained["seed"] == 1)].iloc[0]
    assert row["final_loss"] == pytest.approx(log["metrics"]["final_loss"], rel=1e-5)
    assert row["computed_on"] == log["metrics"]["computed_on"] and row["computed_on"].startswith("cpu ")
    assert (summary / "training.png").stat().st_size > 10_000
    page = (summary / "scores.md").read_text()
    assert "## Training" in page
    assert f"- {row['computed_on']}: {len(trained)} training job(s)" in page  # one machine trained them all


def test_the_report_shows_what_the_students_and_the_variants_wrote(finished_run):
    workdir, _ = finished_run
    page = (workdir / "results" / "summary" / "samples.md").read_text()
    student = next(part for part in page.split("\n## ")[1:] if part.startswith("tiny_test: "))
    assert student.index("### tllama") < student.index("**base**") < student.index("**ST · seed 0**")
    assert student.index("**ST · seed 1**") < student.index("**ST-HC-W**")  # one seed: no seed in its label
    examples = next(part for part in page.split("\n## ")[1:] if part.startswith("smol/tiny_train: "))
    assert "**teacher (ST source)**" in examples and all(f"**{v}**" in examples for v in VARIANTS)
    assert "data-who='base'" in (workdir / "results" / "summary" / "samples.html").read_text()


def test_a_family_trains_in_two_deepspeed_processes_through_the_rule(finished_run):
    workdir, _ = finished_run
    for variant in VARIANTS:
        log = json.loads((workdir / f"results/sft/tqwen/smol/tiny_train/{variant}/seed-0/model/train_log.json")
                         .read_text())
        assert log["metrics"]["processes"] == [{"rank": r, "engine": "DeepSpeedEngine", "zero_stage": 2}
                                               for r in (0, 1)]
        single = json.loads((workdir / f"results/sft/tllama/smol/tiny_train/{variant}/seed-0/model/train_log.json")
                            .read_text())
        assert single["metrics"]["world_size"] == 1
    printed = snakemake(workdir, "-n", "-p", "--forcerun", "train_sft").stdout
    assert "torchrun --standalone --nnodes 1 --nproc-per-node 2 -m styledistill.cli.train_sft" in printed
    assert "python -m styledistill.cli.train_sft" in printed  # the single-process family


def test_editing_a_deepspeed_config_reruns_the_training_that_uses_it(finished_run):
    workdir, _ = finished_run
    with edited(workdir / "recipes" / "deepspeed" / "zero2.json", '"overlap_comm": true', '"overlap_comm": false'):
        counts = planned_jobs(workdir)
    n = PER_FAMILY
    assert counts == {"train_sft": n, "evaluate_sft": n, "measure_student_style": n, "report": 1, "all": 1}


def test_second_run_schedules_nothing(finished_run):
    workdir, _ = finished_run
    assert planned_jobs(workdir) == {}


def test_learning_rate_edit_reruns_exactly_that_family(finished_run, tmp_path):
    workdir, config = finished_run
    overlay = _with(config, ("families", "tllama", "sft"), {"learning_rate": 5.0e-4}, tmp_path)
    counts = planned_jobs(workdir, "--configfile", overlay)
    n = PER_FAMILY
    assert counts == {"train_sft": n, "evaluate_sft": n, "measure_student_style": n, "report": 1, "all": 1}
    jobs = planned_wildcards(workdir, "--configfile", overlay)
    tuned = [wildcards for rule, wildcards in jobs if rule in ("train_sft", "evaluate_sft")]
    assert len(tuned) == 2 * PER_FAMILY and all("family=tllama" in w for w in tuned)


def test_teacher_shards_merge_and_gpus_are_no_rerun_trigger(finished_run, tmp_path):
    workdir, config = finished_run
    shards = [pd.read_parquet(workdir / f"results/traces/smol/tiny_train/shards/{i}.parquet") for i in range(2)]
    merged = pd.read_parquet(workdir / "results/traces/smol/tiny_train/traces.parquet")
    assert min(map(len, shards)) > 0 and len(merged) == sum(map(len, shards))
    assert not set(shards[0]["problem_id"]) & set(shards[1]["problem_id"])
    teacher = config["teachers"]["smol"]
    edited = {**config, "teachers": {"smol": {**teacher, "generation": {**teacher["generation"], "gpus": 1}}}}
    (tmp_path / "edited.yaml").write_text(__import__("yaml").safe_dump(edited))
    assert planned_jobs(workdir, "--configfile", str(tmp_path / "edited.yaml")) == {}


@contextmanager
def edited(path: Path, old: str, new: str):
    """Edit a file for the block; then put back its text and its time stamp (the outputs stay as the edited run
    left them, and Snakemake sees nothing to redo)."""
    original, stat = path.read_text(), path.stat()
    assert old in original
    path.write_text(original.replace(old, new))
    try:
        yield
    finally:
        path.write_text(original)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _aligned(workdir: Path) -> list[str]:
    return json.loads((workdir / "results/variants/smol/tiny_train/alignment/summary.json").read_text())["problem_ids"]


def _descendants(variants: list[str], families: int = 2) -> dict[str, int]:
    """The jobs a rebuild of these variants runs when the aligned problems stay the same."""
    n, students = len(variants), trained(variants) * families
    return {"make_variant": n, "align_variants": 1, "select_variant": n, "publish_variant": n,
            "compare_variants": 1, "train_sft": students, "evaluate_sft": students,
            "measure_student_style": students, "report": 1, "all": 1}


def test_variants_are_what_their_names_say(finished_run):
    workdir, _ = finished_run
    frames = {v: pd.read_parquet(workdir / f"results/variants/smol/tiny_train/{v}/train.parquet") for v in VARIANTS}
    hc, wrong = frames["ST-HC"].set_index("problem_id"), frames["ST-HC-W"].set_index("problem_id")
    assert hc["target_correct"].all() and hc["style_distance"].notna().all()
    assert not wrong["target_correct"].any()
    for pid in wrong.index:  # ST-HC-W keeps its ST-HC trace as a prefix
        kept = int(wrong.loc[pid, "prefix_share"] * len(hc.loc[pid, "reasoning"]))
        assert kept > 0 and wrong.loc[pid, "reasoning"][:kept] == hc.loc[pid, "reasoning"][:kept]
    comparison = pd.read_csv(workdir / "results/variants/smol/tiny_train/comparison.csv").set_index("variant")
    assert comparison.loc["ST-PS", "pivots_total"] == 0
    published = workdir / "results/variants/smol/tiny_train/ST-HC-W/published"
    assert "Share of the input trace kept verbatim" in (published / "README.md").read_text()
    assert (published / "hf" / "dataset_info.json").exists()


def test_editing_one_prompt_reruns_only_that_variant_and_its_descendants(finished_run):
    """The ST-HC prompt plans ST-HC again and the variants built from it (ST-HC-W, ST-HC-LM), no other variant (SBS,
    with a prompt of its own, included) and no teacher. Then counted from a real run's log, across the alignment
    checkpoint, on the ST-HC-W prompt (one variant built from another: the cheaper real run): that variant and what
    depends on it, nothing else, and the aligned problems stay."""
    workdir, _ = finished_run
    with edited(workdir / "prompts" / "synthetic_hc.yaml", "Write a solution", "Write a careful solution"):
        jobs = planned_wildcards(workdir)
    rebuilt = {re.search(r"variant=([\w-]+)", w).group(1) for rule, w in jobs if rule == "make_variant"}
    assert rebuilt == {"ST-HC", "ST-HC-W", "ST-HC-LM"}
    assert not {"generate_traces", "grade", "build_st", "extract_features", "evaluate_base"} & {r for r, _ in jobs}
    before = _aligned(workdir)
    with edited(workdir / "prompts" / "synthetic_hc_w.yaml", "makes a plausible slip", "makes one plausible slip"):
        assert executed_jobs(workdir) == _descendants(["ST-HC-W"])
    assert _aligned(workdir) == before


def test_report_opens_in_a_browser_on_the_study_and_its_headline_table(finished_run, tmp_path):
    """`snakemake --report` in headless Chromium: the landing page describes the study and shows the headline
    table (the report rule's results/summary/landing.rst) and the scores plot, embedded, offline, without errors."""
    from tests.report_browser import find_chromium, open_in_browser

    if find_chromium() is None:
        pytest.skip("chromium is not installed (make browser, or scripts/install-chromium.sh)")
    workdir, _ = finished_run
    assert (workdir / "results/summary/landing.rst").exists(), "the report rule writes the landing page's table"
    # Written outside the workdir, so a relative link to a result file could not resolve: all must be embedded.
    snakemake(workdir, "--report", str(tmp_path / "report.html"))
    seen = open_in_browser(tmp_path / "report.html", tmp_path / "report.png")

    assert seen.errors == []
    assert seen.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and seen.screenshot.stat().st_size > 30_000
    text = seen.text
    assert "System Message" not in text  # docutils' rendering of a broken include or bad markup
    assert "style-distill" in text and "How to read it" in text
    assert "The configuration of this run" in text and '"tiny_test": {' in text  # the config, as merged
    assert "\t".join(["family", "benchmark", "base", *VARIANTS]) in text  # the paper's layout, as the header row
    for family in ("tllama", "tqwen"):
        assert re.search(rf"{family}\ttiny_test\t\d+\.\d ± \d+\.\d\t", text), f"no score row for {family}"
    plots = [image for image in seen.rendered_images if image["src"].startswith("data:image/png")]
    assert plots, f"no embedded plot rendered on the landing page: {seen.images}"
    # it opens with the paper's claims, tested: our difference and interval, seeds, verdict, the paper's difference
    assert text.index("The paper's claims, tested") < text.index("Headline: pass@1")
    interval = r"[+-]\d+\.\d \[[+-]\d+\.\d, [+-]\d+\.\d\]"
    assert re.search(rf"ST > base\ttllama\ttiny_test\t{interval}\t2/1\t", text), text[:3000]
    assert "ST-HC ≈ ST\ttqwen\ttiny_test" in text


def test_training_seeds_reach_the_comparisons(finished_run):
    """Two seeds of ST: its comparisons count both, with the seed-to-seed SD beside the problem SE; the other
    variants have one seed, and a comparison of two of them no seed SD."""
    workdir, _ = finished_run
    compared = pd.read_csv(workdir / "results/summary/comparisons.csv")
    assert set(compared["family"]) == {"tllama", "tqwen"}
    st = compared[compared["contrast"] == "ST − ST-HC"]
    assert len(st) == 2 and (st["seeds_a"] == 2).all() and (st["seeds_b"] == 1).all() and st["seed_sd"].notna().all()
    base = compared[compared["contrast"] == "ST-HC-W − base"]
    assert (base["seeds_a"] == 1).all() and base["seed_sd"].isna().all()
    assert set(compared["verdict"]) <= {"better", "worse", "inconclusive", "inconclusive (no variation)",
                                        "equivalent within ±3"} | {f"{v} (yet within ±3)" for v in ("better", "worse")}
    assert {"ST-PS − ST", "ST-SS − ST", "ST-HC-LM − ST-HC"} <= set(compared["contrast"])  # each ablation − its input
    table = (workdir / "results/summary/comparisons.md").read_text()
    assert "| SD seeds |" in table and "| 2/1 |" in table
    scores = pd.read_csv(workdir / "results/summary/scores.csv")
    assert sorted(scores[(scores["family"] == "tllama") & (scores["variant"] == "ST")]["seed"]) == [0, 1]


def test_adding_a_seed_reruns_only_that_seeds_jobs_and_the_report(finished_run, tmp_path):
    workdir, config = finished_run
    overlay = _with(config, ("study", "seeds"), [0, 1, 2], tmp_path)
    n = 2 * len(SEED_VARIANTS)  # two families
    assert planned_jobs(workdir, "--configfile", overlay) == {
        "train_sft": n, "evaluate_sft": n, "measure_student_style": n, "report": 1, "all": 1}
    jobs = planned_wildcards(workdir, "--configfile", overlay)
    assert all("seed=2" in w for rule, w in jobs if rule == "train_sft")


def _with(config: dict, path: tuple[str, ...], value, tmp_path: Path) -> str:
    """A copy of the config with one setting changed, written as an overlay file; its path."""
    edited = json.loads(json.dumps(config))
    node = edited
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    out = tmp_path / "edited.yaml"
    out.write_text(__import__("yaml").safe_dump(edited))
    return str(out)


def test_a_benchmark_sample_count_reruns_only_its_evaluations_and_the_report(finished_run, tmp_path):
    workdir, config = finished_run
    overlay = _with(config, ("benchmarks", "tiny_test", "n_samples"), 2, tmp_path)
    assert planned_jobs(workdir, "--configfile", overlay) == {
        "evaluate_base": 2, "evaluate_sft": 2 * PER_FAMILY, "measure_base_style": 2,
        "measure_student_style": 2 * PER_FAMILY, "evaluate_prompted": 1, "evaluate_styled": 1, "report": 1, "all": 1}


def test_experiment_trackers_rerun_nothing(finished_run, tmp_path):
    """Trackers reach the jobs through the environment: what is trained does not change, so nothing reruns."""
    workdir, config = finished_run
    overlay = _with(config, ("tracking",), {"report_to": ["tensorboard", "mlflow"]}, tmp_path)
    assert planned_jobs(workdir, "--configfile", overlay) == {}


def test_a_report_setting_reruns_only_the_report(finished_run, tmp_path):
    workdir, config = finished_run
    overlay = _with(config, ("report",), {"variant_order": list(reversed(VARIANTS))}, tmp_path)
    assert planned_jobs(workdir, "--configfile", overlay) == {"report": 1, "all": 1}


def test_adding_a_family_runs_only_its_jobs_and_the_report(finished_run, tmp_path):
    workdir, config = finished_run
    edited = json.loads(json.dumps(config))
    edited["families"]["tllama2"] = {**config["families"]["tllama"], "sft": {"learning_rate": 5.0e-4}}
    edited["study"]["families"] = [*config["study"]["families"], "tllama2"]
    (tmp_path / "edited.yaml").write_text(__import__("yaml").safe_dump(edited))
    n = PER_FAMILY
    counts = planned_jobs(workdir, "--configfile", str(tmp_path / "edited.yaml"))
    assert counts == {"train_sft": n, "evaluate_base": 1, "evaluate_sft": n, "measure_student_style": n,
                      "measure_base_style": 1, "report": 1, "all": 1}


def test_a_teacher_sampling_edit_reruns_the_teacher_and_everything_downstream(finished_run, tmp_path):
    """Everything from the teacher's generation down; not the problems, the models or the base students' answers
    (their style is measured again against the new profile)."""
    workdir, config = finished_run
    teacher = config["teachers"]["smol"]
    overlay = _with(config, ("teachers", "smol", "generation"), {**teacher["generation"], "temperature": 0.6},
                    tmp_path)
    counts = planned_jobs(workdir, "--configfile", overlay)
    assert counts["generate_traces"] == 2 and counts["merge_traces"] == 1 and counts["grade"] == 1
    assert counts["extract_features"] == 1 and counts["make_variant"] == len(VARIANTS)
    assert counts["measure_student_style"] == 2 * PER_FAMILY and counts["measure_base_style"] == 2
    assert counts["report"] == 1 and counts["evaluate_styled"] == 1  # the style prompt reads the new profile
    assert not {"make_problems", "prepare_model", "evaluate_base", "evaluate_prompted"} & set(counts)


def test_a_lexicon_edit_reruns_the_features_and_the_variants_that_use_the_style(finished_run, tmp_path):
    """The variants whose build reads the style profile (ST-HC's prompt and check, the ablations) and what is built
    from them (ST-HC-W); ST, ST-NT and SBS do not read it and stay; every student's style is measured again."""
    workdir, config = finished_run
    features = config.get("features", {})
    lexicon = {"realization": ["wait"], "verification": ["let me check"], "exploration": ["alternatively"],
               "integration": ["putting it together"]}
    overlay = _with(config, ("features",), {**features, "lexicon": lexicon}, tmp_path)
    counts = planned_jobs(workdir, "--configfile", overlay)
    assert counts["make_variant"] == 5  # ST-HC, ST-HC-W, ST-PS, ST-SS, ST-HC-LM
    jobs = planned_wildcards(workdir, "--configfile", overlay)
    rebuilt = {re.search(r"variant=([\w-]+)", w).group(1) for rule, w in jobs if rule == "make_variant"}
    assert rebuilt == {"ST-HC", "ST-HC-W", "ST-PS", "ST-SS", "ST-HC-LM"}
    rules = {rule for rule, _ in jobs}
    assert "extract_features" in rules and "measure_student_style" in rules
    assert not {"generate_traces", "grade", "build_st", "evaluate_base"} & rules


@contextmanager
def bumped(workdir: Path, rule: str):
    """The workflow copy runs with `rule`'s version one higher, in a copy of the sources (its src/ is a link to this
    checkout's otherwise)."""
    src = workdir / "src"
    src.unlink()
    shutil.copytree(REPO / "src", src, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    table = src / "styledistill" / "rules.py"
    text, count = re.subn(rf'("{rule}": Rule\()(\d+)', lambda m: f"{m.group(1)}{int(m.group(2)) + 1}",
                          table.read_text())
    assert count == 1, rule
    table.write_text(text)
    try:
        yield
    finally:
        shutil.rmtree(src)
        src.symlink_to(REPO / "src")


def test_bumping_the_publish_rule_reruns_only_the_published_sets_and_their_comparison(finished_run):
    """A change to the dataset card's code: no variant is rebuilt, no student retrained or evaluated again."""
    workdir, _ = finished_run
    with bumped(workdir, "publish_variant"):
        assert planned_jobs(workdir) == {"publish_variant": len(VARIANTS), "compare_variants": 1, "all": 1}
    assert planned_jobs(workdir) == {}


def test_bumping_the_select_rule_reruns_the_training_sets_and_what_reads_them(finished_run):
    workdir, _ = finished_run
    n, students = len(VARIANTS), 2 * PER_FAMILY
    with bumped(workdir, "select_variant"):
        assert planned_jobs(workdir) == {
            "select_variant": n, "publish_variant": n, "compare_variants": 1, "train_sft": students,
            "evaluate_sft": students, "measure_student_style": students, "report": 1, "all": 1}


def _specs_by_rule(printed: str) -> dict[str, list[dict]]:
    """The --spec of every job a dry run with -p prints, by rule."""
    out: dict[str, list[dict]] = {}
    rule = None
    for line in printed.splitlines():
        if match := re.match(r"^(?:local)?(?:rule|checkpoint) (\w+):$", line.strip()):
            rule = match.group(1)
        elif rule and "styledistill.cli." in line:
            words = shlex.split(line.split(" > ")[0])
            out.setdefault(rule, []).append(json.loads(words[words.index("--spec") + 1]))
            rule = None
    return out


def test_every_rule_passes_its_own_version(finished_run):
    """Every rule of the workflow, walked through two dry runs of the finished study (all jobs up to the alignment
    checkpoint, then those after it): each job's spec carries its own rule's version."""
    workdir, _ = finished_run
    specs = _specs_by_rule(snakemake(workdir, "-n", "-p", "--forceall").stdout)
    for rule, found in _specs_by_rule(snakemake(workdir, "-n", "-p", "--forcerun", "select_variant").stdout).items():
        specs.setdefault(rule, found)
    # the tiny study imports no traces, simulates none, discovers no pivots, splits no benchmark and downloads no hub
    # model: those rules are walked in test_static.py
    assert set(specs) == set(RULES) - {"discover_pivots", "import_traces", "simulate_traces", "answer_base",
                                       "answer_sft", "download_model"}
    wrong = {rule: sorted({s.get("version") for s in found}) for rule, found in specs.items()
             if {s.get("version") for s in found} != {RULES[rule].version}}
    assert not wrong, wrong


def test_a_decontamination_setting_resends_no_teacher_request(finished_run, tmp_path):
    """Another n-gram length and no fuzzy pass: the problems are checked again and the teacher answers the cleaned
    set again, but every request of a kept problem is in the store (last: the run then holds this setting)."""
    workdir, config = finished_run
    overlay = _with(config, ("decontaminate",), {"ngram": 12, "fuzzy": None}, tmp_path)
    traces = "results/traces/smol/tiny_train/traces.parquet"
    assert planned_jobs(workdir, traces, "--configfile", overlay) == {
        "decontaminate": 1, "generate_traces": 2, "merge_traces": 1}
    snakemake(workdir, traces, "--cores", "2", "--configfile", overlay)
    for shard in range(2):
        log = (workdir / f"logs/generate_traces/smol/tiny_train/{shard}.log").read_text()
        assert re.search(r"\d+ request\(s\): \d+ cached, 0 to generate", log), log[-2000:]
