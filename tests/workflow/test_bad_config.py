"""The bad-input suite, config part: every bad or contradictory config fails at `snakemake -n`, before any job,
with one line naming the file or key, a non-zero exit, and nothing written under results/ or logs/."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.workflow.conftest import copy_workflow, default_config, model_teacher_config, snakemake, write_config

Mutate = Callable[[dict, Path], object]


def _set(path: str, value: object) -> Mutate:
    """Set config[a][b]... = value for path 'a.b...'."""
    def mutate(config: dict, workdir: Path) -> None:
        *parents, last = path.split(".")
        node = config
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return mutate


def _file(name: str, text: str, key: str) -> Mutate:
    """Write a file into the workflow copy and point a config key at it."""
    def mutate(config: dict, workdir: Path) -> None:
        (workdir / name).parent.mkdir(parents=True, exist_ok=True)
        (workdir / name).write_text(text)
        _set(key, name)(config, workdir)
    return mutate


def _raw(text: str) -> Mutate:
    """Replace config.yaml by this text (for what a dict cannot hold: syntax errors, keys written twice)."""
    def mutate(config: dict, workdir: Path) -> str:
        (workdir / "config.yaml").write_text(text)
        return "raw"
    return mutate


def _both(*steps: Mutate) -> Mutate:
    def mutate(config: dict, workdir: Path) -> None:
        for step in steps:
            step(config, workdir)
    return mutate


def _jsonl_dataset(rows: str, **fields: str) -> Mutate:
    """The train dataset as a local JSONL file with these rows, its fields mapped as given (q, a by default)."""
    def mutate(config: dict, workdir: Path) -> None:
        (workdir / "data.jsonl").write_text(rows)
        config["datasets"]["arith_train"] = {"source": "jsonl", "split": "train", "path": "data.jsonl",
                                             "fields": {"question": "q", "answer": "a", **fields}}
    return mutate


def _recipe(extra: str) -> Mutate:
    """The shipped SmolLM2 recipe with `extra` lines appended, as the family's recipe."""
    def mutate(config: dict, workdir: Path) -> None:
        text = (workdir / "recipes" / "sft" / "smollm2.yaml").read_text() + extra
        _file("recipes/bad.yaml", text, "families.smollm2.recipe")(config, workdir)
    return mutate


API = {"source": "api", "provider": "openai/gpt-4o", "api_key_env": "OPENAI_API_KEY"}
LEXICON = {"realization": ["wait"], "verification": ["let me check"], "exploration": ["what if"],
           "integration": ["now I see"]}
TEACHER_PROMPT = "user: '{question}'\n"


def _default_text() -> str:
    return yaml.safe_dump(model_teacher_config(), sort_keys=False)


