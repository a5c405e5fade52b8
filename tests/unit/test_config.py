"""The config check: the stages' settings build every entry, references resolve, contradictions are refused."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from styledistill.config import specs
from styledistill.config.study import load
from styledistill.errors import UserError
from tests.conftest import REPO, embedded_teacher_config

BASE = embedded_teacher_config()  # the checks of a model teacher; the default's simulated teacher below


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    monkeypatch.chdir(REPO)  # files the config names are relative to the working directory, as in Snakemake


def _load(mutate=lambda c: None):
    config = copy.deepcopy(BASE)
    mutate(config)
    return load(config)


def test_the_default_teacher_is_a_simulator_and_the_embedded_model_an_overlay():
    study = load(yaml.safe_load((REPO / "config.yaml").read_text()))
    assert study.study.teachers == ["simulated_r1"] and study.simulates("simulated_r1")
    assert study.teacher_source("simulated_r1") == "simulated" and study.model_teachers == {}
    assert study.teachers["simulated_r1"].lexicon == study.features.lexicon  # it plants what the features look for
    overlay = _load()
    assert overlay.study.teachers == ["smollm2"] and list(overlay.model_teachers) == ["smollm2"]


def test_default_config_is_valid_and_gets_defaults():
    study = _load()
    assert study.teachers["smollm2"].generation.backend == "transformers"
    assert study.benchmarks["arith_test"].pass_k == [1]
    assert study.build_st.min_size == 1 and study.features.min_types == 3
    assert study.workflow.work == "work"
    assert study.recipes["smollm2"]["learning_rate"] == 2e-4  # the family's override on top of its recipe file


@pytest.mark.parametrize("mutate, message", [
    (lambda c: c["families"]["smollm2"]["sft"].update(lr=1), "config: families.smollm2.sft: unknown key(s) ['lr']"),
    (lambda c: c["teachers"]["smollm2"].update(n_samples=0), "config: teachers.smollm2.n_samples: Input should be"),
    (lambda c: c["models"]["smollm2"].update(source="ftp"), "config: models.smollm2.source: unknown source 'ftp'"),
    (lambda c: c["study"].update(variants=["ST", "XX"]), "config: study.variants: 'XX' is not a key of variants"),
    (lambda c: c["variants"].update(base={"kind": "st"}), "config: variants.base: 'base' is reserved"),
    (lambda c: c["variants"]["ST"].update(generator="smollm2"), "config: variants.ST: unknown key(s) ['generator']"),
    (lambda c: c["teachers"]["smollm2"].update(prompt="prompts/nope.yaml"),
     "config: teachers.smollm2.prompt: prompts/nope.yaml: prompt file not found"),
    (lambda c: c["models"].update(r={"source": "random", "architecture": "llama", "tokenizer_from": "zz"}),
     "config: models.r.tokenizer_from: 'zz' is not a key of models"),
])
def test_errors_are_one_line_naming_the_key(mutate, message):
    with pytest.raises(UserError) as info:
        _load(mutate)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


_API_MODEL = {"source": "api", "provider": "openai/gpt-4o", "api_key_env": "OPENAI_API_KEY"}


def _api_generator(c):
    c["models"]["gpt4o"] = dict(_API_MODEL)
    c["generators"]["smollm2"].update(model="gpt4o", generation={"backend": "litellm", "budget_usd": 5})


def test_an_api_model_may_write_the_synthetic_variants():
    study = _load(_api_generator)
    assert study.generators["smollm2"].generation.backend == "litellm"
    spec = json.loads(specs.make_variant(study, "ST-HC", "arith_train"))
    assert spec["provider"] == {"provider": "openai/gpt-4o", "api_base": None, "api_key_env": "OPENAI_API_KEY",
                                "prices": None, "expect_model": None}
    assert spec["generation"]["backend"] == "litellm" and "batch_size" not in spec["generation"]


def test_vllm_backend_and_shards_are_accepted():
    def vllm(c):
        c["teachers"]["smollm2"].update(shards=4, generation={"backend": "vllm", "gpus": 2, "enforce_eager": True})

    teacher = _load(vllm).teachers["smollm2"]
    assert teacher.shards == 4 and teacher.generation.tensor_parallel_size is None


@pytest.mark.parametrize("mutate, message", [
    (lambda c: (c["models"].update(gpt4o=dict(_API_MODEL)), c["families"]["smollm2"].update(model="gpt4o")),
     "config: families.smollm2.model: an API model ('gpt4o') cannot be a student"),
    (lambda c: (_api_generator(c), c["generators"]["smollm2"]["generation"].update(backend="vllm")),
     "config: generators.smollm2.generation.backend: model 'gpt4o' needs backend litellm or batch, not vllm"),
    (lambda c: c["teachers"]["smollm2"]["generation"].update(backend="litellm"),
     "config: teachers.smollm2.generation.backend: model 'smollm2' needs backend transformers or vllm, not litellm"),
    (lambda c: c["teachers"]["smollm2"].update(shards=0), "config: teachers.smollm2.shards: Input should be greater"),
])
def test_backend_errors_are_one_line(mutate, message):
    with pytest.raises(UserError) as info:
        _load(mutate)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_a_benchmark_overrides_only_what_it_writes():
    def fast(c):
        c["benchmarks"]["arith_test"]["generation"] = {"max_new_tokens": 7}

    study = _load(fast)
    merged = study.family_generation("smollm2", "arith_test")
    family = study.families["smollm2"].generation
    assert merged.max_new_tokens == 7 and merged.batch_size == family.batch_size == 16
    assert merged.temperature == family.temperature


def test_job_specs_are_nested_by_owner():
    study = _load()
    teacher = json.loads(specs.generate_traces(study, "smollm2", 0))
    assert set(teacher) == {"version", "stage", "generation"}
    assert teacher["stage"] == {"n_samples": 4, "answer_marker": None, "limit": None, "shards": 1, "shard": 0}
    assert teacher["generation"]["seed"] == 0 and "gpus" not in teacher["generation"]
    wrong = json.loads(specs.make_variant(study, "ST-HC-W", "arith_train"))
    assert wrong["stage"]["wrong_seed"] == 0 and wrong["generator"] == {"answer_check": "enforce",
                                                                         "answer_marker": None}
    evaluation = json.loads(specs.evaluate_base(study, "smollm2", "arith_test", {"variant": "base"}))
    assert evaluation["labels"] == {"variant": "base"} and evaluation["stage"]["n_samples"] == 1


def test_the_wrong_answer_seed_is_its_own_setting():
    """Editing the generator's sampling seed changes its sampling, not which wrong answers ST-HC-W aims at."""
    from styledistill.variants.wrong import wrong_answer

    def reseed(c):
        c["generators"]["smollm2"]["generation"]["seed"] = 7

    before, after = _load(), _load(reseed)
    old, new = (json.loads(specs.make_variant(s, "ST-HC-W", "arith_train")) for s in (before, after))
    assert old["generation"]["seed"] != new["generation"]["seed"] and old["stage"] == new["stage"]

    def target(study):
        return wrong_answer("42", "p1", study.variants["ST-HC-W"].wrong_seed, study.grader("arith_train"))

    assert target(before) == target(after)

    def wrong_seed(c):
        c["variants"]["ST-HC-W"]["wrong_seed"] = 3

    other = _load(wrong_seed)
    assert json.loads(specs.make_variant(other, "ST-HC-W", "arith_train"))["generation"] == old["generation"]
    assert target(other) != target(before)


