"""The causal-LM loss a chunk of tokens at a time (recipe `loss: chunked`): the same value and gradients as the full
loss, without the logits of the whole batch in memory.

At 16k tokens the fp32 logits of a 152k-token vocabulary (Qwen2.5) are about 9 GB per sequence, and the full loss
keeps them for the backward pass. Here the model's output layer is put behind `DeferredHead`, which hands the model's
final hidden states on as its "logits"; the model's own forward then calls `loss_function` (transformers' hook for a
custom loss) with them, and `chunked_causal_lm_loss` projects the trained positions `chunk_tokens` at a time, each
chunk under activation checkpointing, so only one chunk's logits exist at once, in the forward and in the backward.
The real head stays a submodule of the model, called as a module: DDP sees its parameters used in the forward, and
ZeRO-3 gathers them for each call. `restore` puts the head back while the model is saved (each checkpoint too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn
from torch.nn import functional
from torch.utils.checkpoint import checkpoint


class DeferredHead(nn.Module):
    """In the output layer's place: the hidden states pass through; the loss applies `head` to them in chunks."""

    def __init__(self, head: nn.Module, chunk_tokens: int) -> None:
        super().__init__()
        self.head = head
        self.chunk_tokens = chunk_tokens

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return hidden


def chunked_causal_lm_loss(head: nn.Module, chunk_tokens: int) -> Callable[..., torch.Tensor]:
    """A `loss_function` with transformers' ForCausalLMLoss signature and result (labels shifted; summed over
    `num_items_in_batch` when the Trainer gives it, else the mean over trained tokens), whose `logits` are the final
    hidden states."""

    def project(hidden: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return functional.cross_entropy(head(hidden).float(), targets, reduction="sum")

    def loss(logits: torch.Tensor, labels: torch.Tensor, vocab_size: int, num_items_in_batch: Any = None,
             ignore_index: int = -100, shift_labels: torch.Tensor | None = None, **kwargs: Any) -> torch.Tensor:
        hidden = logits
        if shift_labels is None:
            shift_labels = functional.pad(labels, (0, 1), value=ignore_index)[..., 1:]
        flat = hidden.reshape(-1, hidden.shape[-1])
        targets = shift_labels.reshape(-1).to(flat.device)
        kept = targets != ignore_index
        flat, targets = flat[kept], targets[kept]
        total = hidden.sum().float() * 0.0  # in the graph even when no token of the batch is trained
        for start in range(0, _chunks(len(targets), chunk_tokens, flat.device) * chunk_tokens, chunk_tokens):
            total = total + checkpoint(project, flat[start:start + chunk_tokens], targets[start:start + chunk_tokens],
                                       use_reentrant=False)
        if num_items_in_batch is None:
            return total / kept.sum()
        if torch.is_tensor(num_items_in_batch):
            num_items_in_batch = num_items_in_batch.to(total.device)
        return total / num_items_in_batch

    return loss


def _chunks(tokens: int, chunk_tokens: int, device: torch.device) -> int:
    """How many chunks this batch is cut into: the most any process needs. Under ZeRO-3 every call of the head
    gathers its weights with a collective, so every process must call it as often (the last chunks of a process
    with fewer trained tokens are empty)."""
    import torch.distributed as dist

    count = -(-tokens // chunk_tokens)
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        most = torch.tensor([count], device=device)
        dist.all_reduce(most, op=dist.ReduceOp.MAX)
        count = int(most.item())
    return count


def _language_model(model: Any) -> Any:
    """The transformers model inside a LoRA wrapper (or the model itself)."""
    return model.get_base_model() if hasattr(model, "get_base_model") else model


def install(model: Any, chunk_tokens: int) -> None:
    """Compute `model`'s training loss a chunk at a time from now on."""
    target = _language_model(model)
    head = target.get_output_embeddings()
    target.set_output_embeddings(DeferredHead(head, chunk_tokens))
    target.loss_function = chunked_causal_lm_loss(head, chunk_tokens)


def restore(model: Any) -> int | None:
    """The output layer back in its place (before the model is saved: its weights keep their names, and a tied head
    stays tied); the chunk size it had, to `install` again after a checkpoint; None on a model without it."""
    target = _language_model(model)
    deferred = target.get_output_embeddings()
    if not isinstance(deferred, DeferredHead):
        return None
    target.set_output_embeddings(deferred.head)
    del target._loss_function  # the model's own loss again
    return deferred.chunk_tokens
