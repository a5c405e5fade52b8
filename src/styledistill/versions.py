"""Per-stage version constants.

Each rule passes its stage's version inside its params, so bumping a number here reruns exactly that stage's
jobs (and everything downstream). `tests/unit/test_versions.py` keeps a hash of each stage's sources in
`stage_sources.json` (a stage's sources: every module its CLI imports, directly or not; stage_hashes.py finds
them): when the sources change, either bump the version or record the change as cosmetic with
`python -m styledistill.versions --record`.
"""

from __future__ import annotations

STAGE_VERSIONS: dict[str, int] = {
    "prepare_model": 1,
    "make_problems": 2,
    "generate_traces": 2,
    "import_traces": 1,
    "grade": 3,
    "build_st": 1,
    "extract_features": 3,
    "build_variants": 7,
    "train_sft": 3,
    "evaluate": 5,
    "report": 4,
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
