"""The embedded default backend: batched decoding with transformers, on CPU or GPU.

Each batch runs through a small hand-written decode loop rather than `model.generate`: a row leaves the batch (and
its KV cache) as soon as it emits EOS, so the rows that finish early stop costing compute while the longest row
goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from styledistill.devices import torch_numerics
from styledistill.generation.request import Request, Response, Sampling
from styledistill.generation.settings import TransformersSettings
from styledistill.models.loading import load_model, load_tokenizer

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

TokenPicker = Callable[["torch.Tensor"], "torch.Tensor"]


@dataclass
class Row:
    """What one prompt of a batch has generated so far."""

    tokens: list[int] = field(default_factory=list)
    stopped: bool = False  # emitted a stop token (the last of `tokens`)
    stopped_on_text: bool = False  # its text reached one of the request's stop strings


class StopStrings:
    """Whether a row's tokens have reached one of the request's stop strings (decoding only the row's tail: a stop
    string spans a few tokens at most)."""

    def __init__(self, tokenizer: Any, strings: tuple[str, ...]) -> None:
        self.tokenizer, self.strings = tokenizer, strings
        self.window = 4 + max(len(tokenizer(s, add_special_tokens=False).input_ids) for s in strings)

    def reached(self, tokens: list[int]) -> bool:
        tail = self.tokenizer.decode(tokens[-self.window:], skip_special_tokens=True)
        return any(s in tail for s in self.strings)

    def cut(self, text: str) -> str:
        """The text before the first stop string in it."""
        return text[:min((i for i in (text.find(s) for s in self.strings) if i >= 0), default=len(text))]


def batch_indices(requests: list[Request], lengths: list[int], batch_size: int) -> list[list[int]]:
    """Group request indices into batches of identical sampling and similar prompt length (less padding)."""
    sampling = [json.dumps(r.sampling.key_values(), sort_keys=True) for r in requests]
    order = sorted(range(len(requests)), key=lambda i: (sampling[i], lengths[i]))
    batches: list[list[int]] = []
    for i in order:
        same = batches and requests[batches[-1][0]].sampling == requests[i].sampling
        if same and len(batches[-1]) < batch_size:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def batch_seed(requests: list[Request]) -> int:
    """A seed from the batch's request keys, so a rerun of the same batch draws the same samples."""
    return int(hashlib.sha256("".join(r.key for r in requests).encode()).hexdigest()[:8], 16)