def test_a_variant_can_be_built_from_another_variant():
    assert _load().variants["ST-HC-W"].input == "ST-HC"
    with pytest.raises(UserError, match=r"variants.ST-HC.input: a cycle \(ST-HC -> ST-HC-W -> ST-HC\)"):
        _load(lambda c: c["variants"]["ST-HC"].update(input="ST-HC-W"))
    with pytest.raises(UserError, match=r"config: variants.ST-HC-W: 'input' is required"):
        _load(lambda c: c["variants"]["ST-HC-W"].pop("input"))
    with pytest.raises(UserError, match=r"variants.ST-PS.input: 'ST-NT' \(kind no_trace\) has no reasoning traces"):
        _load(lambda c: c["variants"]["ST-PS"].update(input="ST-NT"))


def _preset_benchmark(c, **dataset):
    c["datasets"]["aime"] = {"source": "preset", "preset": "aime24", **dataset}
    c["benchmarks"]["aime"] = {"dataset": "aime", "n_samples": 2, "pass_k": [1, 2]}
    c["study"]["benchmarks"] = ["arith_test", "aime"]


def test_a_preset_brings_its_grader_and_a_dataset_or_benchmark_may_override_it():
    study = _load(_preset_benchmark)
    assert study.grader("aime") == "integer" and study.benchmark_grader("aime") == "integer"
    assert study.grader("arith_train") == "integer"  # written in config.yaml
    assert _load(lambda c: c["datasets"]["arith_train"].pop("grader")).grader("arith_train") == "math"
    assert _load(lambda c: _preset_benchmark(c, grader="math")).grader("aime") == "math"
    spec = json.loads(specs.evaluate_base(study, "smollm2", "aime", {}))
    assert spec["grading"]["grader"] == "integer" and spec["stage"]["prompt"] == "{question}"
    report = json.loads(specs.report(study))["study"]
    assert report == {"families": {"smollm2": "smollm2"}, "benchmarks": {"arith_test": None, "aime": "aime24"},
                      "teachers": {"smollm2": "smollm2"}}


@pytest.mark.parametrize("mutate, message", [
    (lambda c: _preset_benchmark(c, path="no/such.jsonl"), "config: datasets.aime.path: file not found: no/such.jsonl"),
    (lambda c: _preset_benchmark(c, preset="aime26"), "config: datasets.aime.preset: unknown preset 'aime26'"),
    (lambda c: c["benchmarks"]["arith_test"].update(prompt="Solve it."),
     "config: benchmarks.arith_test.prompt: must use {question} and no other placeholder, got []"),
    (lambda c: c["benchmarks"]["arith_test"].update(prompt="{question} in \\boxed{}"),
     "config: benchmarks.arith_test.prompt: placeholder {} must be a name"),
])
def test_benchmark_errors_are_one_line(mutate, message):
    with pytest.raises(UserError) as err:
        _load(mutate)
    assert str(err.value).startswith(message), str(err.value)


def test_resources_per_rule_grow_on_retries():
    study = _load(lambda c: c.update(resources={"growth": 2.0, "rules": {"train_sft": {"mem_mb": 1000}}}))
    assert study.resources.of("train_sft").mem_mb == 1000 and study.resources.of("train_sft", 3).mem_mb == 4000
    assert study.resources.of("train_sft", 2).runtime == 2 * _load().resources.of("train_sft").runtime
    assert _load().resources.of("report").mem_mb < _load().resources.of("train_sft").mem_mb
    with pytest.raises(UserError, match=r"config: resources.rules: Value error, unknown rule\(s\) \['train'\]|"
                                        r"config: resources.rules: unknown rule\(s\) \['train'\]"):
        _load(lambda c: c.update(resources={"rules": {"train": {"mem_mb": 1}}}))
