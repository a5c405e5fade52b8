"""Every CPU stage as its input grows: realistic R1 traces (the shared R1-distill traces, resampled and perturbed:
sentences dropped and swapped, numbers changed, each row a new problem) at --sizes rows, through the stages' own
CLIs with the specs a study passes them: problem loading, import, grade, ST selection, features and the style
profile, the copy-only variants (ST, ST-NT, ST-MM, ST-PS, ST-SS), alignment, selection, the dataset cards and the
variants' comparison table. Prints, per stage and size, wall seconds and peak memory (max RSS of the stage's process
tree, GNU time), then each stage's growth exponent between the two largest sizes (time ~ rows^k: 1 is linear). No
pass/fail.

    .venv/bin/python bench/scale.py [--sizes 2000 20000 200000] [--stages import_traces grade ...] [--until grade]
                                    [--keep DIR]   (keep every stage's output there, to time one stage again)
    .venv/bin/python bench/scale.py --sizes 200000 --keep DIR --again build_st "publish_variant ST"
                                    (time those stages again on what DIR kept, with the code as it is now)
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "traces_thoughtanchors_cots_math.jsonl"
FIELDS = {"id": "id", "question": "question", "reasoning": "thinking", "answer": "answer_text", "gold": "gold",
          "label": "correct"}
COPIED = ["ST", "ST-NT", "ST-MM", "ST-PS", "ST-SS"]
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def perturbed(row: dict, i: int, rng: np.random.Generator) -> dict:
    """A new problem from a real trace: its sentences with a few dropped and one pair swapped, one number changed."""
    sentences = SENTENCE.split(row["thinking"])
    keep = [s for s in sentences if rng.random() > 0.05] or sentences
    if len(keep) > 3:
        j = int(rng.integers(1, len(keep) - 1))
        keep[j], keep[j + 1] = keep[j + 1], keep[j]
    thinking = " ".join(keep)
    thinking = re.sub(r"\d+", lambda m: str(int(m.group()) + int(rng.integers(1, 9))), thinking, count=1)
    return {**row, "id": f"t{i:07d}", "question": f"{row['question']} (case {i})", "thinking": thinking}


def write_data(where: Path, rows: int, seed: int = 0) -> tuple[Path, Path]:
    """(problems.jsonl, traces.jsonl) of `rows` perturbed traces and their problems."""
    source = [json.loads(line) for line in SHARED.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = np.random.default_rng(seed)
    problems, traces = where / "problems.jsonl", where / "traces.jsonl"
    with open(problems, "w", encoding="utf-8") as p, open(traces, "w", encoding="utf-8") as t:
        for i in range(rows):
            row = perturbed(source[int(rng.integers(len(source)))], i, rng)
            t.write(json.dumps(row) + "\n")
            p.write(json.dumps({"id": row["id"], "question": row["question"], "answer": row["gold"]}) + "\n")
    return problems, traces


def overlay(problems: Path, traces: Path, rows: int) -> dict:
    return {
        "study": {"teachers": ["r1"], "datasets": ["scale"], "variants": COPIED, "baselines": []},
        "datasets": {"scale": {"source": "jsonl", "split": "train", "path": str(problems),
                               "fields": {"id": "id", "question": "question", "answer": "answer"}}},
        "teachers": {"r1": {"source": "import", "format": "jsonl", "path": str(traces), "fields": FIELDS}},
        "decontaminate": {"enabled": False},
        "build_st": {"max_size": rows},
        "build_variants": {"size": rows, "min_size": 0.01},
        "features": {"lexicon": "r1"},
    }


@dataclass
class Stage:
    name: str
    args: list[str]


def stages(study, out: Path) -> list[Stage]:
    from styledistill.config import specs

    cli = [sys.executable, "-m"]
    raw = {v: str(out / f"raw-{v}.parquet") for v in COPIED}
    problems, traces, graded, st = (str(out / n) for n in ("problems.parquet", "traces.parquet", "graded.parquet",
                                                             "st.parquet"))
    profile, alignment = str(out / "features" / "style_profile.json"), str(out / "alignment")
    steps = [
        Stage("make_problems", [*cli, "styledistill.cli.make_problems", "--spec", specs.make_problems(study, "scale"),
                                "--out", problems]),
        Stage("import_traces", [*cli, "styledistill.cli.import_traces", "--spec", specs.import_traces(study, "r1"),
                                "--problems", problems, "--out", traces, "--provenance", str(out / "import.md")]),
        Stage("grade", [*cli, "styledistill.cli.grade", "--spec", specs.grade(study, "scale"), "--traces", traces,
                        "--out", graded, "--audit", str(out / "audit.parquet"), "--audit-md", str(out / "audit.md"),
                        "--threads", "2"]),
        Stage("build_st", [*cli, "styledistill.cli.build_st", "--spec", specs.build_st(study), "--graded", graded,
                           "--out", st]),
        Stage("extract_features", [*cli, "styledistill.cli.extract_features", "--threads", "2", "measure", "--spec",
                                   specs.extract_features(study), "--traces", graded, "--features",
                                   f"{out}/features/features.parquet", "--profile", profile, "--stats",
                                   f"{out}/features/stats.csv", "--stats-md", f"{out}/features/stats.md",
                                   "--plots", f"{out}/features/plots", "--title", "scale"]),
    ]
    for variant in COPIED:
        extra = ["--profile", profile] if variant in ("ST-PS", "ST-SS") else []
        steps.append(Stage(f"make_variant {variant}", [
            *cli, "styledistill.cli.build_variants", "--threads", "1", "make", "--spec",
            specs.make_variant(study, variant, "scale"), "--variant", variant, "--input", st, *extra, "--store",
            str(out / "requests"), "--gpus", "0", "--out", raw[variant]]))
    steps.append(Stage("align_variants", [*cli, "styledistill.cli.build_variants", "align", "--spec",
                                          specs.align_variants(study), "--raw", *raw.values(), "--problems", problems,
                                          "--st", st, "--out", alignment]))
    for variant in COPIED:
        steps.append(Stage(f"select_variant {variant}", [
            *cli, "styledistill.cli.build_variants", "select", "--spec", specs.select_variant(study, variant),
            "--raw", raw[variant], "--problems", "@aligned", "--out", str(out / variant / "train.parquet")]))
    for variant in COPIED:
        where = SimpleNamespace(teacher="r1", dataset="scale", variant=variant)
        steps.append(Stage(f"publish_variant {variant}", [
            *cli, "styledistill.cli.build_variants", "--threads", "2", "publish", "--spec",
            specs.publish_variant(study, where),
            "--variant", variant, "--train", str(out / variant / "train.parquet"), "--raw", raw[variant], "--st", st,
            "--features", f"{out}/features/features.parquet", "--profile", profile,
            "--out", str(out / variant / "published")]))
    steps.append(Stage("compare_variants", [
        *cli, "styledistill.cli.build_variants", "compare", "--spec", specs.compare_variants(), "--published",
        *(str(out / v / "published") for v in COPIED), "--alignment", alignment, "--csv", str(out / "comparison.csv"),
        "--markdown", str(out / "comparison.md"), "--plot", str(out / "comparison.png")]))
    return steps


def measure(stage: Stage, out: Path) -> tuple[float, float]:
    """(wall seconds, peak memory in MB) of one stage's CLI under GNU time."""
    from styledistill.variants.align import problems_file

    args = [problems_file(out / "alignment") if a == "@aligned" else a for a in stage.args]
    timing = out / "time.txt"
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", str(timing), *args], cwd=REPO,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{stage.name} failed:\n{result.stderr[-3000:]}")
    seconds, kilobytes = timing.read_text().split()[-2:]
    return float(seconds), int(kilobytes) / 1024


