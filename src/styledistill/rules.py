"""Every rule of the workflow, written once: its code version, the module its jobs run, and what it asks a cluster for.

Each rule passes its own version inside its params (`config/specs.py`), so bumping a number here reruns exactly that
rule's jobs and what reads their outputs. A rule's code is its entry module (`styledistill/<package>/<rule>.py`: the
rule's arguments and `main`) and every module that imports, directly or not (`rule_sources.py` finds them);
`rule_sources.json` keeps a hash of each rule's code, and `tests/unit/test_rule_versions.py` fails when it changes
without a version bump or a recorded cosmetic change: `python -m styledistill.rules --record`.

Resources: memory (MB) and wall time (minutes) of one job, the defaults the `resources` block of the config
overrides; what a scheduler (SLURM through profiles/slurm) is told, and what Snakemake schedules within
`--resources` on a workstation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    version: int  # bump when the rule's outputs change for the same inputs and settings
    entry: str  # the module (under styledistill) whose main() the rule's jobs run
    mem_mb: int  # default memory of one job (MB)
    runtime: int  # default wall time of one job (minutes)


RULES: dict[str, Rule] = {
    "download_model": Rule(1, "models.download_model", 4_000, 240),
    "prepare_model": Rule(1, "models.prepare_model", 16_000, 60),
    "make_problems": Rule(3, "problems.make_problems", 4_000, 30),
    "decontaminate": Rule(2, "decontamination.decontaminate", 8_000, 60),
    "generate_traces": Rule(3, "traces.generate_traces", 32_000, 720),
    "merge_traces": Rule(2, "traces.merge_traces", 4_000, 30),
    "import_traces": Rule(1, "traces.import_traces", 8_000, 60),
    "simulate_traces": Rule(1, "simulation.simulate_traces", 4_000, 30),
    "grade": Rule(3, "grading.grade", 8_000, 60),
    "build_st": Rule(1, "st.build_st", 4_000, 30),
    "extract_features": Rule(4, "features.extract_features", 8_000, 120),
    "discover_pivots": Rule(3, "features.discover_pivots", 8_000, 120),
    "make_variant": Rule(9, "variants.make_variant", 32_000, 720),
    "align_variants": Rule(8, "variants.align_variants", 4_000, 30),
    "select_variant": Rule(2, "variants.select_variant", 4_000, 30),
    "publish_variant": Rule(10, "variants.publish_variant", 4_000, 30),
    "compare_variants": Rule(1, "variants.compare_variants", 4_000, 30),
    "train_sft": Rule(5, "sft.train_sft", 128_000, 1440),
    # one rule in two forms (the base student, a fine-tuned one): the same code, a version each
    "answer_base": Rule(2, "evaluation.answer_benchmark", 32_000, 720),
    "answer_sft": Rule(2, "evaluation.answer_benchmark", 32_000, 720),
    "evaluate_base": Rule(7, "evaluation.evaluate", 32_000, 720),
    "evaluate_sft": Rule(7, "evaluation.evaluate", 32_000, 720),
    "evaluate_prompted": Rule(2, "evaluation.evaluate", 32_000, 720),
    "evaluate_styled": Rule(2, "evaluation.evaluate", 32_000, 720),
    "measure_student_style": Rule(5, "features.measure_student_style", 8_000, 60),
    "measure_base_style": Rule(5, "features.measure_student_style", 8_000, 60),
    "report": Rule(10, "report.report", 8_000, 60),
}



def version(rule: str) -> int:
    return RULES[rule].version


def _main() -> None:
    import argparse

    from styledistill.rule_sources import record

    parser = argparse.ArgumentParser(description="Record the current hash of every rule's code as reviewed.")
    parser.add_argument("--record", action="store_true", help="rewrite rule_sources.json from the current sources")
    args = parser.parse_args()
    if args.record:
        print(record())
    else:
        parser.print_help()


if __name__ == "__main__":
    _main()
