"""Rule report: scores in the paper's layout (CSV, Markdown, plot) with the paper's numbers beside ours, the
style-transfer table and plots, output lengths, the grading audit of every evaluation, and the landing page of
`snakemake --report`; all written or none."""

from __future__ import annotations

import argparse
from dataclasses import astuple, dataclass, field
from pathlib import Path

import pandas as pd

from styledistill.cli._common import load_job
from styledistill.errors import UserError
from styledistill.io import all_or_none, atomic_write_text, read_json, write_manifest
from styledistill.markdown import frame
from styledistill.report.settings import ReportSettings

RULE = "report"
INTRO = ("pass@1 (%) ± standard error over problems; rows: student family × benchmark; "
         "columns: the base student, then the student fine-tuned on each variant.")
SAMPLES_TITLE = "What the models wrote: students side by side, and the training examples of each variant"
TRAINING_INTRO = ("Each SFT job's first and final training loss, optimizer steps, tokens trained, wall time and "
                  "throughput (train_log.json next to each model); the curves: results/summary/training.png.")
STRICT_INTRO = ("Strict pass@1 (%) ± standard error: a truncated output is wrong, and so is an answer found only by a "
                "fallback (the last number or expression of the output); after the dot, the share of outputs with no "
                "answer the grader could extract. Leniency flatters the variants whose students run to the token cap.")
TRAINED_ON_INTRO = ("What each tuned cell trained on: examples kept, target (assistant) tokens of one epoch, and "
                    "examples dropped for length (train_log.json).")
CLAIMS_NOTE = ("Δ: points of pass@1, ours from results/summary/comparisons.csv (paired hierarchical bootstrap, "
               "adjusted tests; ≈ is tested at ±{margin} points), the paper's from its table (n/r: it reports no such "
               "pair); seeds: training seeds of each side.")
STYLE_INTRO = ("Did the student copy the teacher's style, and did it get better? Each student's benchmark outputs "
               "measured like the teacher's traces (medians over outputs), against the teacher's ST profile (the "
               "reference row). *distance to ST*: median robust z-distance to the profile (0 = the teacher's "
               "median trace); *share in ST style*: outputs the style check accepts; the last column: odds ratio "
               "of a correct answer per standard deviation of pivot coverage at a fixed output length (logistic "
               "regression, 95% interval; *within problems*: with problem fixed effects, where the benchmark has "
               "several samples per problem, so hard problems cannot make pivots look predictive).")


@dataclass(frozen=True)
class Outputs:
    csv: str
    markdown: str
    plot: str
    audit: str
    audit_md: str
    style_csv: str
    style_plot: str
    lengths_plot: str
    landing: str
    training_csv: str
    training_plot: str
    samples_md: str
    samples_html: str
    comparisons_csv: str
    comparisons_md: str
    claims: str
    teachers_md: str
    teachers_rst: str
    prompted_csv: str


@dataclass(frozen=True)
class Inputs:
    scores: list[str]
    audits: list[str]
    styles: list[str]
    decontamination: list[str] = field(default_factory=list)  # each training set's decontamination.json
    models: list[str] = field(default_factory=list)  # each fine-tuned student's directory (train_log.json)
    samples: list[str] = field(default_factory=list)  # each evaluation's samples.parquet, in the order of scores
    style_features: list[str] = field(default_factory=list)  # each measured student's features.parquet
    st: list[str] = field(default_factory=list)  # per teacher x dataset: its ST set, features and profile
    teacher_features: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)  # every variant's train.parquet
    planted: list[str] = field(default_factory=list)  # per simulated teacher x dataset: what it planted
    planted_features: list[str] = field(default_factory=list)  # and its traces' features, in the same order
    prompted: list[str] = field(default_factory=list)  # each prompted baseline evaluation's scores.json
    prompted_samples: list[str] = field(default_factory=list)  # and its samples.parquet, in the same order
    traces: list[str] = field(default_factory=list)  # per teacher x dataset: its traces (which model served them)