CASES: list[tuple[str, Mutate, str]] = [
    # structure, types and values
    ("unknown top-level key", _set("studies", {}), "config: unknown key(s) ['studies']"),
    ("typo in a family", _set("families.smollm2.lerning_rate", 1e-4),
     "config: families.smollm2: unknown key(s) ['lerning_rate']"),
    ("zero samples", _set("teachers.smollm2.n_samples", 0), "config: teachers.smollm2.n_samples: Input should be"),
    ("samples as text", _set("teachers.smollm2.n_samples", "four"), "config: teachers.smollm2.n_samples:"),
    ("nan temperature", _set("teachers.smollm2.generation.temperature", float("nan")),
     "config: teachers.smollm2.generation.temperature: Input should be a finite number"),
    ("infinite top_p", _set("generators.smollm2.generation.top_p", float("inf")),
     "config: generators.smollm2.generation.top_p: Input should be a finite number"),
    ("top_p above 1", _set("teachers.smollm2.generation.top_p", 1.5), "generation.top_p: Input should be less"),
    ("unknown backend", _set("teachers.smollm2.generation.backend", "tgi"), "unknown backend 'tgi'"),
    ("boolean as a number", _set("teachers.smollm2.generation.max_new_tokens", True),
     "generation.max_new_tokens: Input should be a valid integer"),
    ("tensor parallel beyond the GPUs", _set("teachers.smollm2.generation", {"backend": "vllm", "gpus": 2,
                                                                              "tensor_parallel_size": 4}),
     "config: teachers.smollm2.generation: tensor_parallel_size 4 exceeds the job's gpus 2"),
    ("a budget without prices", _both(_set("models.mystery", {"source": "api", "provider": "openai/mystery-llm-9"}),
                                      _set("generators.smollm2.model", "mystery"),
                                      _set("generators.smollm2.generation", {"backend": "litellm", "budget_usd": 5})),
     "config: generators.smollm2.generation.budget_usd: needs prices, and litellm's cost map does not know"),
    ("max_new_tokens of 10^20", _set("teachers.smollm2.generation.max_new_tokens", 10**20),
     "config: teachers.smollm2.generation.max_new_tokens: Input should be less than or equal to 1048576"),
    ("a seed numpy cannot take", _set("build_st.seed", 2**32), "config: build_st.seed: Input should be less than or "
                                                               "equal to 4294967295"),
    ("a random model absurdly wide",
     _set("models.tiny", {"source": "random", "architecture": "llama", "tokenizer_from": "smollm2",
                          "hidden_size": 10**8}),
     "config: models.tiny.hidden_size: Input should be less than or equal to 65536"),
    ("too many shards", _set("teachers.smollm2.shards", 200000), "config: teachers.smollm2.shards: Input should be "
                                                                "less than or equal to 1024"),
    ("unknown generation key in a benchmark", _set("benchmarks.arith_test.generation", {"tempreature": 0}),
     "config: benchmarks.arith_test.generation: unknown key(s) ['tempreature']"),
    ("generator without a model", _set("generators.smollm2", {"answer_check": "enforce"}),
     "config: generators.smollm2: 'model' is required"),
    ("unknown answer check", _set("generators.smollm2.answer_check", "maybe"), "generators.smollm2.answer_check:"),
    ("unknown pick", _set("build_st.pick", "best"), "config: build_st.pick: Input should be 'first'"),
    ("zero alignment size", _set("build_variants.size", 0), "config: build_variants.size: Input should be"),
    ("empty work root", _set("work", ""), "config.work: String should have at least 1 character"),
    ("registry key with a slash", _set("datasets.a/b", {"source": "builtin", "split": "train", "n": 1, "seed": 0}),
     "config: datasets: key 'a/b' must be"),
    # references
    ("unknown study variant", _set("study.variants", ["ST", "XX"]), "config: study.variants: 'XX' is not a key"),
    ("study lists a dataset twice", _set("study.datasets", ["arith_train", "arith_train"]),
     "config: study.datasets: 'arith_train' is listed twice"),
    ("unknown benchmark dataset", _set("benchmarks.arith_test.dataset", "math501"),
     "config: benchmarks.arith_test.dataset: 'math501' is not a key of datasets"),
    ("unknown teacher model", _set("teachers.smollm2.model", "gpt5"), "config: teachers.smollm2.model: 'gpt5'"),
    ("unknown variant kind", _set("variants.ST-HC.kind", "paraphrase"), "config: variants.ST-HC.kind: unknown kind"),
    ("synthetic without generator",
     _set("variants.ST-HC", {"kind": "synthetic", "prompt": "prompts/synthetic_hc.yaml"}),
     "config: variants.ST-HC: 'generator' is required"),
    ("st with a prompt", _set("variants.ST.prompt", "prompts/teacher.yaml"),
     "config: variants.ST: unknown key(s) ['prompt']"),
    ("unknown generator", _set("variants.ST-HC.generator", "gpt4o"), "config: variants.ST-HC.generator: 'gpt4o'"),
    ("unknown variant input", _set("variants.ST-HC-W.input", "ST-HX"), "config: variants.ST-HC-W.input: 'ST-HX'"),
    ("variant inputs in a cycle",
     _both(_set("variants.ST-HC-W.input", "ST-HC"), _set("variants.ST-HC.input", "ST-HC-W")),
     "config: variants.ST-HC.input: a cycle"),
    ("reserved variant name", _set("variants.base", {"kind": "st"}), "config: variants.base: 'base' is reserved"),
    ("unknown name in the column order", _set("report.variant_order", ["ST", "SBS2"]),
     "config: report.variant_order: 'SBS2' is not a variant of the study"),
    ("random model without a tokenizer model",
     _set("models.tiny", {"source": "random", "architecture": "llama", "tokenizer_from": "zz"}),
     "config: models.tiny.tokenizer_from: 'zz' is not a key of models"),
    ("unknown model source", _set("models.smollm2.source", "ftp"), "config: models.smollm2.source: unknown source"),
    ("malformed checksum", _set("models.smollm2.sha256", "abc"), "config: models.smollm2.sha256: String should match"),
    ("an API model as a student", _both(_set("models.gpt4o", API), _set("families.smollm2.model", "gpt4o")),
     "config: families.smollm2.model: an API model ('gpt4o') cannot be a student"),
    ("a token budget beyond a model's context",
     _both(_set("models.tiny", {"source": "random", "architecture": "llama", "tokenizer_from": "smollm2",
                                "max_position_embeddings": 512}),
           _set("families.smollm2.model", "tiny"), _set("families.smollm2.generation.max_new_tokens", 600)),
     "config: families.smollm2.generation.max_new_tokens: 600 leaves no room for the prompt in the 512-token context "
     "of model 'tiny'"),
    ("a vLLM context beyond the model's positions",
     _both(_set("models.tiny", {"source": "random", "architecture": "llama", "tokenizer_from": "smollm2",
                                "max_position_embeddings": 512}),
           _set("families.smollm2.model", "tiny"),
           _set("families.smollm2.generation", {"backend": "vllm", "max_model_len": 4096})),
     "config: families.smollm2.generation.max_model_len: 4096 exceeds the 512 positions of model 'tiny'"),
    ("a benchmark's budget beyond the context",
     _both(_set("models.tiny", {"source": "random", "architecture": "llama", "tokenizer_from": "smollm2",
                                "max_position_embeddings": 512}),
           _set("families.smollm2.model", "tiny"), _set("benchmarks.arith_test.generation", {"max_new_tokens": 600})),
     "config: benchmarks.arith_test (family smollm2).generation.max_new_tokens: 600 leaves no room for the prompt "
     "in the 512-token context of model 'tiny'"),
    ("budget forcing beyond the context",
     _both(_set("models.tiny", {"source": "random", "architecture": "llama", "tokenizer_from": "smollm2",
                                "max_position_embeddings": 512}),
           _set("families.smollm2.model", "tiny"),
           _set("benchmarks.arith_test.budget_forcing", {"max_thinking_tokens": 400, "answer_tokens": 200})),
     "config: benchmarks.arith_test (family smollm2).generation.max_new_tokens: 600 leaves no room"),
    ("rope scaling stretches the positions vLLM may use",
     _both(_set("models.tiny", {"source": "random", "architecture": "llama", "tokenizer_from": "smollm2",
                                "max_position_embeddings": 512}),
           _set("families.smollm2.model", "tiny"),
           _set("families.smollm2.generation", {"backend": "vllm", "max_model_len": 4096, "rope_scaling": {
               "rope_type": "yarn", "factor": 4, "original_max_position_embeddings": 512}})),
     "config: families.smollm2.generation.max_model_len: 4096 exceeds the 2048 positions of model 'tiny'"),
    ("the batch backend for a provider without a batch API",
     _both(_set("models.r1", {"source": "api", "provider": "deepseek/deepseek-reasoner"}),
           _set("generators.smollm2.model", "r1"), _set("generators.smollm2.generation", {"backend": "batch"})),
     "config: generators.smollm2.generation.backend: batch needs a provider with a batch API (openai/<model>), not "
     "deepseek/deepseek-reasoner"),
    ("the OpenAI SDK for a provider that is not OpenAI-compatible",
     _both(_set("models.r1", {"source": "api", "provider": "deepseek/deepseek-reasoner"}),
           _set("generators.smollm2.model", "r1"),
           _set("generators.smollm2.generation", {"backend": "litellm", "sdk": "openai"})),
     "config: generators.smollm2.generation.sdk: openai sends to OpenAI-compatible providers (openai/<model>, "
     "hosted_vllm/<model>), not deepseek/deepseek-reasoner; use litellm"),
    ("an expect_model that is not a pattern",
     _set("models.r1", {"source": "api", "provider": "deepseek/deepseek-reasoner", "expect_model": "DeepSeek-R1("}),
     "config: models.r1.expect_model: not a valid regular expression: missing ), unterminated subpattern"),
    ("a token budget of a variant that does not exist", _set("variants.ST-TM", {"kind": "token_matched",
                                                                               "budget_of": "ST-XX"}),
     "config: variants.ST-TM.budget_of: 'ST-XX' is not a key of variants"),
    ("a token budget given twice", _set("variants.ST-TM", {"kind": "token_matched", "budget_of": "ST-HC",
                                                           "words": 1000}),
     "config: variants.ST-TM: set exactly one of budget_of (a variant) and words (a number)"),
    ("a prompted baseline that is not a key", _set("study.baselines", ["gpt"]),
     "config: study.baselines: 'gpt' is not a key of baselines (known: smollm2)"),
    ("a style prompt with a field the profile does not fill",
     _both(_file("prompts/bad_style.yaml", "user: '{question} like {teacher}'", "baselines.gpt.style_prompt"),
           _set("models.gpt", API), _set("baselines.gpt.model", "gpt"),
           _set("baselines.gpt.generation", {"backend": "litellm"}), _set("study.baselines", ["gpt"])),
     "config: baselines.gpt.style_prompt: prompts/bad_style.yaml: unknown placeholder(s) ['teacher']"),
    ("an API baseline under budget forcing",
     _both(_set("models.gpt", API), _set("baselines.gpt", {"model": "gpt", "generation": {"backend": "litellm"}}),
           _set("study.baselines", ["gpt"]), _set("benchmarks.arith_test.budget_forcing", {"waits": 1})),
     "config: benchmarks.arith_test (baseline gpt).budget_forcing: the API model 'gpt' cannot continue its own text"),
    ("a baseline's benchmark outside the study", _set("baselines.smollm2.benchmarks", ["aime24"]),
     "config: baselines.smollm2.benchmarks: ['aime24'] not in study.benchmarks (arith_test)"),
    ("align_on naming a variant outside the study", _set("build_variants.align_on", ["ST", "ST-XX"]),
     "config: build_variants.align_on: ['ST-XX'] not in study.variants"),
    ("a min_size share of zero", _set("build_variants.min_size", 0), "config: build_variants.min_size: Input should "
                                                                     "be greater than 0"),
    ("a min_size share above one", _set("build_variants.min_size", 1.5), "config: build_variants.min_size: Input "
                                                                         "should be less than or equal to 1"),
    ("a reasoning control for a local model", _set("families.smollm2.generation.reasoning_effort", "high"),
     "config: families.smollm2.generation: reasoning_effort: only API models take it (backend litellm), not backend "
     "transformers"),
    ("an API generator holding GPUs", _both(_set("models.gpt", API), _set("generators.smollm2.model", "gpt"),
                                             _set("generators.smollm2.generation", {"backend": "litellm", "gpus": 1})),
     "config: generators.smollm2.generation.gpus: an API model runs on its provider's GPUs; this job would hold 1"),
    ("CPU processes with GPUs", _set("families.smollm2.sft", {"gpus": 2, "processes": 2}),
     "config: families.smollm2.sft: processes: 2 is for CPU training (gpus: 0); with gpus: 2 the job runs one process"),
    ("flash attention without a GPU", _set("families.smollm2.sft.attention", "flash_attention_2"),
     "config: families.smollm2.sft: attention: flash_attention_2 needs GPUs (gpus: 0 here)"),
    ("Liger kernels without a GPU", _set("families.smollm2.sft.liger", True),
     "config: families.smollm2.sft: liger: Triton kernels need GPUs (gpus: 0 here)"),
    ("Liger kernels with the chunked loss", _set("families.smollm2.sft", {"gpus": 1, "liger": True, "loss": "chunked"}),
     "config: families.smollm2.sft: liger: its fused linear cross-entropy is a chunked loss of its own"),
    ("a local model on the API backend", _set("teachers.smollm2.generation.backend", "litellm"),
     "needs backend transformers or vllm, not litellm"),
    ("a key where its variable's name belongs", _set("models.gpt4o", {**API, "api_key_env": "sk-live-abcdefgh0123"}),
     "config: models.gpt4o.api_key_env: must name an environment variable"),
    # train/test roles and contradictions
    ("benchmark on a train split", _set("benchmarks.arith_test.dataset", "arith_train"),
     "config: benchmarks.arith_test.dataset: 'arith_train' has split 'train'; a benchmark must be a test split"),
    ("teacher problems from a test split", _set("datasets.arith_train.split", "test"),
     "config: study.datasets: 'arith_train' has split 'test'"),
    ("pass@8 of one sample", _set("benchmarks.arith_test.pass_k", [8]),
     "config: benchmarks.arith_test: pass_k [8] exceeds n_samples 1"),
    ("a DAG too large to plan", _both(*[_set(f"datasets.d{i}", {"source": "builtin", "split": "train", "n": 4,
                                                               "seed": i}) for i in range(20)],
                                      _set("study.datasets", [f"d{i}" for i in range(20)]),
                                      _set("teachers.smollm2.shards", 1024)),
     "config: study: about"),
    # datasets
    ("unknown level", _set("datasets.arith_train.levels", [7]), "config: datasets.arith_train.levels.0:"),
    ("missing JSONL file", _set("datasets.arith_train", {"source": "jsonl", "split": "train", "path": "nope.jsonl",
                                                          "fields": {"question": "q", "answer": "a"}}),
     "config: datasets.arith_train.path: file not found: nope.jsonl"),
    ("JSONL path is a directory", _set("datasets.arith_train", {"source": "jsonl", "split": "train", "path": "prompts",
                                                               "fields": {"question": "q", "answer": "a"}}),
     "config: datasets.arith_train.path: is a directory, not a file: prompts"),
    ("JSONL row without a mapped field", _jsonl_dataset('{"q": "1+1?", "a": "2"}\n\n{"q": "2+2?"}\n'),
     "config: datasets.arith_train: data.jsonl:3: missing key 'a' (fields.answer)"),
    ("field map naming a column the file lacks", _jsonl_dataset('{"q": "1+1?", "a": "2"}\n', id="uid"),
     "config: datasets.arith_train: data.jsonl:1: missing key 'uid' (fields.id)"),
    ("JSONL row that is not an object", _jsonl_dataset('{"q": "1+1?", "a": "2"}\n["q", "a"]\n'),
     "config: datasets.arith_train: data.jsonl:2: expected an object, got list"),
    ("JSONL file without rows", _jsonl_dataset("\n"), "config: datasets.arith_train: data.jsonl: no problems"),
    ("answer pattern with two groups",
     _set("datasets.arith_train", {"source": "jsonl", "split": "train", "path": "config.yaml",
                                   "answer_pattern": "(a)(b)", "fields": {"question": "q", "answer": "a"}}),
     "config: datasets.arith_train.answer_pattern: must have exactly one group"),
    # prompts
    ("missing prompt file", _set("teachers.smollm2.prompt", "prompts/nope.yaml"),
     "config: teachers.smollm2.prompt: prompts/nope.yaml: prompt file not found"),
    ("prompt is a directory", _set("teachers.smollm2.prompt", "prompts"),
     "config: teachers.smollm2.prompt: prompts: is a directory, not a prompt file"),
    ("variant prompt is a directory", _set("variants.SBS.prompt", "prompts"),
     "config: variants.SBS.prompt: prompts: is a directory, not a prompt file"),
    ("prompt without {question}", _file("prompts/bad.yaml", "user: 'Solve it.'\n", "teachers.smollm2.prompt"),
     "config: teachers.smollm2.prompt: prompts/bad.yaml: template must use placeholder(s) ['question']"),
    ("prompt with an unknown placeholder", _file("prompts/bad.yaml", "user: '{question} {hint}'\n",
                                                 "teachers.smollm2.prompt"),
     "unknown placeholder(s) ['hint']"),
    ("prompt with an unclosed brace", _file("prompts/bad.yaml", "user: 'Q: {question'\n", "teachers.smollm2.prompt"),
     "config: teachers.smollm2.prompt: prompts/bad.yaml: not a valid template"),
    ("prompt with a positional placeholder", _file("prompts/bad.yaml", "user: 'Q: {question} {}'\n",
                                                   "variants.SBS.prompt"),
     "config: variants.SBS.prompt: prompts/bad.yaml: placeholder {} must be a name"),
    ("prompt that is not YAML", _file("prompts/bad.yaml", "user: [unclosed\n", "teachers.smollm2.prompt"),
     "config: teachers.smollm2.prompt: prompts/bad.yaml: not valid YAML: line 2"),
    ("prompt with an unknown key", _file("prompts/bad.yaml", TEACHER_PROMPT + "assistant: hi\n",
                                         "teachers.smollm2.prompt"),
     "prompts/bad.yaml: unknown key(s) ['assistant']"),
    ("rewrite prompt without the kept trace", _file("prompts/bad.yaml", "user: '{question} -> {answer}'\n",
                                                    "variants.ST-HC-W.prompt"),
     "config: variants.ST-HC-W.prompt: prompts/bad.yaml: template must use placeholder(s) ['kept']"),
    ("gold answer shown against show_answer", _both(
        _file("prompts/bad.yaml", "user: '{question} -> {answer}'\n", "variants.ST-HC.prompt"),
        _set("variants.ST-HC.show_answer", False)),
     "config: variants.ST-HC.prompt: prompts/bad.yaml: unknown placeholder(s) ['answer']"),
    ("unknown style-check feature", _set("variants.ST-HC.style_check", {"features": ["words", "colour"]}),
     "config: variants.ST-HC.style_check.features: unknown feature(s) colour"),
    ("ST-HC-W without its input", _set("variants.ST-HC-W.input", None),
     "config: variants.ST-HC-W.input: Input should be a valid string"),
    # recipes
    ("unknown recipe key", _recipe("sequence_packing: true\n"),
     "config: families.smollm2.recipe: recipes/bad.yaml: unknown key(s) ['sequence_packing']"),
    ("learning rate as a word", _set("families.smollm2.sft.learning_rate", "fast"),
     "config: families.smollm2.sft.learning_rate: Input should be a valid number"),
    ("recipe key written twice", _recipe("epochs: 2\n"),
     "config: families.smollm2.recipe: recipes/bad.yaml: not valid YAML: line"),
    ("decontamination against a benchmark not in the config", _set("decontaminate.benchmarks", ["math501"]),
     "config: decontaminate.benchmarks: 'math501' is not a key of benchmarks (known: arith_test)"),
    ("decontamination n-grams of two words", _set("decontaminate.ngram", 2),
     "config: decontaminate.ngram: Input should be greater than or equal to 3, got 2"),
    ("decontamination fuzzy threshold over 100", _set("decontaminate.fuzzy", 101),
     "config: decontaminate.fuzzy: Input should be less than or equal to 100"),
    ("decontamination fuzzy threshold of 0", _set("decontaminate.fuzzy", 0),
     "config: decontaminate.fuzzy: Input should be greater than 0"),
    ("an unknown experiment tracker", _set("tracking.report_to", ["tensorbored"]),
     "config: tracking.report_to.0: unknown tracker 'tensorbored' (one of azure_ml, clearml, codecarbon, "
     "comet_ml, dagshub,"),
    ("a contrast naming a variant not in the study", _set("report.contrasts", [{"a": "ST", "b": "ST-XX",
                                                                                 "claim": "better"}]),
     "config: report.contrasts.0.b: 'ST-XX' is not a variant of the study (base or study.variants:"),
    ("a training seed written twice", _set("study.seeds", [0, 1, 0]), "config: study.seeds: 0 is listed twice"),
    ("seed variants naming a variant not in the study", _set("study.seed_variants", ["ST", "ST-XX"]),
     "config: study.seed_variants: 'ST-XX' is not a variant of the study"),
    ("an equivalence margin of 0", _set("report.equivalence_margin", 0),
     "config: report.equivalence_margin: Input should be greater than 0"),
    ("a suite naming an unknown benchmark", _set("report.suites", {"competition": ["arith_test", "aime24"]}),
     "config: report.suites.competition: 'aime24' is not a benchmark of the study"),
    ("a suite named like a benchmark", _set("report.suites", {"arith_test": ["arith_test", "arith_test2"]}),
     "config: report.suites.arith_test: the name of a benchmark; name the suite otherwise"),
    ("a suite of one benchmark", _set("report.suites", {"competition": ["arith_test"]}),
     "config: report: suites.competition: pools at least 2 benchmarks, got ['arith_test']"),
    ("report decimals out of range", _set("report", {"decimals": 9}),
     "config: report.decimals: Input should be less than or equal to 4, got 9"),
    ("recipe value out of range", _file("recipes/bad.yaml", "warmup_ratio: 1.5\n", "families.smollm2.recipe"),
     "config: families.smollm2.recipe: recipes/bad.yaml.warmup_ratio: Input should be less than 1, got 1.5"),
    ("missing DeepSpeed config", _set("families.smollm2.sft.deepspeed", "recipes/ds_nope.json"),
     "config: families.smollm2.sft: key 'deepspeed': file recipes/ds_nope.json not found"),
    ("DeepSpeed config that is not JSON", _file("recipes/ds.json", "{zero: 2", "families.smollm2.sft.deepspeed"),
     "config: families.smollm2.sft: key 'deepspeed': recipes/ds.json: not valid JSON"),
    ("recipe is a directory", _set("families.smollm2.recipe", "recipes"),
     "config: families.smollm2.recipe: recipes: is a directory, not a recipe file"),
    ("DeepSpeed config is a directory", _set("families.smollm2.sft.deepspeed", "recipes/deepspeed"),
     "config: families.smollm2.sft: key 'deepspeed': recipes/deepspeed: is a directory, not a file"),
    ("chat template is a directory", _set("families.smollm2.sft.chat_template", "recipes"),
     "config: families.smollm2.sft: key 'chat_template': recipes: is a directory, not a file"),
    ("unknown compute dtype", _set("families.smollm2.sft.dtype", "fp8"), "config: families.smollm2.sft.dtype:"),
    ("unknown attention", _set("families.smollm2.sft.attention", "flash"), "config: families.smollm2.sft.attention:"),
    ("LoRA with ZeRO-3", _both(_set("families.smollm2.sft.lora_rank", 8),
                               _set("families.smollm2.sft.deepspeed", "recipes/deepspeed/zero3.json")),
     "config: families.smollm2.sft: key 'lora_rank': LoRA adapters are merged on save"),
    ("unknown scheduler", _set("families.smollm2.sft.lr_scheduler", "cosine_annealing"),
     "config: families.smollm2.sft.lr_scheduler: unknown scheduler 'cosine_annealing'"),
    ("unknown optimizer", _set("families.smollm2.sft.optimizer", "adam"),
     "config: families.smollm2.sft.optimizer: unknown optimizer 'adam'"),
    # features
    ("empty pivot type", _set("features.lexicon", {**LEXICON, "integration": []}),
     "config: features.lexicon: integration: must be a non-empty list"),
    ("missing pivot type", _set("features.lexicon", {k: v for k, v in LEXICON.items() if k != "integration"}),
     "config: features.lexicon: missing pivot type(s) integration"),
    ("unknown lexicon preset", _set("features.lexicon", "r2"),
     "config: features.lexicon: unknown lexicon preset 'r2' (presets: paper, r1"),
    ("duplicate pivot phrase", _set("features.lexicon", {**LEXICON, "verification": ["let me check", "Let me  check"]}),
     "config: features.lexicon: phrase 'Let me check' is listed twice"),
    ("position rule for a phrase not in the lexicon", _set("features.position_rules", {"oops": ["opens"]}),
     "config: features.position_rules: 'oops' is not a phrase of the lexicon"),
    ("uninstalled spaCy model", _set("features.spacy_model", "en_core_web_trf"),
     "config: features.spacy_model: 'en_core_web_trf' is not an installed spaCy package"),
    ("discovery reference is a directory", _set("features.discover", {"reference": "prompts"}),
     "config: features.discover.reference: is a directory, not a file: prompts (or 'answers')"),
    ("min_types above 4", _set("features.min_types", 5), "config: features.min_types: Input should be less"),
    # files Snakemake would read leniently
    ("a benchmark entry written twice", _raw(_default_text().replace(
        "benchmarks:\n", "benchmarks:\n  arith_test:\n    dataset: arith_train\n", 1)),
     "config: config.yaml: not valid YAML: line"),
    ("YAML syntax error", _raw(_default_text().replace("study:", "study: [", 1)),
     "config: config.yaml: not valid YAML"),
    ("empty config.yaml", _raw("# nothing yet\n"),
     "config: config.yaml: is empty (a config file needs keys at top level)"),
    ("config.yaml a list", _raw("- study\n"),
     "config: config.yaml: must be a mapping of keys at top level, got a list"),
    # a simulated teacher (the default's)
    ("a pivot rate above 1", _both(_set("study.teachers", ["simulated_r1"]),
                                   _set("teachers.simulated_r1.pivots", {"verification": 1.5})),
     "config: teachers.simulated_r1.pivots.verification: Input should be less than or equal to 1, got 1.5"),
    ("a negative wrong rate",
     _both(_set("study.teachers", ["simulated_r1"]), _set("teachers.simulated_r1.wrong", -0.2)),
     "config: teachers.simulated_r1.wrong: Input should be greater than or equal to 0, got -0.2"),
    ("a stage order naming an unknown stage",
     _both(_set("study.teachers", ["simulated_r1"]),
           _set("teachers.simulated_r1.stage_order", ["framing", "pondering", "synthesis"])),
     "config: teachers.simulated_r1.stage_order.1: Input should be 'framing', 'exploration', 'verification' or "
     "'synthesis', got 'pondering'"),
    ("a simulated teacher on problems without solutions",
     _both(_set("study.teachers", ["simulated_r1"]),
           _jsonl_dataset('{"q": "What is 1 + 1?", "a": "2"}\n')),
     "config: teachers.simulated_r1: a simulated teacher writes from the worked solutions of the built-in generator; "
     "study.datasets: 'arith_train' has source 'jsonl' (use source: builtin)"),
    ("imported traces path is a directory",
     _both(_set("teachers.r1", {"source": "import", "format": "jsonl", "path": "prompts", "layout": "think",
                                "fields": {"question": "q", "response": "r"}}), _set("study.teachers", ["r1"])),
     "config: teachers.r1: path: is a directory, not a file: prompts"),
]


