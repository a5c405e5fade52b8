"""The vllm backend's pure parts: grouping samples into one prompt, engine arguments, the worker's result lines."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from styledistill.errors import UserError
from styledistill.generation import vllm_worker
from styledistill.generation.request import Request, Sampling
from styledistill.generation.settings import VllmSettings
from styledistill.generation.vllm_backend import VllmBackend, engine_args, group_requests

MESSAGES = [{"role": "user", "content": "What is 2 + 2?"}]


def _requests(n: int, temperature: float = 0.7) -> list[Request]:
    sampling = Sampling(max_new_tokens=8, temperature=temperature, seed=3)
    other = [{"role": "user", "content": "What is 3 + 3?"}]
    return [Request.chat("m", m, sampling, sample=s) for m in (MESSAGES, other) for s in reversed(range(n))]


def test_samples_of_one_prompt_form_one_group_in_sample_order():
    groups = group_requests(_requests(3))
    assert len(groups) == 2
    assert [[r.sample for r in members] for members in groups.values()] == [[0, 1, 2], [0, 1, 2]]


def test_job_carries_the_engine_seed_and_n(tmp_path):
    backend = VllmBackend(tmp_path, VllmSettings.from_spec({"enforce_eager": True, "chunk_size": 5}), gpus=0)
    job = backend._job(group_requests(_requests(2)))
    assert job["engine"]["seed"] == 3 and job["engine"]["tensor_parallel_size"] == 1
    assert job["engine"]["enforce_eager"] is True and job["chunk_size"] == 5
    assert [g["n"] for g in job["groups"]] == [2, 2] and job["groups"][0]["messages"] == MESSAGES


def test_decoding_controls_that_are_on_reach_the_sampling_params(tmp_path):
    backend = VllmBackend(tmp_path, VllmSettings(), gpus=0)
    controlled = Sampling(max_new_tokens=8, temperature=0.7, top_k=20, repetition_penalty=1.1)
    job = backend._job(group_requests([Request.chat("m", MESSAGES, controlled)]))
    assert job["groups"][0]["sampling"]["controls"] == {"top_k": 20, "repetition_penalty": 1.1}
    assert backend._job(group_requests(_requests(1)))["groups"][0]["sampling"]["controls"] == {}


def test_tensor_parallel_size_follows_the_jobs_gpus():
    assert engine_args(VllmSettings(), gpus=4, seed=0)["tensor_parallel_size"] == 4
    assert engine_args(VllmSettings(tensor_parallel_size=2), gpus=4, seed=0)["tensor_parallel_size"] == 2
    with pytest.raises(UserError, match="exceeds the job's 2 GPU"):
        engine_args(VllmSettings(tensor_parallel_size=4), gpus=2, seed=0)


def _output(*texts: str):
    outs = [SimpleNamespace(text=t, finish_reason="length", token_ids=[1] * len(t)) for t in texts]
    return SimpleNamespace(prompt_token_ids=[1, 2, 3], outputs=outs)


def test_worker_copies_the_one_greedy_draw_to_every_sample():
    group = {"id": "7", "n": 3, "sampling": {"temperature": 0.0}}
    result = vllm_worker._result(group, _output("abc"))
    assert result["id"] == "7" and result["n_prompt_tokens"] == 3
    assert [o["text"] for o in result["outputs"]] == ["abc"] * 3


def test_responses_map_outputs_to_their_requests():
    groups = group_requests(_requests(2))
    result = vllm_worker._result({"id": "0", "n": 2, "sampling": {"temperature": 0.7}}, _output("x", "yy"))
    responses = VllmBackend._responses(groups, result)
    assert [r.key for r in responses] == [r.key for r in groups["0"]]
    assert [(r.text, r.n_completion_tokens, r.finish_reason) for r in responses] == [("x", 1, "length"),
                                                                                     ("yy", 2, "length")]


def test_the_worker_does_not_inherit_torch_thread_pins(monkeypatch):
    from styledistill.generation.vllm_backend import worker_env

    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    monkeypatch.setenv("VLLM_CPU_KVCACHE_SPACE", "1")
    env = worker_env()
    assert "OMP_NUM_THREADS" not in env and env["VLLM_CPU_KVCACHE_SPACE"] == "1"
