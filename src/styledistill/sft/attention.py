"""Per-example ("varlen") SDPA for packed rows, registered with transformers as `packed_sdpa`.

A packed batch is one row of several examples. Plain `sdpa` keeps them apart with a block-diagonal mask built from
the restarting position ids: correct, but the kernel then computes (and autograd stores) attention over the whole
row, (sum of lengths)^2, and CPUs have no varlen flash kernel. `packed_sdpa` instead cuts the row at the example
boundaries (`cu_seq_lens_q`, the keys flash-attention's varlen path reads; or, without them, where the position ids
restart) and runs causal SDPA, with no mask, on each example: the fused kernel, sum of length^2, and nothing can
attend across examples because no example's keys are in another's call.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812 -- torch's own convention

NAME = "packed_sdpa"


def example_bounds(length: int, cu_seq_lens: torch.Tensor | None, position_ids: torch.Tensor | None) -> list[int]:
    """Start offsets of the examples in the rows of `length` tokens, and `length` at the end; every row of a batch
    must be cut at the same places (the packing collator makes one row per batch)."""
    if cu_seq_lens is not None:
        return [int(v) for v in cu_seq_lens.tolist()]
    if position_ids is None:
        return [0, length]
    restarts = torch.diff(position_ids, dim=-1) != 1
    if position_ids.shape[0] > 1 and not (restarts == restarts[:1]).all():
        raise ValueError(f"{NAME}: the rows of this batch pack examples at different places; pack one row per batch")
    return [0, *(int(i) + 1 for i in torch.nonzero(restarts[0]).flatten().tolist()), length]


def packed_sdpa_forward(module: torch.nn.Module, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
                        attention_mask: torch.Tensor | None, dropout: float = 0.0, scaling: float | None = None,
                        **kwargs: Any) -> tuple[torch.Tensor, None]:
    """transformers attention interface: (batch, heads, seq, dim) in, (batch, seq, heads, dim) out."""
    if attention_mask is not None:  # transformers builds none for an implementation it has no mask function for
        raise ValueError(f"{NAME}: an attention mask was given; this implementation serves packed rows only")
    groups = query.shape[1] // key.shape[1]
    if groups > 1:  # grouped-query attention: every query head gets its key/value head
        key = key.repeat_interleave(groups, dim=1)
        value = value.repeat_interleave(groups, dim=1)
    length = query.shape[2]
    bounds = example_bounds(length, kwargs.get("cu_seq_lens_q"), kwargs.get("position_ids"))
    if bounds[0] != 0 or bounds[-1] != length:
        raise ValueError(f"{NAME}: example bounds {bounds[:3]}…{bounds[-1:]} do not cover a row of {length} tokens")
    if kwargs.get("softcap") is not None:
        raise ValueError(f"{NAME}: attention logit soft-capping is not supported; use eager attention")
    dropout = dropout if module.training else 0.0
    window = kwargs.get("sliding_window")
    parts = [F.scaled_dot_product_attention(query[:, :, a:b], key[:, :, a:b], value[:, :, a:b], dropout_p=dropout,
                                            scale=scaling, **_causal(b - a, window, query.device))
             for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    out = parts[0] if len(parts) == 1 else torch.cat(parts, dim=2)
    return out.transpose(1, 2).contiguous(), None


def _causal(length: int, window: int | None, device: torch.device) -> dict[str, Any]:
    """Causal attention for an example of `length` tokens; within a sliding window (each token sees itself and the
    window - 1 before it, as transformers' masks have it) only when the example is longer than the window."""
    if window is None or length <= window:
        return {"is_causal": True}
    distance = torch.arange(length, device=device)[:, None] - torch.arange(length, device=device)[None, :]
    return {"attn_mask": (distance >= 0) & (distance < window)}


def register() -> str:
    """Make `packed_sdpa` known to transformers (idempotent); returns its name."""
    from transformers import AttentionInterface

    AttentionInterface.register(NAME, packed_sdpa_forward)
    return NAME
