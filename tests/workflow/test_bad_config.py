"""The bad-input suite, config part: every bad or contradictory config fails at `snakemake -n`, before any job,
with one line naming the file or key, a non-zero exit, and nothing written under results/ or logs/."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.workflow.conftest import copy_workflow, default_config, snakemake, write_config

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
    return yaml.safe_dump(default_config(), sort_keys=False)


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
    ("answer pattern with two groups",
     _set("datasets.arith_train", {"source": "jsonl", "split": "train", "path": "config.yaml",
                                   "answer_pattern": "(a)(b)", "fields": {"question": "q", "answer": "a"}}),
     "config: datasets.arith_train.answer_pattern: must have exactly one group"),
    # prompts
    ("missing prompt file", _set("teachers.smollm2.prompt", "prompts/nope.yaml"),
     "config: teachers.smollm2.prompt: prompts/nope.yaml: prompt file not found"),
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
    ("recipe missing a required key", _file("recipes/bad.yaml", "learning_rate: 1.0e-4\n", "families.smollm2.recipe"),
     "config: families.smollm2.recipe: recipes/bad.yaml: 'per_device_batch_size' is required"),
    ("missing DeepSpeed config", _set("families.smollm2.sft.deepspeed", "recipes/ds_nope.json"),
     "config: families.smollm2.sft: key 'deepspeed': file recipes/ds_nope.json not found"),
    ("DeepSpeed config that is not JSON", _file("recipes/ds.json", "{zero: 2", "families.smollm2.sft.deepspeed"),
     "config: families.smollm2.sft: key 'deepspeed': recipes/ds.json: not valid JSON"),
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
    ("min_types above 4", _set("features.min_types", 5), "config: features.min_types: Input should be less"),
    # files Snakemake would read leniently
    ("a benchmark entry written twice", _raw(_default_text().replace(
        "benchmarks:\n", "benchmarks:\n  arith_test:\n    dataset: arith_train\n", 1)),
     "config: config.yaml: not valid YAML: line"),
    ("YAML syntax error", _raw(_default_text().replace("study:", "study: [", 1)),
     "config: config.yaml: not valid YAML"),
]


@pytest.mark.parametrize("name, mutate, message", CASES, ids=[c[0] for c in CASES])
def test_bad_config_fails_at_dry_run_in_one_line(name, mutate, message, tmp_path):
    workdir = copy_workflow(tmp_path / "wf")
    config = default_config()
    if mutate(config, workdir) != "raw":
        write_config(workdir, config)
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


def test_the_suite_is_large():
    assert len(CASES) + 1 >= 50
    assert len({c[0] for c in CASES}) == len(CASES)
    json.dumps([c[2] for c in CASES])
