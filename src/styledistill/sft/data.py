"""Training conversations, rendered with the student's own chat template, with loss on the assistant turn only.

A conversation is `student_messages(question, system)` plus one assistant message: the reasoning inside
<think>…</think> before the answer (`assistant_target`), or as plain text before it (`plain_target`). Templates
rarely mark the assistant part (`{% generation %}`), so the mask is computed: the prompt rendered with
`add_generation_prompt=True` must be a prefix of the whole conversation; every token after it, up to and including
the first end-of-turn token after the assistant content, is trained; everything else (system, user, the assistant
header, whatever the template appends after the end-of-turn token) gets the label -100.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from styledistill.errors import UserError
from styledistill.prompting import assistant_target, plain_target, student_messages

log = logging.getLogger(__name__)

IGNORE_INDEX = -100
# where the reasoning goes in the target (the recipe's reasoning_layout)
TARGET_LAYOUTS = {"think": assistant_target, "plain": plain_target}


@dataclass(frozen=True)
class Conversation:
    row: int
    problem_id: str
    messages: list[dict[str, str]]
    target: str


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def conversations(df: pd.DataFrame, path: str | Path, system: str | None, layout: str) -> list[Conversation]:
    """The examples table as conversations, the reasoning placed by `layout` (TARGET_LAYOUTS); a row without a
    question or without any target fails, named."""
    if df.empty:
        raise UserError(f"{path}: no examples (0 rows)")
    out = []
    for row, record in enumerate(df.to_dict("records")):
        pid = _text(record.get("problem_id"))
        question = _text(record["question"])
        if not question.strip():
            raise UserError(f"{path}: row {row} (problem_id {pid!r}): empty question")
        target = TARGET_LAYOUTS[layout](_text(record["reasoning"]), _text(record["answer_text"]))
        if not target:
            raise UserError(f"{path}: row {row} (problem_id {pid!r}): empty reasoning and answer_text")
        out.append(Conversation(row, pid, student_messages(question, system), target))
    return out


def end_of_turn_tokens(tokenizer: Any, extra_ids: Sequence[int] = ()) -> list[str]:
    """Strings that close an assistant turn: the eos token and any eos ids of the model's generation config."""
    tokens = [tokenizer.eos_token] if tokenizer.eos_token else []
    for token_id in extra_ids:
        token = tokenizer.convert_ids_to_tokens(int(token_id))
        if token and token not in tokens:
            tokens.append(token)
    return tokens


def _render(tokenizer: Any, messages: list[dict[str, str]], add_generation_prompt: bool) -> str:
    try:
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)
    except Exception as exc:  # noqa: BLE001 -- no template, or the template raises on this conversation
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise UserError(f"student chat template: cannot render a conversation: {first}") from None
    if not isinstance(text, str):
        raise UserError("student chat template: apply_chat_template(tokenize=False) did not return text")
    return text


def trained_span(tokenizer: Any, messages: list[dict[str, str]], target: str,
                 end_tokens: Sequence[str]) -> tuple[str, int, int]:
    """Render the conversation; return (text, start, end): the characters [start, end) are the trained part."""
    prompt = _render(tokenizer, messages, add_generation_prompt=True)
    full = _render(tokenizer, [*messages, {"role": "assistant", "content": target}], add_generation_prompt=False)
    if not full.startswith(prompt):
        raise UserError("student chat template: the prompt rendered with add_generation_prompt=True is not a prefix "
                        "of the rendered conversation, so the assistant turn cannot be located")
    completion = full[len(prompt):]
    at = completion.find(target)
    if at < 0:
        raise UserError("student chat template: the assistant message does not appear verbatim in the rendered "
                        "conversation (does the template strip <think>…</think>?)")
    after = at + len(target)
    ends = [completion.find(token, after) + len(token) for token in end_tokens if completion.find(token, after) >= 0]
    stop = min(ends) if ends else len(completion.rstrip())
    return full, len(prompt), len(prompt) + stop


def _token_spans(tokenizer: Any, text: str, start: int, stop: int, use_offsets: bool) -> tuple[list[int], list[bool]]:
    """Token ids of `text` and, per token, whether it lies inside [start, stop)."""
    if use_offsets and getattr(tokenizer, "is_fast", False):
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids = list(enc["input_ids"])
        inside = [start <= a and b <= stop and b > a for a, b in enc["offset_mapping"]]
        return ids, inside
    # Slow tokenizers: the prompt's and the trained part's tokens must be prefixes of the whole's.
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    head = tokenizer(text[:start], add_special_tokens=False)["input_ids"]
    upto = tokenizer(text[:stop], add_special_tokens=False)["input_ids"]
    if ids[: len(head)] != head or ids[: len(upto)] != upto:
        raise UserError("student tokenizer: the prompt's tokens are not a prefix of the conversation's tokens")
    return ids, [len(head) <= i < len(upto) for i in range(len(ids))]