def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Positions that count real tokens only, as `generate` computes them for a left-padded batch."""
    positions = attention_mask.long().cumsum(-1) - 1
    return positions.masked_fill(attention_mask == 0, 0)  # padding is masked out; any valid position will do


def sample(logits: torch.Tensor, sampling: Sampling) -> torch.Tensor:
    """One token per row from the temperature-scaled distribution cut to its top-k, its top-p nucleus and the tokens
    at least min_p times as likely as the likeliest (each cut only when set; vLLM's order).

    No hidden top-k (transformers' `generate` adds top-k 50 by default): temperature and top_p mean the same here
    as on vLLM and the APIs.
    """
    import torch

    top_k, min_p, top_p = sampling.top_k, sampling.min_p, sampling.top_p
    scores = logits / sampling.temperature
    if top_k is not None and top_k < scores.shape[-1]:
        kth = scores.topk(top_k, dim=-1).values[:, -1:]
        scores = scores.masked_fill(scores < kth, float("-inf"))
    if min_p > 0:
        probs = scores.softmax(dim=-1)
        scores = scores.masked_fill(probs < min_p * probs.max(dim=-1, keepdim=True).values, float("-inf"))
    if top_p < 1.0:
        sorted_scores, order = scores.sort(dim=-1, descending=True)
        probs = sorted_scores.softmax(dim=-1)
        mass_before = probs.cumsum(dim=-1) - probs
        # Keep the smallest head of the distribution whose mass reaches top_p; the best token always stays.
        drop_sorted = mass_before >= top_p
        drop_sorted[:, 0] = False
        drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
        scores = scores.masked_fill(drop, float("-inf"))
    return torch.multinomial(scores.softmax(dim=-1), num_samples=1).squeeze(1)


def token_picker(sampling: Sampling) -> TokenPicker:
    """Greedy when the temperature is 0, else temperature, top-k, min-p and top-p sampling (from torch's global
    generator)."""
    if sampling.temperature == 0:
        return lambda logits: logits.argmax(dim=-1)
    return lambda logits: sample(logits, sampling)


class Penalties:
    """The repetition and presence penalties of a batch being decoded: which tokens each live row has seen in its
    prompt or output (repetition: transformers' and vLLM's definition) and in its output (presence: OpenAI's)."""

    def __init__(self, sampling: Sampling, input_ids: torch.Tensor, attention_mask: torch.Tensor, vocab: int) -> None:
        import torch

        self.repetition, self.presence = sampling.repetition_penalty, sampling.presence_penalty
        rows = input_ids.shape[0]
        self.seen = torch.zeros(rows, vocab, dtype=torch.bool, device=input_ids.device)
        real = attention_mask.bool()
        row_of = torch.arange(rows, device=input_ids.device)[:, None].expand_as(input_ids)
        self.seen[row_of[real], input_ids[real]] = True  # padding is not part of a prompt
        self.output = torch.zeros_like(self.seen)

    @classmethod
    def of(cls, sampling: Sampling, input_ids: torch.Tensor, attention_mask: torch.Tensor,
           vocab: int) -> Penalties | None:
        """None when neither penalty is on (no cost to the usual decoding)."""
        if sampling.repetition_penalty == 1.0 and sampling.presence_penalty == 0.0:
            return None
        return cls(sampling, input_ids, attention_mask, vocab)

    def apply(self, logits: torch.Tensor) -> torch.Tensor:
        import torch

        if self.repetition != 1.0:
            penalised = torch.where(logits > 0, logits / self.repetition, logits * self.repetition)
            logits = torch.where(self.seen, penalised, logits)
        if self.presence != 0.0:
            logits = logits - self.presence * self.output.to(logits.dtype)
        return logits

    def add(self, tokens: torch.Tensor) -> None:
        import torch

        rows = torch.arange(tokens.shape[0], device=tokens.device)
        self.seen[rows, tokens] = True
        self.output[rows, tokens] = True

    def keep(self, index: torch.Tensor) -> None:
        self.seen, self.output = self.seen[index], self.output[index]


def last_logits(
    model: Any, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor, cache: Any
) -> torch.Tensor:
    """One forward pass that extends `cache`; the float32 logits of each row's last position."""
    out = model(
        input_ids=input_ids,
        attention_mask=attention_mask,
        position_ids=position_ids,
        past_key_values=cache,
        use_cache=True,
        logits_to_keep=1,  # the prefill needs no logits for the prompt tokens
    )
    return out.logits[:, -1, :].float()


def append_tokens(rows: list[Row], live: list[int], tokens: list[int], stop_ids: set[int],
                  stop_strings: StopStrings | None = None) -> list[int]:
    """Append each live row's new token; return the slots (positions in the live batch) that go on decoding."""
    keep = []
    for slot, (row, token) in enumerate(zip(live, tokens)):
        rows[row].tokens.append(token)
        if token in stop_ids:
            rows[row].stopped = True
        elif stop_strings is not None and stop_strings.reached(rows[row].tokens):
            rows[row].stopped_on_text = True
        else:
            keep.append(slot)
    return keep


def decode(
    model: Any,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    max_new_tokens: int,
    stop_ids: set[int],
    pick: TokenPicker,
    penalties: Penalties | None = None,
    stop_strings: StopStrings | None = None,
) -> list[Row]:
    """Decode a left-padded batch token by token; a row leaves the batch and the KV cache once it stops."""
    import torch
    from transformers import DynamicCache

    rows = [Row() for _ in range(input_ids.shape[0])]
    if max_new_tokens <= 0:
        return rows
    live = list(range(len(rows)))  # the batch row in each slot still decoding
    cache = DynamicCache(config=model.config)
    position_ids = position_ids_from_mask(attention_mask)
    logits = last_logits(model, input_ids, attention_mask, position_ids, cache)
    for step in range(max_new_tokens):
        tokens = pick(logits if penalties is None else penalties.apply(logits))
        if penalties is not None:
            penalties.add(tokens)
        keep = append_tokens(rows, live, tokens.tolist(), stop_ids, stop_strings)
        if not keep or step + 1 == max_new_tokens:
            break
        if len(keep) < len(live):
            index = torch.tensor(keep, device=tokens.device)
            cache.batch_select_indices(index)
            attention_mask, position_ids, tokens = attention_mask[index], position_ids[index], tokens[index]
            if penalties is not None:
                penalties.keep(index)
            live = [live[slot] for slot in keep]
        attention_mask = torch.cat([attention_mask, attention_mask.new_ones(len(live), 1)], dim=1)
        position_ids = position_ids[:, -1:] + 1
        logits = last_logits(model, tokens[:, None], attention_mask, position_ids, cache)
    return rows


class TransformersBackend:
    def __init__(self, model_dir: str | Path, settings: TransformersSettings, gpus: int) -> None:
        self.tokenizer = load_tokenizer(model_dir, padding_side="left")
        self.model = load_model(model_dir, settings.dtype, gpus)  # inputs follow it to its (first) device
        self.fingerprint = torch_numerics(self.model)
        self.batch_size = settings.batch_size
        # The tokenizer's EOS (which is also its pad token here), plus any EOS the model's generation config names.
        configured = self.model.generation_config.eos_token_id
        configured = [] if configured is None else [configured] if isinstance(configured, int) else configured
        self.stop_ids = {self.tokenizer.eos_token_id, *configured}

    def _render(self, request: Request) -> str:
        """The chat as the model's prompt; a chat that ends with an assistant message is continued from its text."""
        continued = request.continues
        return self.tokenizer.apply_chat_template(request.message_dicts(), tokenize=False,
                                                  add_generation_prompt=not continued,
                                                  continue_final_message=continued)

    def generate(self, requests: list[Request]) -> Iterator[list[Response]]:
        import torch

        prompts = [self._render(r) for r in requests]
        lengths = [len(self.tokenizer(p, add_special_tokens=False).input_ids) for p in prompts]
        for batch in batch_indices(requests, lengths, self.batch_size):
            sampling = requests[batch[0]].sampling
            enc = self.tokenizer(
                [prompts[i] for i in batch], return_tensors="pt", padding=True, add_special_tokens=False
            ).to(self.model.device)
            torch.manual_seed(batch_seed([requests[i] for i in batch]) ^ sampling.seed)
            stop_strings = StopStrings(self.tokenizer, sampling.stop) if sampling.stop else None
            with torch.inference_mode():
                penalties = Penalties.of(sampling, enc.input_ids, enc.attention_mask, self.model.config.vocab_size)
                rows = decode(
                    self.model, enc.input_ids, enc.attention_mask, sampling.max_new_tokens, self.stop_ids,
                    token_picker(sampling), penalties, stop_strings,
                )
            yield [self._response(requests[i], lengths[i], row, stop_strings) for i, row in zip(batch, rows)]

    def _response(self, request: Request, n_prompt_tokens: int, row: Row,
                  stop_strings: StopStrings | None) -> Response:
        text_tokens = row.tokens[:-1] if row.stopped else row.tokens
        text = self.tokenizer.decode(text_tokens, skip_special_tokens=True)
        if stop_strings is not None:  # also when the row stopped on EOS: the text may hold a stop string
            text = stop_strings.cut(text)
        return Response(
            key=request.key,
            text=text,
            finish_reason="stop" if row.stopped or row.stopped_on_text else "length",
            n_prompt_tokens=n_prompt_tokens,
            n_completion_tokens=len(row.tokens),
            system_fingerprint=self.fingerprint,
        )