def _study_keys(keys: dict) -> tuple[dict[str, str], dict[str, str | None]]:
    return keys.get("families", {}), keys.get("benchmarks", {})


def run(inputs: Inputs, out: Outputs, settings: ReportSettings, keys: dict, version: int | None) -> None:
    from styledistill.report import computed_on, decontamination, paper, prompted, samples, served, training
    from styledistill.report import teachers as planted_style
    from styledistill.report.claims import claims
    from styledistill.report.comparisons import comparisons, comparisons_markdown
    from styledistill.report.grading import write_audit
    from styledistill.report.landing import landing_rst
    from styledistill.report.plots import plot_lengths, plot_scores, plot_style
    from styledistill.report.strict import STRICT, strict_scores, with_strict
    from styledistill.report.style_transfer import STYLE_COLUMNS_NOTE, long_form, style_frame, style_table
    from styledistill.report.tables import ID_COLUMNS, LEGEND, paper_layout, scores_frame, variant_columns

    if len(inputs.audits) != len(inputs.scores):
        raise UserError(f"report: {len(inputs.scores)} scores files but {len(inputs.audits)} audit tables")
    scores = scores_frame([read_json(path) for path in inputs.scores])
    missing = {"family", "variant", "benchmark", "pass@1"} - set(scores.columns)
    if missing:
        raise UserError(f"{inputs.scores[0]}: scores lack {sorted(missing)}")
    order = settings.variant_order or []
    families, benchmarks = _study_keys(keys)
    paper_scores = paper.load()
    evaluated = samples.evaluations(inputs.samples, inputs.style_features, inputs.scores, order)
    for evaluation in evaluated:
        evaluation["samples"] = with_strict(evaluation["samples"])
    if evaluated:
        scores = scores.merge(strict_scores(evaluated), on=ID_COLUMNS, how="left")
    layout = paper_layout(scores, order, settings.decimals)
    compared = comparisons(evaluated, settings, STRICT if settings.comparison_score == "strict" else "correct")
    style = style_frame([read_json(path) for path in inputs.styles])
    variants = variant_columns(order)
    side = paper.beside(layout, paper_scores, families, benchmarks, variants)
    sections = ["# Scores", "", INTRO, "", frame(layout), LEGEND, ""]
    if "pass@1_strict" in scores:
        strict = paper_layout(scores, order, settings.decimals, "pass@1_strict", "no_answer_share")
        sections += ["## Strict scores", "", STRICT_INTRO, "", frame(strict), ""]
    trained, steps = training.summary(inputs.models), training.history(inputs.models)
    if len(trained):
        sections += ["## What each cell trained on", "", TRAINED_ON_INTRO, "",
                     frame(training.trained_on(trained, order)), ""]
    sections += computed_on.section(scores, trained)
    claimed = claims(compared, paper_scores, families, benchmarks, settings.decimals)
    if len(side):
        sections += ["## Beside the paper", "", f"Source: {paper.source()}", "", frame(side)]
    else:
        sections += ["## The paper's numbers", "",
                     "None of this study's family × benchmark pairs is one the paper reports (families match by "
                     "recipe name, benchmarks by preset). Its table, for reference:", "",
                     frame(paper.paper_table(paper_scores, variants)), f"Source: {paper.source()}", ""]
    style_view = style_table(style, order) if len(style) else pd.DataFrame()
    sections += ["## Style transfer", "", STYLE_INTRO, "", STYLE_COLUMNS_NOTE, "",
                 frame(style_view) if len(style_view) else "(no student outputs were measured)", ""]
    sections += decontamination.section(inputs.decontamination, [read_json(p) for p in inputs.decontamination])
    listed = trained.drop(columns=computed_on.COLUMN).round(4)  # its machine is in the section above
    sections += ["## Training", "", TRAINING_INTRO, "",
                 frame(listed) if len(trained) else "(no student was fine-tuned)", ""]
    prompted_scores = prompted.frame([read_json(path) for path in inputs.prompted])
    if len(prompted_scores):
        by_key = {_prompted_key(read_json(s)): p for s, p in zip(inputs.prompted, inputs.prompted_samples, strict=True)}
        beside = prompted.table(prompted_scores, by_key, scores, settings)
        sections += ["## Prompted baselines beside fine-tuning", "",
                     prompted.INTRO.format(level=1 - settings.alpha), "", frame(beside), ""]
    teachers = keys.get("teachers", {})
    recovered = planted_style.sections(inputs.planted, inputs.planted_features,
                                       [_source_label(path) for path in inputs.planted])
    served_by = served.lines(inputs.traces, inputs.examples)
    with all_or_none(*astuple(out)):
        atomic_write_text(out.teachers_md, planted_style.markdown(teachers, recovered, served_by))
        atomic_write_text(out.teachers_rst, planted_style.rst(teachers, recovered, served_by))
        atomic_write_text(out.prompted_csv, prompted_scores.to_csv(index=False, float_format="%.4f"))
        atomic_write_text(out.csv, scores.to_csv(index=False, float_format="%.4f"))
        atomic_write_text(out.markdown, "\n".join(sections))
        plot_scores(scores, order, out.plot)
        plot_lengths(scores, order, out.lengths_plot)
        atomic_write_text(out.style_csv, long_form(style).to_csv(index=False, float_format="%.4f"))
        plot_style(style, order, out.style_plot)
        atomic_write_text(out.training_csv, trained.to_csv(index=False, float_format="%.6g"))
        training.plot(steps, variants, out.training_plot)
        atomic_write_text(out.comparisons_csv, compared.to_csv(index=False, float_format="%.6g"))
        atomic_write_text(out.comparisons_md, comparisons_markdown(compared, settings))
        margin = f"{settings.equivalence_margin:g}"
        atomic_write_text(out.claims, landing_rst(claimed, [CLAIMS_NOTE.format(margin=margin)]))
        shown = samples.student_blocks(evaluated, settings.sample_problems, settings.sample_seed)
        shown += samples.training_sets(inputs.st, inputs.teacher_features, inputs.profiles, inputs.examples, order,
                                       settings.sample_problems, settings.sample_seed)
        atomic_write_text(out.samples_md, samples.markdown(SAMPLES_TITLE, shown))
        atomic_write_text(out.samples_html, samples.page(SAMPLES_TITLE, shown))
        notes = [INTRO, LEGEND.replace("`", "")] + ([f"Paper rows: {paper.source()}"] if len(side) else [])
        atomic_write_text(out.landing, landing_rst(side if len(side) else layout, notes, Path(out.plot).read_bytes()))
        write_manifest(out.csv, RULE, version, rows=len(scores))
        write_audit(inputs.scores, inputs.audits, out.audit, out.audit_md, RULE, version)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scores", nargs="+", required=True, help="scores.json files written by evaluate")
    p.add_argument("--audits", nargs="+", required=True, help="audit.parquet files written by evaluate, in the "
                                                               "order of --scores")
    p.add_argument("--styles", nargs="*", default=[], help="style.json files written by measure_student_style")
    p.add_argument("--decontamination", nargs="*", default=[], help="decontamination.json of each training set")
    p.add_argument("--csv", required=True, help="scores.csv to write")
    p.add_argument("--markdown", required=True, help="scores.md to write (scores, the paper's, style transfer)")
    p.add_argument("--plot", required=True, help="scores.png to write")
    p.add_argument("--lengths-plot", required=True, help="lengths.png to write (output length by variant)")
    p.add_argument("--style-csv", required=True, help="style_transfer.csv to write")
    p.add_argument("--style-plot", required=True, help="style_transfer.png to write")
    p.add_argument("--audit", required=True, help="grading_audit.parquet to write (every evaluation's disagreements)")
    p.add_argument("--audit-md", required=True, help="grading_audit.md to write")
    p.add_argument("--landing", required=True, help="landing.rst to write (the headline table of the HTML report)")
    p.add_argument("--models", nargs="*", default=[], help="fine-tuned model directories (their train_log.json)")
    p.add_argument("--training-csv", required=True, help="training.csv to write (final figures of every SFT job)")
    p.add_argument("--training-plot", required=True, help="training.png to write (curves of every SFT job)")
    p.add_argument("--samples", nargs="*", default=[], help="each evaluation's samples.parquet (order of --scores)")
    p.add_argument("--style-features", nargs="*", default=[], help="each measured student's features.parquet")
    p.add_argument("--st", nargs="*", default=[], help="each teacher x dataset's st.parquet")
    p.add_argument("--teacher-features", nargs="*", default=[], help="their features.parquet, in the order of --st")
    p.add_argument("--profiles", nargs="*", default=[], help="their style_profile.json, in the order of --st")
    p.add_argument("--examples", nargs="*", default=[], help="every variant's train.parquet")
    p.add_argument("--samples-md", required=True, help="samples.md to write (outputs side by side)")
    p.add_argument("--samples-html", required=True, help="samples.html to write (the same, for a browser)")
    p.add_argument("--comparisons-csv", required=True, help="comparisons.csv to write (every contrast, its tests)")
    p.add_argument("--comparisons-md", required=True, help="comparisons.md to write (the same, to read)")
    p.add_argument("--claims", required=True, help="claims.rst to write (the paper's claims, our verdicts)")
    p.add_argument("--planted", nargs="*", default=[], help="planted.parquet of each simulated teacher x dataset")
    p.add_argument("--planted-features", nargs="*", default=[], help="their traces' features.parquet, in the order "
                   "of --planted")
    p.add_argument("--teachers-md", required=True, help="teachers.md to write (what each teacher is; a simulated "
                   "one's planted style, recovered)")
    p.add_argument("--teachers-rst", required=True, help="teachers.rst to write (the same, for the landing page)")
    p.add_argument("--prompted", nargs="*", default=[], help="each prompted baseline evaluation's scores.json")
    p.add_argument("--prompted-samples", nargs="*", default=[], help="their samples.parquet, in the order of "
                   "--prompted")
    p.add_argument("--prompted-csv", required=True, help="prompted.csv to write (the prompted baselines' scores)")
    p.add_argument("--traces", nargs="*", default=[], help="each teacher x dataset's traces.parquet (which model "
                   "served them)")


