"""Padding-free packing with the attention the packed path uses (`packed_sdpa`, per-example SDPA): one row, no
padding, no attention across examples, and the same loss as padded batches."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from styledistill.sft import attention
from styledistill.sft.attention import example_bounds
from styledistill.sft.data import IGNORE_INDEX, PaddingCollator
from styledistill.sft.train import attention_of, collator, load_student

A = {"input_ids": [11, 12, 13, 14, 15, 16], "labels": [IGNORE_INDEX, IGNORE_INDEX, 13, 14, 15, 16]}
B = {"input_ids": [21, 22, 23, 24, 25], "labels": [IGNORE_INDEX, 22, 23, 24, 25]}
C = {"input_ids": [41, 42, 43], "labels": [41, 42, 43]}


class _Recipe(dict):
    """Just the recipe keys these functions read."""


def _model(path: Path, packing: bool) -> torch.nn.Module:
    return load_student(path, _Recipe(lora_rank=None, packing=packing, attention="auto")).eval()


@pytest.fixture(params=["tiny_llama", "tiny_qwen2"])
def model_dir(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(f"{request.param}_dir")


def _packed(*examples: dict) -> dict:
    return collator(_Recipe(packing=True, max_length=64), 0)(list(examples))


def test_a_batch_packs_into_one_row_without_padding() -> None:
    batch = _packed(A, B, C)
    assert batch["input_ids"].shape == (1, 14) and "attention_mask" not in batch
    assert batch["position_ids"].tolist() == [[0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 0, 1, 2]]
    assert batch["cu_seq_lens_q"].tolist() == batch["cu_seq_lens_k"].tolist() == [0, 6, 11, 14]
    assert batch["max_length_q"] == batch["max_length_k"] == 6
    # each example's first label is masked: the token before it belongs to another example
    assert [batch["labels"][0, i].item() for i in (0, 6, 11)] == [IGNORE_INDEX] * 3
    assert batch["labels"][0, 12:].tolist() == [42, 43]


def test_example_bounds_come_from_the_collator_or_from_restarting_positions() -> None:
    batch = _packed(A, B, C)
    assert example_bounds(14, batch["cu_seq_lens_q"], None) == [0, 6, 11, 14]
    assert example_bounds(14, None, batch["position_ids"]) == [0, 6, 11, 14]
    assert example_bounds(5, None, torch.arange(5)[None].expand(2, 5)) == [0, 5]
    assert example_bounds(5, None, None) == [0, 5]
    with pytest.raises(ValueError, match="different places"):
        example_bounds(4, None, torch.tensor([[0, 1, 0, 1], [0, 1, 2, 3]]))


def test_attention_follows_packing_unless_the_recipe_names_one() -> None:
    assert attention_of(_Recipe(packing=True, attention="auto")) == "packed_sdpa"
    assert attention_of(_Recipe(packing=False, attention="auto")) == "sdpa"
    assert attention_of(_Recipe(packing=True, attention="sdpa")) == "sdpa"


def test_a_packed_row_has_no_attention_across_examples(model_dir: Path) -> None:
    model = _model(model_dir, packing=True)
    assert model.config._attn_implementation == "packed_sdpa"
    batch = _packed(A, B)
    changed = _packed({**A, "input_ids": [31, 32, 33, 34, 35, 36]}, B)
    inputs = {k: v for k, v in batch.items() if k != "labels"}
    with torch.no_grad():
        b_logits = model(**inputs).logits[0, 6:]
        b_changed = model(**{**inputs, "input_ids": changed["input_ids"]}).logits[0, 6:]
        # without cu_seq_lens the bounds come from the position ids
        b_positions = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"]).logits[0, 6:]
        alone = model(input_ids=torch.tensor([B["input_ids"]])).logits[0]
        # the control: the same tokens as one sequence do see example A
        leaky = model(input_ids=changed["input_ids"]).logits[0, 6:]
        leaky_base = model(input_ids=batch["input_ids"]).logits[0, 6:]
    assert torch.allclose(b_logits, b_changed, atol=1e-5)
    assert torch.allclose(b_logits, alone, atol=1e-5)
    assert torch.allclose(b_logits, b_positions, atol=1e-6)
    assert not torch.allclose(leaky, leaky_base, atol=1e-3)


def test_packed_sdpa_matches_sdpa_with_its_mask(model_dir: Path) -> None:
    """The same packed row through transformers' own sdpa (a block-diagonal mask from the position ids)."""
    batch = _packed(A, B, C)
    inputs = {"input_ids": batch["input_ids"], "position_ids": batch["position_ids"]}
    with torch.no_grad():
        ours = _model(model_dir, packing=True)(**inputs).logits
        masked = load_student(model_dir, _Recipe(lora_rank=None, packing=True, attention="sdpa")).eval()
        theirs = masked(**inputs).logits
    assert torch.allclose(ours, theirs, atol=1e-5)