def _bad_workdir(mutate: Mutate, tmp_path: Path) -> Path:
    workdir = copy_workflow(tmp_path / "wf")
    config = model_teacher_config()  # most cases are a model teacher's; the simulated ones switch teachers
    if mutate(config, workdir) != "raw":
        write_config(workdir, config)
    return workdir


@pytest.mark.parametrize("name, mutate, message", CASES, ids=[c[0] for c in CASES])
def test_bad_config_is_one_line_from_the_checks_the_dry_run_runs(name, mutate, message, tmp_path, monkeypatch):
    """In this process, through the check command's code (the same reader and loader as config.smk): quick."""
    from styledistill.cli.check import check

    workdir = _bad_workdir(mutate, tmp_path)
    monkeypatch.chdir(workdir)
    study, problems = check(["config.yaml"])
    assert study is None and len(problems) == 1 and message in problems[0], problems
    assert "sk-live" not in problems[0]


# Through Snakemake itself: every third case, and every raw file (what config.smk reads before the loader). The
# in-process test above runs every case through the same reader and loader.
THROUGH_SNAKEMAKE = [case for i, case in enumerate(CASES) if i % 3 == 0 or case[0] in {
    "a benchmark entry written twice", "YAML syntax error", "empty config.yaml", "config.yaml a list"}]


