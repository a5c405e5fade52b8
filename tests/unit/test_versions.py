"""A change to a stage's code must come with a version bump, or be recorded as cosmetic."""

from __future__ import annotations

from styledistill.stage_hashes import PACKAGE_DIR, current, recorded, sources
from styledistill.versions import STAGE_VERSIONS
from tests.conftest import REPO


def test_every_stage_has_a_cli_and_its_jobs_carry_the_version():
    specs = (REPO / "src" / "styledistill" / "config" / "jobs.py").read_text()
    for stage in STAGE_VERSIONS:
        assert (PACKAGE_DIR / "cli" / f"{stage}.py").is_file()
        assert f'spec_json("{stage}"' in specs, f"no job spec carries the version of {stage}"


def test_stage_sources_are_found_from_imports():
    names = {stage: {str(f.relative_to(PACKAGE_DIR)) for f in sources(stage)} for stage in STAGE_VERSIONS}
    # imports inside functions count, and so does the vLLM worker script the backend runs by path
    assert {"generation/transformers_backend.py", "generation/vllm_worker.py",
            "generation/api/backend.py"} <= names["generate_traces"]
    assert {"problems/builtin.py", "problems/hub.py", "problems/settings.py"} <= names["make_problems"]
    assert {"variants/style_brief.py", "features/lexicon.py"} <= names["build_variants"]
    assert not any(name.startswith("sft/") for name in names["evaluate"])
    assert "versions.py" not in names["grade"] and "config/study.py" not in names["grade"]


def test_stage_sources_match_the_recorded_hashes():
    now, then = current(), recorded()
    stale = []
    for stage, entry in now.items():
        old = then.get(stage)
        if old is None or (old["sources"] != entry["sources"] and old["version"] == entry["version"]):
            stale.append(stage)
    assert not stale, (
        f"sources of {stale} changed without a version bump: bump STAGE_VERSIONS in styledistill/versions.py if "
        "outputs change, then (or if the change is cosmetic) run `python -m styledistill.versions --record`"
    )
