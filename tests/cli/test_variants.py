"""build_variants on fixtures: ST-HC-W's rewrite path through a real OpenAI-compatible server (the fake), the
ablations, and the align / select / publish / compare steps."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from styledistill.io import write_table
from tests.cli import fixtures
from tests.cli.fixtures import job
from tests.conftest import run_cli
from tests.fakes.openai_server import FakeOpenAI

GOLD = {"p1": "7", "p2": "3", "p3": "42"}
TRACES = {
    "p1": "We need 3 + 4. First I add the ones.\n\nWait, let me check: 3 + 4 is 7.\n\nSo the total is 7.",
    "p2": "Start from 10 and take away 7.\n\nCounting down gives 3. Let me check: 3 + 7 = 10.\n\nSo it is 3.",
    "p3": "Six times seven: six sevens.\n\nHmm, 6 * 7 = 42, and 7 * 6 = 42 too.\n\nThe product is 42.",
}


def _st_hc(path: Path) -> Path:
    rows = [{"problem_id": pid, "variant": "ST-HC", "question": f"Question {pid}?", "reasoning": text,
             "answer_text": f"The final answer is $\\boxed{{{GOLD[pid]}}}$.", "target_answer": GOLD[pid],
             "gold": GOLD[pid], "target_correct": True, "status": "ok", "method": "generated"}
            for pid, text in TRACES.items()]
    rows.append({**rows[0], "problem_id": "p4", "status": "style_rejected"})  # not accepted: not an input
    write_table(pd.DataFrame(rows), path, "example", "build_variants", 1)
    return path


def _wrong_target(key: str) -> str:
    """The fake generator: it reaches the wrong answer the prompt asks for, except on p2 where it stays right."""
    if "Question p2?" in key:
        return "3"
    return re.search(r"concludes that\s+the answer is (\S+?)\.", key).group(1)


@pytest.mark.skipif(importlib.util.find_spec("litellm") is None, reason="the api extra is not installed")
def test_st_hc_w_rewrites_only_the_ending_through_an_api_and_falls_back(tmp_path):
    source = _st_hc(tmp_path / "ST-HC.parquet")
    with FakeOpenAI(answer=_wrong_target) as server:
        def make(out: Path, **stage) -> pd.DataFrame:
            spec = job({"kind": "synthetic_wrong", "input": "ST-HC", "generator": "api",
                        "prompt": "prompts/synthetic_hc_w.yaml", **stage}, generator={"answer_check": "require"},
                       generation={"backend": "litellm", "max_new_tokens": 64, "timeout": 5.0, "retry_wait": 0.01},
                       provider={"provider": "openai/fake-generator", "api_base": server.url})
            run_cli("build_variants", "make", "--spec", spec, "--variant", "ST-HC-W", "--input", str(source),
                    "--prompt", "prompts/synthetic_hc_w.yaml", "--store", str(tmp_path / "store"), "--out", str(out))
            return pd.read_parquet(out).set_index("problem_id")

        wrong = make(tmp_path / "W.parquet")
        assert server.total_hits == 3  # p4 was not accepted in ST-HC: never sent
        assert list(wrong.index) == ["p1", "p2", "p3"] and (wrong["status"] == "ok").all()
        assert wrong["method"].to_dict() == {"p1": "rewrite", "p2": "fallback", "p3": "rewrite"}
        assert not wrong["target_correct"].any() and (wrong["target_answer"] != wrong["gold"]).all()
        for pid in ("p1", "p3"):  # the body is kept verbatim, the continuation reaches the wrong answer
            kept = wrong.loc[pid, "reasoning"][: int(round(wrong.loc[pid, "prefix_share"] * len(TRACES[pid])))]
            assert TRACES[pid].startswith(kept) and 0.5 < wrong.loc[pid, "prefix_share"] < 1
            assert wrong.loc[pid, "target_answer"] in wrong.loc[pid, "answer_text"]
        # the fallback puts the wrong value in the final step and keeps everything before it
        assert wrong.loc["p2", "reasoning"] == TRACES["p2"].replace("So it is 3.",
                                                                    f"So it is {wrong.loc['p2', 'target_answer']}.")
        assert wrong.loc["p2", "prefix_share"] > 0.9
        # a rerun pays nothing; without the fallback, the missed problem is dropped and counted
        strict = make(tmp_path / "W2.parquet", fallback=False)
        assert server.total_hits == 3
        assert strict["status"].to_dict() == {"p1": "ok", "p2": "missed_target", "p3": "ok"}
        # an ST-HC without an accepted trace (a generator that never writes the style): nothing to rewrite
        rejected = pd.read_parquet(source).assign(status="style_rejected")
        write_table(rejected, source, "example", "build_variants", 1)
        assert make(tmp_path / "W3.parquet").empty and server.total_hits == 3


def _st(path: Path) -> Path:
    rows = [{"problem_id": pid, "question": f"Question {pid}?", "gold": GOLD[pid], "reasoning": text,
             "answer_text": f"The answer is \\boxed{{{GOLD[pid]}}}.", "sample": 0} for pid, text in TRACES.items()]
    write_table(pd.DataFrame(rows), path, "st", "build_st", 1)
    return path


def _profile(tmp_path: Path, st: Path) -> Path:
    """The ST traces' features.parquet and style_profile.json, as extract_features writes them."""
    from styledistill.features.settings import FeatureSettings
    from styledistill.style import profile
    from styledistill.style.extract import extract

    df = pd.read_parquet(st).assign(correct=True, truncated=False)
    features = extract(df, FeatureSettings(), progress=False)
    write_table(features, tmp_path / "features.parquet", "features", "extract_features", 1)
    (tmp_path / "profile.json").write_text(json.dumps(profile.build(features, FeatureSettings())))
    return tmp_path / "profile.json"


