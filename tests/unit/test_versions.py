"""A change to a stage's code must come with a version bump, or be recorded as cosmetic."""

from __future__ import annotations

from styledistill.stage_hashes import current, recorded
from styledistill.versions import STAGE_SOURCES, STAGE_VERSIONS
from tests.conftest import REPO


def test_every_stage_has_sources_and_a_rule():
    rules = "".join(p.read_text() for p in (REPO / "workflow" / "rules").glob("*.smk"))
    for stage in STAGE_VERSIONS:
        assert stage in STAGE_SOURCES
        assert f'spec_json("{stage}"' in rules, f"no rule passes the version of {stage}"


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