@pytest.mark.slow
@pytest.mark.parametrize("name, mutate, message", THROUGH_SNAKEMAKE, ids=[c[0] for c in THROUGH_SNAKEMAKE])
def test_bad_config_fails_at_dry_run_in_one_line(name, mutate, message, tmp_path):
    workdir = _bad_workdir(mutate, tmp_path)
    result = snakemake(workdir, "-n", check=False)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode != 0, result.stdout[-2000:]
    assert len(lines) == 1 and message in lines[0], lines[:5]
    assert "sk-live" not in lines[0]
    assert not (workdir / "results").exists() and not (workdir / "logs").exists()


def test_a_key_written_twice_in_an_overlay(tmp_path):
    workdir = copy_workflow(tmp_path / "wf")
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("build_st:\n  max_size: 3\n  max_size: 4\n")
    result = snakemake(workdir, "-n", "--configfile", str(overlay), check=False)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode != 0 and len(lines) == 1
    assert lines[0] == (f"config: {overlay}: not valid YAML: line 3, column 3: key 'max_size' appears twice in one "
                        "mapping (first at line 2)")


def check_cli(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m styledistill.cli.check` in the workflow's directory, as the README tells."""
    return subprocess.run([sys.executable, "-m", "styledistill.cli.check", *args], cwd=workdir, capture_output=True,
                          text=True, timeout=300)


# Overlays Snakemake cannot load at all: it reads --configfile files before our Snakefile runs (ConfigSettings, in its
# argument handling), so `snakemake -n` stops with its own message, which names no file (or with a traceback, for a
# missing or directory overlay). `python -m styledistill.cli.check --configfile FILE` names the file and line.
OVERLAYS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("syntax error", lambda tmp: _write(tmp / "o.yaml", "build_st:\n  max_size: [3\n  seed: 1\n"),
     "not valid YAML: line 3, column 7: expected ',' or ']', but got ':'"),
    ("empty", lambda tmp: _write(tmp / "o.yaml", "# overlay\n"), "is empty (a config file needs keys at top level)"),
    ("a list", lambda tmp: _write(tmp / "o.yaml", "- build_st\n"),
     "must be a mapping of keys at top level, got a list"),
    ("missing", lambda tmp: tmp / "o.yaml", "config file not found"),
    ("a directory", lambda tmp: _mkdir(tmp / "o.yaml"), "is a directory, not a config file"),
]


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize("name, make, message", OVERLAYS, ids=[o[0] for o in OVERLAYS])
def test_an_overlay_snakemake_cannot_load_is_one_line_from_the_check_command(name, make, message, tmp_path):
    workdir = copy_workflow(tmp_path / "wf")
    overlay = make(tmp_path)
    result = snakemake(workdir, "-n", "--configfile", str(overlay), check=False)
    assert result.returncode != 0  # Snakemake's own message: it stops before our Snakefile runs
    assert not (workdir / "results").exists() and not (workdir / "logs").exists()
    result = check_cli(workdir, "--configfile", str(overlay))
    assert result.returncode == 2 and result.stdout == "", result.stderr[-2000:]
    assert result.stderr.splitlines() == [f"error: config: {overlay}: {message}"]


def test_the_check_command_names_every_bad_overlay_and_passes_a_good_config(tmp_path):
    workdir = copy_workflow(tmp_path / "wf")
    empty, listed = _write(tmp_path / "a.yaml", ""), _write(tmp_path / "b.yaml", "[1]\n")
    result = check_cli(workdir, "--configfile", str(empty), str(listed))
    assert result.returncode == 2
    assert [line.split(": ")[2] for line in result.stderr.splitlines()] == [str(empty), str(listed)]
    good = _write(tmp_path / "good.yaml", "build_st:\n  seed: 3\n")
    result = check_cli(workdir, "--configfile", str(good))
    assert result.returncode == 0 and result.stderr == "", result.stderr[-2000:]
    variants = len(default_config()["study"]["variants"])
    assert result.stdout.splitlines() == [f"config OK: 1 teachers, 1 datasets, {variants} variants, 1 families, "
                                          f"1 benchmarks (config.yaml + {good})"]


# The check command runs the same checks as `snakemake -n` on the merged config: the same line, for a sample of cases.
SAME = ["unknown top-level key", "prompt is a directory", "JSONL row without a mapped field", "max_new_tokens of 10^20",
        "a benchmark entry written twice"]


@pytest.mark.parametrize("name", SAME)
def test_the_check_command_says_what_the_dry_run_says(name, tmp_path):
    _, mutate, message = next(case for case in CASES if case[0] == name)
    workdir = copy_workflow(tmp_path / "wf")
    config = model_teacher_config()
    if mutate(config, workdir) != "raw":
        write_config(workdir, config)
    result = check_cli(workdir)
    assert result.returncode == 2 and message in result.stderr
    assert result.stderr.splitlines() == [f"error: {snakemake(workdir, '-n', check=False).stderr.strip()}"]


def test_an_overlay_merges_as_snakemake_merges_it(tmp_path):
    workdir = copy_workflow(tmp_path / "wf")
    overlay = _write(tmp_path / "o.yaml", "teachers:\n  smollm2:\n    n_samples: 100000\n")
    expected = "config: teachers.smollm2.n_samples: Input should be less than or equal to 10000"
    dry = snakemake(workdir, "-n", "--configfile", str(overlay), check=False)
    assert dry.returncode != 0 and expected in dry.stderr
    assert check_cli(workdir, "--configfile", str(overlay)).stderr.splitlines() == [f"error: {dry.stderr.strip()}"]


def test_the_suite_is_large():
    assert len(CASES) + 1 >= 50
    assert len({c[0] for c in CASES}) == len(CASES)
    json.dumps([c[2] for c in CASES])
