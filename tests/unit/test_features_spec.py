"""The extract_features spec and lexicon: defaults, and one-line errors for bad settings."""

from __future__ import annotations

import subprocess
import sys

import pytest

from styledistill.errors import UserError
from styledistill.features.settings import FeatureSettings
from styledistill.records import columns
from styledistill.style import lexicon

DEFAULT = {kind: list(phrases) for kind, phrases in lexicon.default().items()}


def parse(spec: dict) -> FeatureSettings:
    return FeatureSettings.from_spec(spec)


def test_defaults():
    spec = parse({})
    assert spec == FeatureSettings()
    assert (spec.spacy_model, spec.batch_size, spec.min_types) == ("blank:en", 64, 3)
    assert (spec.bootstrap, spec.seed) == (2000, 0)
    assert spec.lexicon["realization"] == ("wait", "oh", "actually", "hmm", "I missed")
    assert spec.lexicon["verification"] == ("let me check", "to verify", "double-check")
    assert spec.lexicon["exploration"] == ("what if", "alternatively", "another way")
    assert spec.lexicon["integration"] == ("now I see", "putting this together", "this connects")


def test_custom_lexicon_is_normalised():
    lex = {"realization": ["Wait", "  oh   no "], "verification": ["check"],
           "exploration": [{"phrase": "maybe", "position": ["opens"], "why": "proposes a route"}],
           "integration": ["so"]}
    spec = parse({"lexicon": lex, "min_types": 2, "batch_size": 8, "spacy_model": "blank:de"})
    assert spec.lexicon["realization"] == ("Wait", "oh no")
    assert spec.lexicon["exploration"] == ("maybe",) and spec.position_rules == {"maybe": ("opens",)}
    assert (spec.min_types, spec.batch_size, spec.spacy_model) == (2, 8, "blank:de")
    assert parse(spec.to_spec()) == spec  # what a job receives resolves to the same settings


def test_presets_load_with_their_position_rules():
    assert lexicon.presets() == ["paper", "r1"]
    assert parse({"lexicon": "paper"}) == parse({})  # the paper's phrases are the default, without rules
    r1 = parse({"lexicon": "r1"})
    assert set(r1.lexicon["realization"]) >= set(parse({}).lexicon["realization"])
    assert r1.position_rules["actually"] == ("opens",) and "hmm" not in r1.position_rules
    assert "putting it all together" in r1.lexicon["integration"]


@pytest.mark.parametrize(("text", "problem"), [
    ("realization: [wait]\nverification: [check]\nexploration: [maybe]\nintegration: [so]\ndoubt: [x]\n",
     "unknown pivot type(s) doubt"),
    ("realization: []\nverification: [check]\nexploration: [maybe]\nintegration: [so]\n",
     "realization: must be a non-empty list of phrases"),
    ("realization: [wait, Wait]\nverification: [check]\nexploration: [maybe]\nintegration: [so]\n",
     "phrase 'Wait' is listed twice"),
    ("realization: [{phrase: wait, position: [first]}]\nverification: [check]\nexploration: [maybe]\n"
     "integration: [so]\n", "realization: 'wait': position must be a list of opens, comma"),
])
def test_a_bad_preset_file_is_one_line_naming_it(tmp_path, monkeypatch, text, problem):
    (tmp_path / "mine.yaml").write_text(text)
    monkeypatch.setattr(lexicon, "PRESET_DIR", tmp_path)
    lexicon._preset.cache_clear()
    with pytest.raises(UserError) as err:
        parse({"lexicon": "mine"})
    lexicon._preset.cache_clear()
    assert f"--spec.lexicon: {tmp_path / 'mine.yaml'}: {problem}" in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"lexikon": {}}, "unknown key(s) ['lexikon']"),
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": True}, "batch_size"),
        ({"min_types": 5}, "--spec.min_types: Input should be less than or equal to 4"),
        ({"min_types": "3"}, "min_types"),
        ({"spacy_model": ""}, "spacy_model"),
        ({"bootstrap": 10}, "--spec.bootstrap: Input should be greater than or equal to 100"),
        ({"seed": -1}, "--spec.seed: Input should be greater than or equal to 0"),
        ({"lexicon": ["wait"]}, "--spec.lexicon: must be a preset name or an object"),
        ({"lexicon": {"realization": ["wait"]}}, "missing pivot type(s) verification, exploration, integration"),
        ({"lexicon": {**DEFAULT, "doubt": ["maybe"]}}, "unknown pivot type(s) doubt"),
        ({"lexicon": {**DEFAULT, "integration": []}}, "lexicon: integration: must be a non-empty"),
        ({"lexicon": {**DEFAULT, "integration": ["  "]}}, "non-empty string"),
        ({"lexicon": {**DEFAULT, "integration": ["Wait"]}}, "under both realization and integration"),
        ({"lexicon": "r2"}, "--spec.lexicon: unknown lexicon preset 'r2' (presets: paper, r1"),
        ({"position_rules": {"maybe": ["opens"]}}, "--spec.position_rules: 'maybe' is not a phrase of the lexicon"),
        ({"position_rules": {"wait": ["first"]}}, "--spec.position_rules: 'wait': must be a list of opens, comma"),
    ],
)
def test_bad_spec_is_one_line(spec, message):
    with pytest.raises(UserError) as err:
        parse(spec)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_unknown_spacy_model_is_a_user_error():
    from styledistill.style import nlp

    with pytest.raises(UserError, match="not an installed spaCy package"):
        nlp.load("no_such_spacy_pipeline_xyz")
    with pytest.raises(UserError, match="no blank 'zz' pipeline"):
        nlp.load("blank:zz")


def test_record_has_a_count_and_density_per_pivot_type():
    cols = columns("features")
    for kind in lexicon.PIVOT_TYPES:
        assert f"{kind}_count" in cols and f"{kind}_per_1k" in cols


def test_package_import_is_light():
    code = ("import sys, styledistill.features, styledistill.style.extract, styledistill.style.profile, "
            "styledistill.cli.extract_features, styledistill.config.study; "
            "assert 'spacy' not in sys.modules, 'spacy imported'; assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