@pytest.mark.slow  # 30 s: every step of the stage, one CLI call each
def test_ablations_align_select_publish_and_compare(tmp_path):
    st = _st(tmp_path / "st.parquet")
    profile = _profile(tmp_path, st)
    raw = {}
    stages = {"ST": {"kind": "st"}, "ST-NT": {"kind": "no_trace"}, "ST-PS": {"kind": "pivot_stripped"},
              "ST-SS": {"kind": "stage_shuffled", "seed": 1}, "ST-LM": {"kind": "length_matched", "input": "ST"}}
    for variant, stage in stages.items():
        raw[variant] = tmp_path / "raw" / f"{variant}.parquet"
        source = raw["ST"] if stage.get("input") else st
        run_cli("build_variants", "make", "--spec", job(stage), "--variant", variant, "--input", str(source),
                "--profile", str(profile), "--reference", str(st), "--out", str(raw[variant]))
    stripped = pd.read_parquet(raw["ST-PS"]).set_index("problem_id")
    assert stripped.loc["p1", "reasoning"] == \
        "We need 3 + 4. First I add the ones.\n\n3 + 4 is 7.\n\nSo the total is 7."
    assert (stripped["pivots_removed"] > 0).all()
    shuffled = pd.read_parquet(raw["ST-SS"])
    assert sorted(" ".join(shuffled["reasoning"]).split()) == sorted(" ".join(TRACES.values()).split())
    run_cli("build_variants", "align", "--spec", job({"size": 2}), "--raw", *map(str, raw.values()),
            "--problems", str(fixtures.problems(tmp_path / "problems.parquet")), "--st", str(st),
            "--out", str(tmp_path / "alignment"))
    alignment = json.loads((tmp_path / "alignment" / "summary.json").read_text())
    problems = tmp_path / "alignment" / alignment["problems_file"]
    assert json.loads(problems.read_text()) == alignment["problem_ids"]
    assert len(alignment["problem_ids"]) == 2 and alignment["problems_built_by_all"] == 3
    published = []
    for variant, path in raw.items():
        train = tmp_path / variant / "train.parquet"
        run_cli("build_variants", "select", "--raw", str(path), "--problems", str(problems), "--out", str(train))
        assert list(pd.read_parquet(train)["problem_id"]) == alignment["problem_ids"]
        out = tmp_path / variant / "published"
        spec = job(stages[variant], labels={"teacher": "t", "dataset": "d", "variant": variant})
        run_cli("build_variants", "publish", "--spec", spec, "--variant", variant, "--train", str(train), "--raw",
                str(path), "--st", str(st), "--features", str(tmp_path / "features.parquet"), "--profile", str(profile),
                "--out", str(out))
        published.append(str(out))
        summary = json.loads((out / "features.json").read_text())
        assert summary["examples"] == 2 and summary["st_features"]["words"] > 0
        card = (out / "README.md").read_text()
        assert f"# {variant}" in card and "style_profile_sha256" in card and "| status | problems |" in card
        import datasets

        hf = datasets.load_from_disk(str(out / "hf"))
        assert len(hf) == 2 and hf[0]["messages"][-1]["role"] == "assistant"
    paths = {k: str(tmp_path / f"comparison.{k}") for k in ("csv", "md", "png")}
    run_cli("build_variants", "compare", "--published", *published, "--alignment", str(tmp_path / "alignment"),
            "--csv", paths["csv"], "--markdown", paths["md"], "--plot", paths["png"])
    table = pd.read_csv(paths["csv"]).set_index("variant")
    assert table.loc["ST-PS", "pivots_total"] == 0 < table.loc["ST", "pivots_total"]
    assert table.loc["ST-SS", "words"] == table.loc["ST", "words"]
    assert "# Variants compared with ST" in Path(paths["md"]).read_text()
    assert Path(paths["png"]).stat().st_size > 10_000


