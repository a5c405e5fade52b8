from __future__ import annotations

import copy

import pytest
import yaml

from styledistill.configcheck import check
from styledistill.errors import UserError
from tests.conftest import REPO

SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
BASE = yaml.safe_load((REPO / "config.yaml").read_text())


def _check(mutate):
    config = copy.deepcopy(BASE)
    mutate(config)
    return check(config, SCHEMA, base_dir=REPO)


def test_default_config_is_valid_and_gets_defaults():
    config = _check(lambda c: None)
    assert config["teachers"]["smollm2"]["generation"]["backend"] == "transformers"
    assert config["benchmarks"]["arith_test"]["pass_k"] == [1]
    assert config["build_st"]["min_size"] == 1 and config["features"]["min_types"] == 3


@pytest.mark.parametrize("mutate, message", [
    (lambda c: c["families"]["smollm2"]["sft"].update(lr=1), "config: families.smollm2.sft: unknown key(s) ['lr']"),
    (lambda c: c["teachers"]["smollm2"].update(n_samples=0), "config: teachers.smollm2.n_samples: 0 is less than"),
    (lambda c: c["models"]["smollm2"].update(source="ftp"), "config: models.smollm2.source: 'ftp' is not one of"),
    (lambda c: c["study"].update(variants=["ST", "XX"]), "config: study.variants: 'XX' is not a key of variants"),
    (lambda c: c["variants"].update(base={"kind": "st"}), "config: variants.base: 'base' is reserved"),
    (lambda c: c["variants"]["ST"].update(generator="smollm2"), "config: variants.ST.generator: kind st takes no"),
    (lambda c: c["teachers"]["smollm2"].update(prompt="prompts/nope.yaml"),
     "config: teachers.smollm2.prompt: file not found: prompts/nope.yaml"),
    (lambda c: c["models"].update(r={"source": "random", "architecture": "llama", "tokenizer_from": "zz"}),
     "config: models.r.tokenizer_from: 'zz' is not a key of models"),
])
def test_errors_are_one_line_naming_the_key(mutate, message):
    with pytest.raises(UserError) as info:
        _check(mutate)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


_API_MODEL = {"source": "api", "provider": "openai/gpt-4o", "api_key_env": "OPENAI_API_KEY"}


def _api_generator(c):
    c["models"]["gpt4o"] = dict(_API_MODEL)
    c["generators"]["smollm2"].update(model="gpt4o", generation={"backend": "litellm", "budget_usd": 5})


def test_an_api_model_may_write_the_synthetic_variants():
    config = _check(_api_generator)
    assert config["generators"]["smollm2"]["generation"]["backend"] == "litellm"


def test_vllm_backend_and_shards_are_accepted():
    def vllm(c):
        c["teachers"]["smollm2"].update(shards=4, generation={"backend": "vllm", "gpus": 2, "enforce_eager": True})

    teacher = _check(vllm)["teachers"]["smollm2"]
    assert teacher["shards"] == 4 and teacher["generation"]["tensor_parallel_size"] is None


@pytest.mark.parametrize("mutate, message", [
    (lambda c: (c["models"].update(gpt4o=dict(_API_MODEL)), c["families"]["smollm2"].update(model="gpt4o")),
     "config: families.smollm2.model: an API model ('gpt4o') cannot be a student"),
    (lambda c: (_api_generator(c), c["generators"]["smollm2"]["generation"].update(backend="vllm")),
     "config: generators.smollm2.generation.backend: model 'gpt4o' needs backend litellm, not vllm"),
    (lambda c: c["teachers"]["smollm2"]["generation"].update(backend="litellm"),
     "config: teachers.smollm2.generation.backend: model 'smollm2' needs backend transformers or vllm, not litellm"),
    (lambda c: c["teachers"]["smollm2"].update(shards=0), "config: teachers.smollm2.shards: 0 is less than"),
])
def test_backend_errors_are_one_line(mutate, message):
    with pytest.raises(UserError) as info:
        _check(mutate)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)
