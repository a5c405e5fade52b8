"""A model's size before download: counted from its config exactly as transformers builds it, or read from its hub
id; prepare_model's resources follow it, under the config's overrides."""

from __future__ import annotations

import json

import pytest

from styledistill.config.resources import DEFAULTS, ResourcesEntry
from styledistill.models.size import parameters, parameters_from_config, prepare_needs


@pytest.mark.parametrize("architecture", ["llama", "qwen2", "mistral"])
@pytest.mark.parametrize("tied", [True, False])
def test_the_count_from_a_config_is_what_transformers_builds(architecture, tied, tmp_path):
    transformers = pytest.importorskip("transformers")
    config = transformers.AutoConfig.for_model(architecture, hidden_size=64, intermediate_size=96,
                                               num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2,
                                               vocab_size=500, tie_word_embeddings=tied)
    model = transformers.AutoModelForCausalLM.from_config(config)
    built = sum(p.numel() for p in model.parameters())
    (tmp_path / "config.json").write_text(config.to_json_string())
    assert parameters_from_config(json.loads(config.to_json_string())) == built
    assert parameters(str(tmp_path)) == built


def test_the_size_a_hub_id_names():
    assert parameters("Qwen/Qwen2.5-32B-Instruct") == 32_000_000_000
    assert parameters("meta-llama/Llama-3.2-3B-Instruct") == 3_000_000_000
    assert parameters("HuggingFaceTB/SmolLM2-135M-Instruct") == 135_000_000
    assert parameters("mistralai/Ministral-8B-Instruct-2410") == 8_000_000_000
    assert parameters("someone/a-model") is None


def test_preparing_a_32b_model_asks_for_its_weights_and_more_and_the_config_still_wins():
    mem_mb, runtime = prepare_needs(32_000_000_000, "bfloat16")
    assert mem_mb >= 100_000 and runtime >= 90  # 64 GB of weights, held while loaded and saved again
    base = DEFAULTS["prepare_model"].model_copy(update={"mem_mb": mem_mb})
    assert ResourcesEntry().of("prepare_model", 1, base).mem_mb == mem_mb
    assert ResourcesEntry().of("prepare_model", 2, base).mem_mb == int(mem_mb * 1.5)
    chosen = ResourcesEntry.from_spec({"rules": {"prepare_model": {"mem_mb": 50_000}}}, "config: resources")
    assert chosen.of("prepare_model", 1, base).mem_mb == 50_000


def test_the_context_a_model_takes(tmp_path):
    from styledistill.models.settings import HfSource, RandomSource
    from styledistill.models.size import context_length

    (tmp_path / "config.json").write_text(json.dumps({"max_position_embeddings": 32768}))
    local = HfSource(source="hf", path=str(tmp_path))
    assert context_length(local) == 32768
    (tmp_path / "config.json").write_text(json.dumps({"max_position_embeddings": 32768, "rope_scaling": {
        "rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}}))
    assert context_length(local) == 131072  # Qwen2.5's documented YaRN set-up for 128k
    assert context_length(HfSource(source="hf", path="Qwen/Qwen2.5-32B-Instruct")) is None  # not known offline
    assert context_length(RandomSource(source="random", architecture="llama", max_position_embeddings=512)) == 512
