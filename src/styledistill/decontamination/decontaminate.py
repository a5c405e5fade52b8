"""Rule decontaminate: a training set's problems checked against the benchmarks of the study, and against one
another, before any teacher sees them.

A training problem matches a benchmark problem when their normalised texts are equal, when they share a word n-gram
(boilerplate sentences and n-grams left out), or, optionally, when their fuzzy ratio reaches a threshold; a training
problem repeats an earlier one when their normalised texts are equal. Writes the cleaned problems (action drop: the
matched ones left out), every match (record "contamination", both texts), a summary (JSON) and a page for people.
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from typing import Any

import pandas as pd
from tqdm import tqdm

from styledistill.cli._common import load_job
from styledistill.decontamination import matching
from styledistill.decontamination.report import markdown
from styledistill.decontamination.settings import MatchSettings
from styledistill.errors import UserError
from styledistill.io import all_or_none, atomic_write_text, read_table, write_json, write_table
from styledistill.records import columns

RULE = "decontaminate"
log = logging.getLogger(__name__)


def _problems(df: pd.DataFrame, source: str) -> list[matching.Problem]:
    return [matching.Problem(source, str(pid), str(question)) for pid, question in zip(df["problem_id"],
                                                                                        df["question"])]


def find(train: pd.DataFrame, name: str, benchmarks: dict[str, pd.DataFrame],
         settings: MatchSettings) -> pd.DataFrame:
    """Every match of a training problem (record "contamination")."""
    pool = [problem for bench, df in benchmarks.items() for problem in _problems(df, bench)]
    index = matching.BenchmarkIndex(pool, settings.ngram, settings.boilerplate)
    fuzzy = matching.FuzzyIndex(index, settings.fuzzy) if settings.fuzzy is not None else None
    problems = _problems(train, name)
    found: list[matching.Match] = []
    for problem in tqdm(problems, desc="decontaminate", unit="problem", disable=len(problems) < 2000):
        matches = index.matches(problem)
        if fuzzy is not None:
            matches.update(fuzzy.matches(problem, set(matches)))
        found += matches.values()
    if settings.dedup:
        found += matching.duplicates(problems)
    rows = [{"problem_id": m.train.id, "benchmark": m.other.source, "benchmark_id": m.other.id, "method": m.method,
             "evidence": m.evidence, "score": m.score, "dropped": settings.action == "drop",
             "question": m.train.text, "benchmark_question": m.other.text} for m in found]
    return pd.DataFrame(rows, columns=columns("contamination")).astype({"score": "float64"})


def summary(train: pd.DataFrame, benchmarks: dict[str, pd.DataFrame], matches: pd.DataFrame,
            settings: MatchSettings, kept: int) -> dict[str, Any]:
    contaminated = matches[matches["method"] != matching.DUPLICATE]
    per_benchmark = {}
    for bench, df in benchmarks.items():
        rows = contaminated[contaminated["benchmark"] == bench]
        per_benchmark[bench] = {
            "benchmark_problems": len(df), "training_problems_matched": int(rows["problem_id"].nunique()),
            "benchmark_problems_matched": int(rows["benchmark_id"].nunique()),
            "by_method": dict(sorted(Counter(rows.drop_duplicates("problem_id")["method"]).items())),
        }
    return {"problems": len(train), "kept": kept, "dropped": len(train) - kept,
            "contaminated": int(contaminated["problem_id"].nunique()),
            "duplicates": int((matches["method"] == matching.DUPLICATE).sum()), "benchmarks": per_benchmark,
            "settings": settings.to_spec()}


def run(problems_path: str, benchmark_paths: dict[str, str], out: str, matches_path: str, summary_path: str,
        markdown_path: str, settings: MatchSettings, name: str, version: int | None) -> None:
    train = read_table(problems_path, "problem")
    benchmarks = {bench: read_table(path, "problem") for bench, path in benchmark_paths.items()}
    matches = find(train, name, benchmarks, settings)
    dropped = set(matches["problem_id"]) if settings.action == "drop" else set()
    cleaned = train[~train["problem_id"].isin(dropped)].reset_index(drop=True)
    if cleaned.empty:
        raise UserError(f"{problems_path}: every problem matches a benchmark problem or repeats another; nothing is "
                        "left to train on (decontaminate.action: report keeps them)")
    info = summary(train, benchmarks, matches, settings, len(cleaned))
    with all_or_none(out, matches_path, summary_path, markdown_path):
        write_table(matches, matches_path, "contamination", RULE, version, **{k: info[k] for k in
                                                                              ("problems", "kept", "dropped")})
        write_json(summary_path, info)
        atomic_write_text(markdown_path, markdown(name, info, matches))
        write_table(cleaned, out, "problem", RULE, version, decontamination=info)
    log.info("%s: %d problems, %d match a benchmark problem, %d repeat another; %d kept", name, len(train),
             info["contaminated"], info["duplicates"], len(cleaned))


def _benchmark(text: str) -> tuple[str, str]:
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise UserError(f"--benchmark: {text!r} is not NAME=PROBLEMS.parquet")
    return name, path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--problems", required=True, help="the training problems (problems.parquet, record: problem)")
    p.add_argument("--benchmark", nargs="*", default=[], metavar="NAME=PROBLEMS",
                   help="each benchmark's problems.parquet, under its name")
    p.add_argument("--name", default="train", help="the training set's name (the dataset key)")
    p.add_argument("--out", required=True, help="the cleaned problems to write (record: problem)")
    p.add_argument("--matches", required=True, help="decontamination.parquet to write (record: contamination)")
    p.add_argument("--summary", required=True, help="decontamination.json to write: counts per benchmark")
    p.add_argument("--markdown", required=True, help="decontamination.md to write: counts and the matched pairs")


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec)
    settings = MatchSettings.from_spec(job["stage"], "--spec: stage")
    benchmarks = dict(_benchmark(text) for text in args.benchmark)
    run(args.problems, benchmarks, args.out, args.matches, args.summary, args.markdown, settings, args.name,
        job.version)