def test_packed_and_padded_batches_give_the_same_loss_and_gradients(model_dir: Path) -> None:
    packed_model, padded_model = _model(model_dir, packing=True), _model(model_dir, packing=False)
    loss_packed = packed_model(**_packed(A, B, C)).loss
    loss_padded = padded_model(**PaddingCollator(pad_token_id=0)([A, B, C])).loss
    assert loss_packed.item() == pytest.approx(loss_padded.item(), abs=1e-5)
    loss_packed.backward()
    loss_padded.backward()
    for (name, p), q in zip(packed_model.named_parameters(), padded_model.parameters()):
        assert torch.allclose(p.grad, q.grad, atol=1e-5), name



def test_gradient_checkpointing_keeps_the_examples_apart(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The recompute in the backward pass gets the bounds too (the paper recipes pack with checkpointing on)."""
    model = _model(model_dir, packing=True)
    plain = model(**_packed(A, B, C)).loss
    model.activation_checkpointing_enable()
    model.train()
    seen: list[list[int]] = []

    def recording(*args: object) -> list[int]:  # a spy: the real function, each result noted
        seen.append(example_bounds(*args))
        return seen[-1]

    monkeypatch.setattr(attention, "example_bounds", recording)
    checkpointed = model(**_packed(A, B, C)).loss
    checkpointed.backward()
    assert checkpointed.item() == pytest.approx(plain.item(), abs=1e-6)
    # every layer's forward and its recompute, each with the collator's bounds
    assert len(seen) == 2 * model.config.num_hidden_layers and all(b == [0, 6, 11, 14] for b in seen)


def _reference_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, bounds: list[int],
                         window: int | None) -> torch.Tensor:
    """Attention written out: each example on its own, causal, within the window; (batch, seq, heads, dim)."""
    k = k.repeat_interleave(q.shape[1] // k.shape[1], dim=1)
    v = v.repeat_interleave(q.shape[1] // v.shape[1], dim=1)
    out = torch.zeros_like(q)
    for a, b in zip(bounds[:-1], bounds[1:]):
        for i in range(a, b):
            first = a if window is None else max(a, i - window + 1)
            weights = torch.softmax(q[:, :, i:i + 1] @ k[:, :, first:i + 1].transpose(-1, -2) / q.shape[-1] ** 0.5, -1)
            out[:, :, i:i + 1] = weights @ v[:, :, first:i + 1]
    return out.transpose(1, 2)


@pytest.mark.parametrize("window", [None, 3, 50])
def test_packed_sdpa_is_per_example_causal_attention_with_grouped_heads_and_windows(window: int | None) -> None:
    torch.manual_seed(0)
    q, k, v = torch.randn(1, 4, 14, 8), torch.randn(1, 2, 14, 8), torch.randn(1, 2, 14, 8)
    bounds = [0, 6, 11, 14]
    out, _ = attention.packed_sdpa_forward(torch.nn.Module().eval(), q, k, v, None,
                                           cu_seq_lens_q=torch.tensor(bounds), sliding_window=window)
    assert torch.allclose(out, _reference_attention(q, k, v, bounds, window), atol=1e-5)
    with pytest.raises(ValueError, match="do not cover"):
        attention.packed_sdpa_forward(torch.nn.Module(), q, k, v, None, cu_seq_lens_q=torch.tensor([0, 6, 11]))