def test_a_variant_published_a_batch_at_a_time_is_the_one_published_whole(tmp_path, monkeypatch):
    """publish writes its Parquet, HF dataset and summary a batch at a time; batches of two give what one batch
    gives, for copied and new reasonings and a kind's own columns (one with a missing value)."""
    import datasets

    from styledistill.variants import publish_variant, summary
    from styledistill.variants.settings import variant_settings

    st = _st(tmp_path / "st.parquet")
    profile = _profile(tmp_path, st)
    rows = [{"problem_id": pid, "variant": "ST-X", "question": f"Question {pid}?", "reasoning": text,
             "answer_text": f"So \\boxed{{{GOLD[pid]}}}.", "target_answer": GOLD[pid], "gold": GOLD[pid],
             "target_correct": True, "status": "ok", "method": "copied", "attempts": 1.0, "served_model": None}
            for pid, text in TRACES.items()]
    rows += [{**rows[0], "problem_id": "p4", "reasoning": "A new text.\n\nWait, 2 + 2 is 4.", "method": "generated",
              "attempts": None, "served_model": "m"}, {**rows[1], "problem_id": "p5", "method": "generated"}]
    train = tmp_path / "train.parquet"
    write_table(pd.DataFrame(rows), train, "example", "select_variant", 1)
    reference = publish_variant.Reference(str(st), str(tmp_path / "features.parquet"), str(profile))

    def publish(out: Path, workers: int = 1) -> Path:
        publish_variant.publish("ST-X", variant_settings({"kind": "st"}), {"teacher": "t", "dataset": "d"},
                                str(train), str(train), reference, None, str(out), 1, workers=workers)
        return out

    whole = publish(tmp_path / "whole")
    monkeypatch.setattr(publish_variant, "BATCH_ROWS", 2)
    monkeypatch.setattr(summary, "EXAMPLE_BATCH_ROWS", 2)
    batched = publish(tmp_path / "batched", workers=2)  # (extract measures so few texts in one process)
    table = pd.read_parquet(whole / "data" / "train.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(batched / "data" / "train.parquet"), table)
    assert list(table.columns) == [*pd.read_parquet(train).columns, "messages"] and len(table) == 5
    assert table["messages"].iloc[3][-1]["content"].startswith("<think>\nA new text.")
    assert json.loads((batched / "features.json").read_text()) == json.loads((whole / "features.json").read_text())
    assert (batched / "README.md").read_text() == (whole / "README.md").read_text()
    hf = [datasets.load_from_disk(str(out / "hf")).to_list() for out in (whole, batched)]
    assert hf[0] == hf[1] and [row["problem_id"] for row in hf[0]] == list(table["problem_id"])
    assert json.loads((batched / "features.json").read_text())["served_by"] == {"m": 1}
    assert not list(tmp_path.glob("*/*.arrow")) and (batched / "manifest.json").exists()


def test_row_wise_variants_built_a_batch_at_a_time_are_those_built_whole(tmp_path, monkeypatch):
    """The kinds that build each example from its row alone read their input a batch at a time; batches of two give
    the table one batch gives, from ST and from another variant's accepted examples."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from styledistill.variants import make_variant
    from styledistill.variants.settings import variant_settings

    st = _st(tmp_path / "st.parquet")
    pd.DataFrame(pd.read_parquet(st)).assign(served_model=[None, None, "m"]).pipe(
        write_table, st, "st", "build_st", 1)  # a column empty in the first batch, not in the second
    profile = _profile(tmp_path, st)
    stages = {"ST": ({"kind": "st"}, st), "ST-NT": ({"kind": "no_trace"}, st),
              "ST-PS": ({"kind": "pivot_stripped"}, st), "ST-SS": ({"kind": "stage_shuffled", "seed": 1}, st),
              "HC-PS": ({"kind": "pivot_stripped", "input": "ST-HC"}, _st_hc(tmp_path / "ST-HC.parquet"))}

    def build(variant: str, out: Path) -> pd.DataFrame:
        stage, source = stages[variant]
        make_variant.make(variant, variant_settings(stage), str(source), str(out), grader="math", generator=None,
                          prompt=None, profile=str(profile), reference=None, model=None, version=1)
        return pd.read_parquet(out)

    whole = {variant: build(variant, tmp_path / f"{variant}.whole.parquet") for variant in stages}
    monkeypatch.setattr(make_variant, "INPUT_BATCH_ROWS", 2)
    for variant, expected in whole.items():
        pd.testing.assert_frame_equal(build(variant, tmp_path / f"{variant}.parquet"), expected)
    assert whole["ST"]["served_model"].isna().tolist() == [True, True, False]
    assert pa.types.is_large_string(pq.read_schema(tmp_path / "ST.parquet").field("served_model").type)
    assert len(whole["HC-PS"]) == 3  # ST-HC's rejected p4 is not an input