def run_size(rows: int, tmp: Path, chosen: set[str] | None, until: str | None,
             keep: bool = False, again: set[str] | None = None) -> dict[str, tuple[float, float]]:
    from snakemake.utils import update_config

    from styledistill.config.study import load

    where = tmp / str(rows)
    if again:
        problems, traces = where / "problems.jsonl", where / "traces.jsonl"
        if not traces.exists():
            raise SystemExit(f"--again: {where} holds no kept run of {rows} rows")
    else:
        where.mkdir()
        problems, traces = write_data(where, rows)
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    update_config(config, overlay(problems, traces, rows))
    study = load(config)
    out = where / "out"
    out.mkdir(exist_ok=bool(again))
    results = {}
    for stage in stages(study, out):
        if again and stage.name not in again and stage.name.split()[0] not in again:
            continue
        seconds, mb = measure(stage, out)
        if chosen is None or stage.name.split()[0] in chosen:
            results[stage.name] = (seconds, mb)
        print(f"{rows:>8} {stage.name:<24} {seconds:>9.1f} s {mb:>9.0f} MB", flush=True)
        if stage.name == until:
            break
    if not keep:
        shutil.rmtree(where)
    return results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[2_000, 20_000, 200_000])
    p.add_argument("--stages", nargs="*", help="only report these stages (the others still run: each feeds the next)")
    p.add_argument("--until", help="stop after this stage (e.g. import_traces)")
    p.add_argument("--keep", type=Path, help="work in this (empty) directory and keep every stage's output there")
    p.add_argument("--again", nargs="+", help="with --keep: only time these stages again (a rule name, or a rule and "
                                              "its variant), on the outputs kept there")
    args = p.parse_args()
    if args.again and not args.keep:
        p.error("--again needs --keep DIR (the directory of a kept run)")
    chosen = set(args.stages) if args.stages else None
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        again = set(args.again) if args.again else None
        table = {rows: run_size(rows, args.keep, chosen, args.until, keep=True, again=again) for rows in args.sizes}
    else:
        with tempfile.TemporaryDirectory() as tmp:
            table = {rows: run_size(rows, Path(tmp), chosen, args.until) for rows in args.sizes}
    sizes = sorted(table)
    names = list(table[sizes[0]])
    header = "".join(f" {f'{n:,} rows':>20}" for n in sizes)
    print(f"\n{'stage':<24}{header} {'exponent':>9}")
    for name in names:
        cells = "".join(f" {table[n][name][0]:>9.1f} s {table[n][name][1]:>6.0f} MB" for n in sizes)
        exponent = "–"
        if len(sizes) > 1:
            (a, ta), (b, tb) = (sizes[-2], table[sizes[-2]][name][0]), (sizes[-1], table[sizes[-1]][name][0])
            exponent = f"{math.log(max(tb, 1e-3) / max(ta, 1e-3)) / math.log(b / a):.2f}"
        print(f"{name:<24}{cells} {exponent:>9}")


if __name__ == "__main__":
    main()
