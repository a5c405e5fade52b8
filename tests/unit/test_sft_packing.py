"""Padding-free packing on the attention implementation used on CPU: no attention across examples, and the same
loss as padded batches."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from styledistill.sft.data import IGNORE_INDEX, REAL_TOKENS, PackingCollator, PaddingCollator
from styledistill.sft.train import collator, load_student

A = {"input_ids": [11, 12, 13, 14, 15, 16], "labels": [IGNORE_INDEX, IGNORE_INDEX, 13, 14, 15, 16]}
B = {"input_ids": [21, 22, 23, 24, 25], "labels": [IGNORE_INDEX, 22, 23, 24, 25]}


class _Recipe(dict):
    """Just the recipe keys these functions read."""


def _model(path: Path) -> torch.nn.Module:
    model = load_student(path, _Recipe(lora_rank=None))
    return model.eval()


@pytest.fixture(params=["tiny_llama", "tiny_qwen2"])
def model(request: pytest.FixtureRequest) -> torch.nn.Module:
    return _model(request.getfixturevalue(f"{request.param}_dir"))


def _packed(*examples: dict, capacity: int = 64) -> dict:
    batch = collator(_Recipe(packing=True, max_length=capacity), 0)(list(examples))
    assert batch.pop(REAL_TOKENS).item() == sum(len(e["input_ids"]) for e in examples)
    return batch


def test_a_packed_batch_has_no_attention_across_examples(model: torch.nn.Module) -> None:
    batch = _packed(A, B)
    assert batch["position_ids"].tolist() == [[0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4]] and "attention_mask" not in batch
    assert batch["labels"][0, 6].item() == IGNORE_INDEX
    changed = _packed({**A, "input_ids": [31, 32, 33, 34, 35, 36]}, B)
    with torch.no_grad():
        b_logits = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"]).logits[0, 6:]
        b_changed = model(input_ids=changed["input_ids"], position_ids=changed["position_ids"]).logits[0, 6:]
        alone = model(input_ids=torch.tensor([B["input_ids"]])).logits[0]
        # the control: the same tokens without position ids restarting do see example A
        leaky = model(input_ids=changed["input_ids"]).logits[0, 6:]
        leaky_base = model(input_ids=batch["input_ids"]).logits[0, 6:]
    assert torch.allclose(b_logits, b_changed, atol=1e-5)
    assert torch.allclose(b_logits, alone, atol=1e-4)
    assert not torch.allclose(leaky, leaky_base, atol=1e-3)


def test_packed_and_padded_batches_give_the_same_loss(model: torch.nn.Module) -> None:
    packed = _packed(A, B)
    padded = PaddingCollator(pad_token_id=0)([A, B])
    with torch.no_grad():
        loss_packed = model(**packed).loss
        loss_padded = model(**padded).loss
    assert loss_packed.item() == pytest.approx(loss_padded.item(), abs=1e-5)
    # rows capped at 8 tokens: A and B in rows of their own, the shorter padded, and still the same loss
    capped = _packed(A, B, capacity=8)
    assert capped["input_ids"].shape == (2, 6) and capped["position_ids"][1].tolist() == [0, 1, 2, 3, 4, 0]
    with torch.no_grad():
        assert model(**capped).loss.item() == pytest.approx(loss_padded.item(), abs=1e-5)


def test_rows_are_filled_first_fit_by_decreasing_length() -> None:
    # by length 6, 5, 4, 3, 2: 6 opens a row, 5 another, 4 fills the first (10), 3 and 2 fill the second (10)
    assert PackingCollator(pad_token_id=0, capacity=10).rows([6, 3, 5, 4, 2]) == [[0, 3], [1, 2, 4]]
