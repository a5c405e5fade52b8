"""The chunked loss equals transformers' full causal-LM loss in value and in every parameter's gradient."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from styledistill.sft.chunked_loss import DeferredHead, install, restore  # noqa: E402


def _model(architecture: str, tied: bool) -> object:
    torch.manual_seed(0)
    config = transformers.AutoConfig.for_model(architecture, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                               num_attention_heads=4, num_key_value_heads=2, vocab_size=301,
                                               tie_word_embeddings=tied)
    return transformers.AutoModelForCausalLM.from_config(config).float()


def _loss_and_grads(model, batch, num_items) -> tuple[float, dict[str, torch.Tensor]]:
    model.zero_grad()
    kwargs = {} if num_items is None else {"num_items_in_batch": torch.tensor(num_items)}
    loss = model(**batch, **kwargs).loss
    loss.backward()
    return float(loss), {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}


@pytest.mark.parametrize("architecture", ["llama", "qwen2"])
@pytest.mark.parametrize("tied", [True, False])
@pytest.mark.parametrize("num_items", [None, 40])
def test_chunked_equals_full_in_value_and_gradients(architecture, tied, num_items):
    model = _model(architecture, tied)
    generator = torch.Generator().manual_seed(1)
    input_ids = torch.randint(0, 301, (2, 17), generator=generator)
    labels = input_ids.clone()
    labels[0, :6] = -100  # a prompt
    labels[1, :3] = -100
    batch = {"input_ids": input_ids, "labels": labels}
    full, full_grads = _loss_and_grads(model, batch, num_items)
    install(model, chunk_tokens=5)  # 29 trained tokens: 5 full chunks and a short one
    assert isinstance(model.get_output_embeddings(), DeferredHead)
    chunked, chunked_grads = _loss_and_grads(model, batch, num_items)
    assert chunked == pytest.approx(full, rel=1e-6)
    renamed = {name.replace("lm_head.head.", "lm_head."): grad for name, grad in chunked_grads.items()}
    assert renamed.keys() == full_grads.keys()
    for name, grad in full_grads.items():
        torch.testing.assert_close(renamed[name], grad, rtol=1e-5, atol=1e-7, msg=name)
    restore(model)  # as it was: the head in its place, the model's own loss
    assert not isinstance(model.get_output_embeddings(), DeferredHead)
    assert _loss_and_grads(model, batch, num_items)[0] == pytest.approx(full, rel=1e-6)
    assert "lm_head.weight" in model.state_dict()


def test_a_batch_without_trained_tokens_still_has_a_graph():
    model = _model("llama", True)
    install(model, chunk_tokens=4)
    ids = torch.randint(0, 301, (1, 6))
    loss = model(input_ids=ids, labels=torch.full_like(ids, -100), num_items_in_batch=torch.tensor(1)).loss
    loss.backward()
    assert float(loss) == 0.0