def encode(tokenizer: Any, messages: list[dict[str, str]], target: str, max_length: int,
           end_tokens: Sequence[str], use_offsets: bool = True) -> dict[str, Any] | None:
    """input_ids / labels of one conversation cut to `max_length`; None when the prompt alone fills it."""
    text, start, stop = trained_span(tokenizer, messages, target, end_tokens)
    ids, inside = _token_spans(tokenizer, text, start, stop, use_offsets)
    n_prompt = next((i for i, keep in enumerate(inside) if keep), len(ids))
    if n_prompt >= max_length:
        return None
    labels = [token if keep else IGNORE_INDEX for token, keep in zip(ids, inside)]
    return {
        "input_ids": ids[:max_length],
        "labels": labels[:max_length],
        "prompt_tokens": n_prompt,
        "truncated": len(ids) > max_length,
    }


@dataclass
class EncodeStats:
    examples_in: int = 0
    examples_kept: int = 0
    dropped_prompt_too_long: int = 0
    dropped_too_long: int = 0
    truncated: int = 0
    input_tokens: int = 0
    label_tokens: int = 0
    dropped_rows: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "examples_in": self.examples_in,
            "examples_kept": self.examples_kept,
            "dropped_prompt_too_long": self.dropped_prompt_too_long,
            "dropped_too_long": self.dropped_too_long,
            "truncated": self.truncated,
            "input_tokens_per_epoch": self.input_tokens,
            "label_tokens_per_epoch": self.label_tokens,
        }


def encode_all(tokenizer: Any, convs: Sequence[Conversation], max_length: int, end_tokens: Sequence[str],
               overlong: str) -> tuple[list[dict[str, list[int]]], EncodeStats]:
    """Tokenise every conversation; drop (and count) those whose prompt alone reaches max_length, and with
    `overlong: drop` those longer than max_length (else they are cut, and counted)."""
    features, stats = [], EncodeStats(examples_in=len(convs))
    for conv in convs:
        enc = encode(tokenizer, conv.messages, conv.target, max_length, end_tokens)
        if enc is None:
            stats.dropped_prompt_too_long += 1
            stats.dropped_rows.append(conv.row)
            continue
        if enc["truncated"] and overlong == "drop":
            stats.dropped_too_long += 1
            stats.dropped_rows.append(conv.row)
            continue
        stats.truncated += enc["truncated"]
        stats.input_tokens += len(enc["input_ids"])
        stats.label_tokens += sum(label != IGNORE_INDEX for label in enc["labels"])
        features.append({"input_ids": enc["input_ids"], "labels": enc["labels"]})
    stats.examples_kept = len(features)
    if stats.dropped_prompt_too_long:
        log.warning("dropped %d of %d examples whose prompt alone reaches max_length=%d (rows %s)",
                    stats.dropped_prompt_too_long, stats.examples_in, max_length, stats.dropped_rows[:20])
    if stats.dropped_too_long:
        log.warning("dropped %d of %d examples longer than max_length=%d (overlong: drop)", stats.dropped_too_long,
                    stats.examples_in, max_length)
    if stats.truncated:
        log.info("cut %d of %d examples to max_length=%d", stats.truncated, stats.examples_in, max_length)
    return features, stats


class PaddingCollator:
    """Right-pad a batch: input_ids with the pad token, attention_mask with 0, labels with -100."""

    def __init__(self, pad_token_id: int, pad_to_multiple_of: int | None = None) -> None:
        self.pad_token_id = pad_token_id
        self.pad_to_multiple_of = pad_to_multiple_of

    def __call__(self, features: Sequence[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        width = max(len(f["input_ids"]) for f in features)
        if self.pad_to_multiple_of:
            width = -(-width // self.pad_to_multiple_of) * self.pad_to_multiple_of
        batch: dict[str, list[list[int]]] = {"input_ids": [], "attention_mask": [], "labels": []}
        for f in features:
            pad = width - len(f["input_ids"])
            batch["input_ids"].append(list(f["input_ids"]) + [self.pad_token_id] * pad)
            batch["attention_mask"].append([1] * len(f["input_ids"]) + [0] * pad)
            batch["labels"].append(list(f["labels"]) + [IGNORE_INDEX] * pad)
        return {key: torch.tensor(value, dtype=torch.long) for key, value in batch.items()}


class PackingCollator:
    """Padding-free packing: a batch's examples concatenated into one row, position ids restarting at every example,
    the first label of each example -100, and the examples' bounds as `cu_seq_lens_q/k` with `max_length_q/k` (what
    flash-attention's varlen path and our `packed_sdpa` read to attend within each example only). One row and no
    padding: with per-example attention nothing is spent on padding or on attention across examples."""

    def __call__(self, features: Sequence[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        ids: list[int] = []
        labels: list[int] = []
        positions: list[int] = []
        bounds = [0]
        for feature in features:
            n = len(feature["input_ids"])
            ids += list(feature["input_ids"])
            labels += [IGNORE_INDEX] + list(feature["labels"][1:])
            positions += list(range(n))
            bounds.append(bounds[-1] + n)
        longest = max(b - a for a, b in zip(bounds[:-1], bounds[1:]))
        cu_seq_lens = torch.tensor(bounds, dtype=torch.int32)
        return {"input_ids": torch.tensor([ids], dtype=torch.long), "labels": torch.tensor([labels], dtype=torch.long),
                "position_ids": torch.tensor([positions], dtype=torch.long), "cu_seq_lens_q": cu_seq_lens,
                "cu_seq_lens_k": cu_seq_lens, "max_length_q": longest, "max_length_k": longest}
