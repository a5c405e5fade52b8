"""The transformers backend's own decode loop: same tokens as `generate`, finished rows dropped, seeded sampling."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from styledistill.generation.request import Request, Response, Sampling  # noqa: E402
from styledistill.generation.settings import TransformersSettings  # noqa: E402
from styledistill.generation.transformers_backend import TransformersBackend, decode, sample  # noqa: E402

# Mixed prompt lengths; on the embedded model (float32, 20 new tokens) the first two stop early, the rest hit the limit.
QUESTIONS = [
    "Reply with only the word yes.",
    "What is 2+2? Answer with just the number.",
    "Write a long poem about the sea, the wind and the sailors who cross it at night.",
    "Name three colours.",
    "Explain in detail how photosynthesis works in plants, step by step, including the light and dark reactions "
    "and the role of chlorophyll.",
    "List the numbers from one to twenty in words.",
]
NEW_TOKENS = 20


def _requests(sampling: Sampling) -> list[Request]:
    return [Request.chat("m", [{"role": "user", "content": q}], sampling, tag=str(i)) for i, q in enumerate(QUESTIONS)]


def _responses(backend: TransformersBackend, requests: list[Request]) -> dict[str, Response]:
    return {r.key: r for batch in backend.generate(requests) for r in batch}


@pytest.fixture(scope="module")
def smollm2(smollm2_dir: Path) -> TransformersBackend:
    # float32: bf16 logits shift slightly with the batch size, which pruning changes as rows finish.
    return TransformersBackend(smollm2_dir, TransformersSettings(batch_size=8, dtype="float32"), 0)


@pytest.fixture(scope="module")
def tiny(tiny_llama_dir: Path) -> TransformersBackend:
    return TransformersBackend(tiny_llama_dir, TransformersSettings(batch_size=8, dtype="float32"), 0)


@pytest.mark.parametrize("name", ["smollm2", "tiny"])
def test_greedy_tokens_equal_generate(name: str, request: pytest.FixtureRequest) -> None:
    backend: TransformersBackend = request.getfixturevalue(name)
    tok, model = backend.tokenizer, backend.model
    prompts = [backend._render(r) for r in _requests(Sampling(max_new_tokens=NEW_TOKENS))]
    enc = tok(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
    assert len(set(enc.attention_mask.sum(1).tolist())) == len(prompts)  # all lengths differ: real left padding
    with torch.inference_mode():
        out = model.generate(**enc, max_new_tokens=NEW_TOKENS, do_sample=False, pad_token_id=tok.pad_token_id)
        rows = decode(model, enc.input_ids, enc.attention_mask, NEW_TOKENS, backend.stop_ids, lambda x: x.argmax(-1))
    eos = tok.eos_token_id
    for reference, row in zip(out[:, enc.input_ids.shape[1]:].tolist(), rows):
        expected = reference[: reference.index(eos) + 1] if eos in reference else reference
        assert row.tokens == expected
        assert row.stopped == (eos in reference)
    if name == "smollm2":
        assert sum(row.stopped for row in rows) >= 2
        assert any(len(row.tokens) == NEW_TOKENS and not row.stopped for row in rows)


def test_greedy_responses_equal_generate(smollm2: TransformersBackend) -> None:
    """Through the public API: text, finish reason and token counts as the `generate`-based backend gave them."""
    tok, model = smollm2.tokenizer, smollm2.model
    requests = _requests(Sampling(max_new_tokens=NEW_TOKENS))
    got = _responses(smollm2, requests)
    eos = tok.eos_token_id
    for request in requests:
        enc = tok(smollm2._render(request), return_tensors="pt", add_special_tokens=False)
        with torch.inference_mode():
            out = model.generate(**enc, max_new_tokens=NEW_TOKENS, do_sample=False, pad_token_id=tok.pad_token_id)
        tokens = out[0, enc.input_ids.shape[1]:].tolist()
        stopped = eos in tokens
        tokens = tokens[: tokens.index(eos)] if stopped else tokens
        assert got[request.key] == Response(
            request.key, tok.decode(tokens, skip_special_tokens=True), "stop" if stopped else "length",
            len(enc.input_ids[0]), len(tokens) + int(stopped), system_fingerprint=smollm2.fingerprint,
        )
    assert {r.finish_reason for r in got.values()} == {"stop", "length"}
    assert smollm2.fingerprint.endswith(f" float32 torch-{torch.__version__}")  # the fixture loads float32


def test_finished_rows_leave_the_batch(smollm2: TransformersBackend) -> None:
    batch_sizes: list[int] = []

    def count(module, args, kwargs):
        batch_sizes.append(kwargs["input_ids"].shape[0])

    hook = smollm2.model.register_forward_pre_hook(count, with_kwargs=True)
    try:
        responses = list(_responses(smollm2, _requests(Sampling(max_new_tokens=NEW_TOKENS))).values())
    finally:
        hook.remove()
    lengths = [r.n_completion_tokens for r in responses]
    assert min(lengths) < max(lengths) == NEW_TOKENS
    assert len(batch_sizes) == max(lengths)  # one forward per step of the longest row (the first is the prefill)
    assert batch_sizes == sorted(batch_sizes, reverse=True) and batch_sizes[0] == len(responses)
    # Each row is computed exactly for the tokens it produced, no step more.
    assert sum(batch_sizes) == sum(lengths) < len(responses) * max(lengths)


def test_seeded_sampling_is_reproducible(smollm2: TransformersBackend) -> None:
    sampling = Sampling(max_new_tokens=12, temperature=0.9, top_p=0.9, seed=3)
    first = _responses(smollm2, _requests(sampling))
    torch.manual_seed(12345)  # the global generator's state before the call must not matter
    assert _responses(smollm2, _requests(sampling)) == first
    other = _responses(smollm2, _requests(Sampling(max_new_tokens=12, temperature=0.9, top_p=0.9, seed=4)))
    assert [r.text for r in other.values()] != [r.text for r in first.values()]


def test_batches_follow_batch_size(smollm2: TransformersBackend) -> None:
    smollm2.batch_size = 4
    try:
        batches = list(smollm2.generate(_requests(Sampling(max_new_tokens=2))))
    finally:
        smollm2.batch_size = 8
    assert [len(b) for b in batches] == [4, 2]
    # Sorted by prompt length: the shortest prompts share the first batch.
    assert max(r.n_prompt_tokens for r in batches[0]) <= min(r.n_prompt_tokens for r in batches[1])


def test_nucleus_keeps_the_smallest_head_reaching_top_p() -> None:
    logits = torch.log(torch.tensor([[0.05, 0.5, 0.15, 0.3]])).repeat(2000, 1)
    torch.manual_seed(0)
    drawn = sample(logits, Sampling(temperature=1.0, top_p=0.7))
    assert set(drawn.tolist()) == {1, 3}  # 0.5 + 0.3 reaches 0.7; 0.15 and 0.05 are cut
    assert set(sample(logits, Sampling(temperature=1.0, top_p=0.1)).tolist()) == {1}  # the best token always stays
    assert set(sample(logits, Sampling(temperature=1.0, top_p=1.0)).tolist()) == {0, 1, 2, 3}  # no hidden top-k
