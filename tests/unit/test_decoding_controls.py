"""Decoding controls (top_k, min_p, repetition and presence penalties): in the request key only when on (keys made
before them stay valid), and what the transformers backend does with each."""

from __future__ import annotations

import hashlib
import json

import pytest
import torch

from styledistill.generation.common import Sampling
from styledistill.generation.request import Request
from styledistill.generation.transformers_backend import Penalties, sample

MESSAGES = [{"role": "user", "content": "What is 2 + 2?"}]


def test_a_control_left_off_keeps_the_key_requests_had_before_it_existed():
    sampling = Sampling(max_new_tokens=64, temperature=0.7, top_p=0.9, seed=3)
    request = Request.chat("m", MESSAGES, sampling, sample=1)
    before = {"model": "m", "messages": request.messages, "sample": 1,
              "sampling": {"max_new_tokens": 64, "temperature": 0.7, "top_p": 0.9, "seed": 3}}
    assert request.key == hashlib.sha256(json.dumps(before, sort_keys=True).encode()).hexdigest()
    keys = {Request.chat("m", MESSAGES, sampling.model_copy(update={name: value}), sample=1).key
            for name, value in [("top_k", 20), ("min_p", 0.05), ("repetition_penalty", 1.1),
                                ("presence_penalty", 0.5)]}
    assert len(keys) == 4 and request.key not in keys
    assert Sampling(top_k=20, presence_penalty=0.5).controls() == {"top_k": 20, "presence_penalty": 0.5}


@pytest.mark.parametrize(("bad", "message"), [({"top_k": 0}, "top_k"), ({"min_p": 1.0}, "min_p"),
                                              ({"repetition_penalty": 0}, "repetition_penalty"),
                                              ({"presence_penalty": 3}, "presence_penalty")])
def test_controls_out_of_range_are_refused(bad, message):
    from styledistill.errors import UserError

    with pytest.raises(UserError, match=message):
        Sampling.from_spec(bad, "generation")


def test_top_k_and_min_p_cut_the_distribution():
    logits = torch.tensor([[4.0, 3.9, 1.0, 0.5, -2.0]] * 400)
    torch.manual_seed(0)
    assert set(sample(logits, Sampling(temperature=1.0, top_k=2)).tolist()) == {0, 1}
    assert set(sample(logits, Sampling(temperature=1.0, top_k=1)).tolist()) == {0}
    # min_p 0.5: tokens at least half as likely as the best (0 and 1: e^-0.1 = 0.9), not token 2 (e^-3)
    assert set(sample(logits, Sampling(temperature=1.0, min_p=0.5)).tolist()) == {0, 1}
    assert len(set(sample(logits, Sampling(temperature=1.0)).tolist())) >= 3  # without a cut, the tail is drawn too


def test_penalties_act_on_seen_tokens_only():
    sampling = Sampling(repetition_penalty=2.0, presence_penalty=0.5)
    prompt = torch.tensor([[0, 7, 1], [5, 2, 2]])
    mask = torch.tensor([[0, 1, 1], [1, 1, 1]])  # row 0 is left-padded: its token 0 is padding
    penalties = Penalties.of(sampling, prompt, mask, vocab=8)
    logits = torch.tensor([[1.0, 2.0, -2.0, 1.0, 1.0, 1.0, 1.0, 3.0]] * 2)
    out = penalties.apply(logits)
    assert out[0].tolist() == [1.0, 1.0, -2.0, 1.0, 1.0, 1.0, 1.0, 1.5]  # 1 and 7 were in the prompt; 0 was padding
    assert out[1].tolist() == [1.0, 2.0, -4.0, 1.0, 1.0, 0.5, 1.0, 3.0]  # negative logits are multiplied
    penalties.add(torch.tensor([3, 3]))
    out = penalties.apply(logits)
    assert out[:, 3].tolist() == [0.0, 0.0]  # generated: repetition (1 / 2) then presence (- 0.5)
    penalties.keep(torch.tensor([1]))
    assert penalties.apply(logits[:1]).shape == (1, 8)
    assert Penalties.of(Sampling(), prompt, mask, vocab=8) is None  # off: no work at all


@pytest.mark.model
def test_a_repetition_penalty_changes_what_the_embedded_model_writes(smollm2_dir):
    from styledistill.generation.settings import TransformersSettings
    from styledistill.generation.transformers_backend import TransformersBackend

    backend = TransformersBackend(smollm2_dir, TransformersSettings(batch_size=2), 0)
    prompts = [[{"role": "user", "content": "List the numbers from 1 to 30, separated by commas."}],
               [{"role": "user", "content": "Say 'yes' ten times."}]]

    def texts(sampling: Sampling) -> list[str]:
        requests = [Request.chat("smol", m, sampling, tag=str(i)) for i, m in enumerate(prompts)]
        return [r.text for batch in backend.generate(requests) for r in batch]

    plain = texts(Sampling(max_new_tokens=16))
    penalised = texts(Sampling(max_new_tokens=16, repetition_penalty=1.5))
    assert plain != penalised
    assert texts(Sampling(max_new_tokens=16)) == plain  # greedy and deterministic otherwise
