"""What computed an answer (devices.numerics) and the report's warning when one row's cells were computed apart."""

from __future__ import annotations

import pandas as pd
import pytest

from styledistill import devices
from styledistill.devices import UNRECORDED
from styledistill.evaluation.evaluate import computed_on
from styledistill.generation.request import Response
from styledistill.report import computed_on as report_section


def test_a_gpu_is_named_and_a_cpu_by_its_kernels(monkeypatch):
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    assert devices.numerics("torch.bfloat16", "vllm-0.32.0", "NVIDIA H100 80GB HBM3") == \
        "cuda NVIDIA H100 80GB HBM3 bfloat16 vllm-0.32.0"
    bf16 = devices.cpu_bf16()
    assert bf16 in (None, "amx_bf16", "avx512_bf16")
    cpu = devices.numerics("float32", "torch-2.13.0", None, "AVX2")
    assert cpu == " ".join(filter(None, ("cpu AVX2", bf16, "float32 torch-2.13.0")))
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")  # a held ISA changes oneDNN's kernels: it is part of it
    assert "onednn<=AVX2 float32" in devices.numerics("float32", "torch-2.13.0", None, "AVX2")


def test_native_bf16_is_read_from_the_cpu_flags():
    for flags, expected in (("flags : avx2 avx512f avx512_bf16 amx_bf16", "amx_bf16"),
                            ("flags : avx2 avx512f avx512_bf16", "avx512_bf16"), ("flags : avx2 fma", None)):
        assert devices.native_bf16(flags) == expected


def test_a_torch_model_reports_its_compute_dtype():
    torch = pytest.importorskip("torch")
    model = torch.nn.Linear(2, 2)
    assert devices.torch_numerics(model).endswith(f" float32 torch-{torch.__version__}")
    assert " bfloat16 torch-" in devices.torch_numerics(model, torch.bfloat16)


def test_the_fingerprint_survives_the_store_record():
    response = Response("k", "4", "stop", 3, 1, system_fingerprint="cpu AVX512 bfloat16 torch-2.13.0")
    assert Response.from_record(response.to_record()) == response
    assert Response.from_record({k: v for k, v in response.to_record().items() if k != "system_fingerprint"}) \
        .system_fingerprint is None  # an answer stored before it had one


def test_an_evaluation_names_one_fingerprint_or_each_with_its_count():
    same = pd.DataFrame({"computed_on": ["a", "a", "a"]})
    assert computed_on(same) == "a"
    mixed = pd.DataFrame({"computed_on": ["a", "b", None, "a"]})
    assert computed_on(mixed) == f"a (2); b (1); {UNRECORDED} (1)"


def _scores(cells: dict[tuple[str, str, str], str | None]) -> pd.DataFrame:
    return pd.DataFrame([{"family": f, "benchmark": b, "variant": v, "computed_on": c}
                         for (f, b, v), c in cells.items()])


def test_the_report_warns_only_about_rows_computed_on_different_machines():
    alike = _scores({("llama", "math500", "base"): "cuda H100 bfloat16 vllm-0.32.0",
                     ("llama", "math500", "ST"): "cuda H100 bfloat16 vllm-0.32.0",
                     ("qwen", "math500", "base"): "cuda A100 bfloat16 vllm-0.32.0",
                     ("qwen", "math500", "ST"): "cuda A100 bfloat16 vllm-0.32.0"})
    lines = report_section.section(alike)
    assert "- cuda H100 bfloat16 vllm-0.32.0: 2 evaluation(s)" in lines
    assert not any("different machines" in line for line in lines)  # another family elsewhere is no confound
    apart = _scores({("llama", "math500", "base"): "cuda H100 bfloat16 vllm-0.32.0",
                     ("llama", "math500", "ST"): "cuda A100 bfloat16 vllm-0.32.0",
                     ("qwen", "math500", "base"): "cuda A100 bfloat16 vllm-0.32.0"})
    warning = [line for line in report_section.section(apart) if "different machines" in line]
    assert len(warning) == 1 and "llama × math500" in warning[0] and "qwen" not in warning[0]
    # answers that record nothing (an API without a fingerprint, or stored before) are listed, not counted as a machine
    unknown = _scores({("llama", "math500", "base"): UNRECORDED, ("llama", "math500", "ST"): "cuda H100 bf16 x"})
    lines = report_section.section(unknown)
    assert f"- {UNRECORDED}: 1 evaluation(s)" in lines and not any("different machines" in line for line in lines)


def test_scores_from_before_the_fingerprint_add_no_section():
    assert report_section.section(pd.DataFrame({"family": ["a"], "benchmark": ["b"], "variant": ["base"]})) == []
    assert report_section.section(_scores({("a", "b", "base"): None})) == []
    assert report_section.section(_scores({("a", "b", "base"): None}), _trained({("a", "ST", 0): None})) == []


def _trained(jobs: dict[tuple[str, str, int], str | None], dataset: str = "math") -> pd.DataFrame:
    return pd.DataFrame([{"family": f, "teacher": "r1", "dataset": dataset, "variant": v, "seed": s,
                          "computed_on": c} for (f, v, s), c in jobs.items()])


def test_the_report_lists_where_students_trained_and_warns_when_one_family_trained_apart():
    h100, a100 = "cuda H100 bfloat16 torch-2.13.0", "cuda A100 bfloat16 torch-2.13.0"
    answers = _scores({("llama", "math500", "ST"): "cuda H100 bfloat16 vllm-0.32.0"})
    alike = _trained({("llama", "ST", 0): h100, ("llama", "ST-HC", 0): h100, ("qwen", "ST", 0): a100})
    lines = report_section.section(answers, alike)
    assert f"- {h100}: 2 training job(s)" in lines and f"- {a100}: 1 training job(s)" in lines
    assert not any("different machines" in line for line in lines)
    apart = _trained({("llama", "ST", 0): h100, ("llama", "ST-HC", 0): a100, ("qwen", "ST", 0): a100,
                      ("qwen", "ST", 1): UNRECORDED})
    warning = [line for line in report_section.section(answers, apart) if "different machines" in line]
    assert len(warning) == 1 and warning[0].startswith("**Students trained") and "llama × r1 × math" in warning[0]
    assert "qwen" not in warning[0]  # a log that records nothing is not a second machine
    # training alone (scores from before the fingerprint) still gets the section
    assert "Training:" in report_section.section(_scores({("a", "b", "base"): None}), alike)
