"""The tiny study the workflow tests run: the real SmolLM2 teacher, two tiny random student families."""

from __future__ import annotations

from pathlib import Path

VARIANTS = ["ST", "ST-HC", "ST-HC-W", "ST-NT", "SBS", "ST-PS", "ST-SS", "ST-HC-LM"]
SEEDS = [0, 1]
SEED_VARIANTS = ["ST"]  # trained with every seed; the others with seed 0


def trained(variants: list[str]) -> int:
    """Training jobs (per family) of these variants: one per seed each."""
    return sum(len(SEEDS) if v in SEED_VARIANTS else 1 for v in variants)


PER_FAMILY = trained(VARIANTS)  # training jobs of one family
DATA = Path(__file__).resolve().parent / "data"


def tiny_config(smollm2_dir: Path) -> dict:
    gen = {"max_new_tokens": 128, "temperature": 0.5, "top_p": 0.95, "seed": 0, "batch_size": 32}
    student_gen = {"max_new_tokens": 24, "temperature": 0.0, "batch_size": 8}
    return {
        "study": {"teachers": ["smol"], "datasets": ["tiny_train"], "variants": VARIANTS,
                  "families": ["tllama", "tqwen"], "benchmarks": ["tiny_test"], "seeds": SEEDS,
                  "seed_variants": SEED_VARIANTS, "baselines": ["tbase"]},
        "models": {
            "smol": {"source": "hf", "path": str(smollm2_dir)},
            "tllama": {"source": "random", "architecture": "llama", "tokenizer_from": "smol"},
            "tqwen": {"source": "random", "architecture": "qwen2", "tokenizer_from": "smol"},
        },
        "datasets": {
            # Single-digit sums: the embedded model solves most, so ST is never empty (builtin problems are
            # covered by the CLI tests and the demo).
            "tiny_train": {"source": "jsonl", "split": "train", "path": str(DATA / "easy_train.jsonl"),
                           "fields": {"id": "id", "question": "problem", "answer": "answer"}},
            "tiny_test": {"source": "jsonl", "split": "test", "path": str(DATA / "easy_test.jsonl"),
                          "fields": {"id": "id", "question": "problem", "answer": "answer"}},
        },
        "teachers": {"smol": {"model": "smol", "prompt": "prompts/teacher.yaml", "n_samples": 4, "shards": 2,
                              "generation": gen, "threads": 1}},
        "generators": {"smol": {"model": "smol", "answer_check": "enforce", "generation": gen, "threads": 1}},
        "variants": {
            "ST": {"kind": "st"},
            # A lenient style check: the job counts after prompt edits assume the aligned problems stay the same.
            "ST-HC": {"kind": "synthetic", "generator": "smol", "prompt": "prompts/synthetic_hc.yaml",
                      "style_check": {"threshold": 20.0}},
            "ST-HC-W": {"kind": "synthetic_wrong", "input": "ST-HC", "generator": "smol",
                        "prompt": "prompts/synthetic_hc_w.yaml"},
            "ST-NT": {"kind": "no_trace"},
            "SBS": {"kind": "step_by_step", "generator": "smol", "prompt": "prompts/step_by_step.yaml"},
            "ST-PS": {"kind": "pivot_stripped"},
            "ST-SS": {"kind": "stage_shuffled"},
            "ST-HC-LM": {"kind": "length_matched", "input": "ST-HC"},
        },
        "families": {
            "tllama": {"model": "tllama", "recipe": "recipes/sft/tiny.yaml", "sft": {"learning_rate": 1.0e-3},
                       "generation": student_gen, "threads": 1},
            # the multi-process path of a GPU cluster, on CPU: two ranks over gloo, DeepSpeed ZeRO-2, torchrun
            "tqwen": {"model": "tqwen", "recipe": "recipes/sft/tiny.yaml",
                      "sft": {"learning_rate": 1.0e-3, "processes": 2, "deepspeed": "recipes/deepspeed/zero2.json"},
                      "generation": student_gen, "threads": 2},
        },
        "baselines": {"tbase": {"model": "tllama", "style_prompt": "prompts/style_prompted.yaml",
                                "generation": student_gen, "threads": 1}},
        "benchmarks": {"tiny_test": {"dataset": "tiny_test", "n_samples": 1}},
        "build_st": {"max_size": 4},
        "build_variants": {"size": 4},
    }