def _prompted_key(scores: dict) -> tuple[str, ...]:
    """How report/prompted.py finds an evaluation's samples: (plain, baseline, benchmark) or (style, baseline,
    teacher, dataset, benchmark)."""
    if scores["prompt"] == "plain":
        return ("plain", scores["baseline"], scores["benchmark"])
    return ("style", scores["baseline"], scores["teacher"], scores["dataset"], scores["benchmark"])


def _source_label(path: str) -> str:
    """<teacher>/<dataset> of a path under results/traces/<teacher>/<dataset>/."""
    return "/".join(Path(path).parent.parts[-2:])


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec, {"stage", "study"})
    settings = ReportSettings.from_spec(job["stage"], "--spec: stage")
    inputs = Inputs(args.scores, args.audits, args.styles, args.decontamination, args.models, args.samples,
                    args.style_features, args.st, args.teacher_features, args.profiles, args.examples, args.planted,
                    args.planted_features, args.prompted, args.prompted_samples, args.traces)
    outputs = Outputs(args.csv, args.markdown, args.plot, args.audit, args.audit_md, args.style_csv,
                      args.style_plot, args.lengths_plot, args.landing, args.training_csv, args.training_plot,
                      args.samples_md, args.samples_html, args.comparisons_csv, args.comparisons_md, args.claims,
                      args.teachers_md, args.teachers_rst, args.prompted_csv)
    run(inputs, outputs, settings, job["study"], job.version)
