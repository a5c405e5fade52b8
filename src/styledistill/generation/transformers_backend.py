"""The embedded default backend: batched `generate` with transformers, on CPU or GPU."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

from styledistill.generation.request import Request, Response
from styledistill.models.loading import load_model, load_tokenizer

log = logging.getLogger(__name__)


class TransformersBackend:
    def __init__(self, model_dir: str | Path, batch_size: int = 16, dtype: str = "auto") -> None:
        self.tokenizer = load_tokenizer(model_dir, padding_side="left")
        self.model = load_model(model_dir, dtype=dtype)
        self.batch_size = batch_size

    def _render(self, request: Request) -> str:
        return self.tokenizer.apply_chat_template(request.message_dicts(), tokenize=False, add_generation_prompt=True)

    def generate(self, requests: list[Request]) -> Iterator[list[Response]]:
        import torch

        prompts = [self._render(r) for r in requests]
        lengths = [len(self.tokenizer(p, add_special_tokens=False).input_ids) for p in prompts]
        # Similar lengths and identical sampling share a batch: less padding, one generate() call each.
        order = sorted(range(len(requests)), key=lambda i: (requests[i].sampling, lengths[i]))
        batches: list[list[int]] = []
        for i in order:
            same = batches and requests[batches[-1][0]].sampling == requests[i].sampling
            if same and len(batches[-1]) < self.batch_size:
                batches[-1].append(i)
            else:
                batches.append([i])
        eos = self.tokenizer.eos_token_id
        for batch in batches:
            sampling = requests[batch[0]].sampling
            texts = [prompts[i] for i in batch]
            enc = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
            # The batch's seed comes from its requests' keys, so a rerun of the same batch draws the same samples.
            seed = int(hashlib.sha256("".join(requests[i].key for i in batch).encode()).hexdigest()[:8], 16)
            torch.manual_seed(seed ^ sampling.seed)
            kwargs = {"do_sample": False}
            if sampling.temperature > 0:
                kwargs = {"do_sample": True, "temperature": sampling.temperature, "top_p": sampling.top_p}
            with torch.inference_mode():
                out = self.model.generate(
                    **enc, max_new_tokens=sampling.max_new_tokens, pad_token_id=self.tokenizer.pad_token_id, **kwargs
                )
            new = out[:, enc.input_ids.shape[1]:]
            responses = []
            for row, i in enumerate(batch):
                tokens = new[row].tolist()
                finished = eos in tokens
                if finished:
                    tokens = tokens[: tokens.index(eos)]
                else:
                    tokens = [t for t in tokens if t != self.tokenizer.pad_token_id]
                responses.append(
                    Response(
                        key=requests[i].key,
                        text=self.tokenizer.decode(tokens, skip_special_tokens=True),
                        finish_reason="stop" if finished else "length",
                        n_prompt_tokens=lengths[i],
                        n_completion_tokens=len(tokens) + int(finished),
                    )
                )
            yield responses


def make_backend(name: str, model_dir: str | Path, batch_size: int, dtype: str = "auto"):
    """Backend by name; later backends (vllm, litellm) plug in here."""
    if name == "transformers":
        return TransformersBackend(model_dir, batch_size=batch_size, dtype=dtype)
    from styledistill.errors import UserError

    raise UserError(f"unknown generation backend {name!r} (available: transformers)")
