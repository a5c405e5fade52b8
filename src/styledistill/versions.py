"""Per-stage version constants.

Each rule passes its stage's version inside its params, so bumping a number here reruns exactly that stage's
jobs (and everything downstream). `tests/unit/test_versions.py` keeps a hash of each stage's sources in
`stage_sources.json`: when the sources change, either bump the version or record the change as cosmetic with
`python -m styledistill.versions --record`.
"""

from __future__ import annotations

STAGE_VERSIONS: dict[str, int] = {
    "prepare_model": 1,
    "make_problems": 1,
    "generate_traces": 2,
    "grade": 1,
    "build_st": 1,
    "extract_features": 1,
    "build_variants": 2,
    "train_sft": 1,
    "evaluate": 2,
    "report": 1,
}

# Source files (relative to the package) whose code decides each stage's outputs.
_SHARED = ["records.py", "io.py", "cli/_common.py"]
_GENERATION = ["generation", "models/loading.py", "prompting.py"]
STAGE_SOURCES: dict[str, list[str]] = {
    "prepare_model": _SHARED + ["models", "cli/prepare_model.py"],
    "make_problems": _SHARED + ["problems", "cli/make_problems.py"],
    "generate_traces": _SHARED + _GENERATION + ["reasoning.py", "cli/generate_traces.py"],
    "grade": _SHARED + ["grading", "cli/grade.py"],
    "build_st": _SHARED + ["st", "cli/build_st.py"],
    "extract_features": _SHARED + ["features", "cli/extract_features.py"],
    "build_variants": _SHARED + _GENERATION + ["reasoning.py", "grading", "features/profile.py", "variants",
                                               "cli/build_variants.py"],
    "train_sft": _SHARED + ["models/loading.py", "prompting.py", "sft", "cli/train_sft.py"],
    "evaluate": _SHARED + _GENERATION + ["reasoning.py", "grading", "evaluation", "cli/evaluate.py"],
    "report": _SHARED + ["report", "cli/report.py"],
}


def version(stage: str) -> int:
    return STAGE_VERSIONS[stage]


def _main() -> None:
    import argparse

    from styledistill.stage_hashes import record

    parser = argparse.ArgumentParser(description="Record the current stage source hashes as reviewed.")
    parser.add_argument("--record", action="store_true", help="rewrite stage_sources.json from the current sources")
    args = parser.parse_args()
    if args.record:
        print(record())
    else:
        parser.print_help()


if __name__ == "__main__":
    _main()
