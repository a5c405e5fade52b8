"""A change to a rule's code must come with a bump of that rule's version, or be recorded as cosmetic."""

from __future__ import annotations

import re

import pytest

from styledistill import rule_sources
from styledistill.rule_sources import PACKAGE_DIR, current, recorded, sources, stale
from styledistill.rules import RULES
from tests.conftest import REPO


def _names(rule: str) -> set[str]:
    return {str(f.relative_to(PACKAGE_DIR)) for f in sources(rule)}


def test_the_rule_table_lists_exactly_the_rules_of_the_workflow():
    text = "\n".join(p.read_text() for p in (REPO / "workflow" / "rules").glob("*.smk"))
    declared = set(re.findall(r"^(?:rule|checkpoint) (\w+)", text, re.MULTILINE))
    declared |= set(re.findall(r"^use rule \w+ as (\w+)", text, re.MULTILINE))
    assert declared == set(RULES)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_has_an_entry_module_named_in_one_cli(rule):
    entry = rule_sources.entry_file(rule)
    text = entry.read_text()
    assert "def add_arguments(" in text and "def main(" in text, f"{entry} is not an entry module"
    assert rule_sources.cli_file(rule).parent.name == "cli"


def test_rule_sources_are_a_rules_own_closure():
    names = {rule: _names(rule) for rule in RULES}
    # imports inside functions count, and so does the vLLM worker script the backend runs by path
    assert {"generation/transformers_backend.py", "generation/vllm_worker.py",
            "generation/api/backend.py"} <= names["generate_traces"]
    assert {"problems/builtin.py", "problems/hub.py", "problems/settings.py"} <= names["make_problems"]
    assert {"variants/style_brief.py", "style/lexicon.py"} <= names["make_variant"]
    assert not any(name.startswith("sft/") for name in names["evaluate_sft"])
    assert "rules.py" not in names["grade"] and "config/study.py" not in names["grade"]
    # a subcommand's closure, not the whole CLI's: publishing a variant runs none of the builders' code
    assert "variants/publish_variant.py" in names["publish_variant"]
    assert not {"variants/make_variant.py", "variants/generate.py", "variants/select_variant.py",
                "generation/generator.py"} & names["publish_variant"]
    assert "variants/publish_variant.py" not in names["make_variant"]
    assert names["select_variant"] <= names["make_variant"] | {"variants/select_variant.py"}
    assert "traces/generate_traces.py" not in names["merge_traces"]


def test_rule_sources_match_the_recorded_hashes():
    assert not stale(), (
        f"the code of rule(s) {stale()} changed without a version bump: bump its version in "
        "styledistill/rules.py if its outputs change, then (or if the change is cosmetic) run "
        "`python -m styledistill.rules --record`"
    )


def test_a_changed_entry_module_is_caught_for_its_rule_only(monkeypatch):
    """Edit one rule's entry module (here: in memory, by hashing an extra byte): only that rule is stale."""
    real_read = type(PACKAGE_DIR).read_bytes
    target = rule_sources.entry_file("publish_variant")

    def read_bytes(path):
        return real_read(path) + (b"#" if path == target else b"")

    monkeypatch.setattr(type(PACKAGE_DIR), "read_bytes", read_bytes)
    assert stale() == ["publish_variant"]
    assert recorded()["publish_variant"]["sources"] != current()["publish_variant"]["sources"]
