"""The paper's controls on real R1-distill traces (shared/data): ST-NT holds the final answer alone; the mismatched
control gives every problem another problem's trace, the same one on every run."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from styledistill.variants.context import BuildContext
from styledistill.variants.copied import derangement
from styledistill.variants.kinds import KINDS


@pytest.fixture(scope="module")
def st(shared_data: Path) -> pd.DataFrame:
    path = shared_data / "traces_thoughtanchors_cots_math.jsonl"
    if not path.exists():
        pytest.skip(f"{path} not present")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["correct"]]
    frame = pd.DataFrame({"problem_id": [r["id"] for r in rows], "question": [r["question"] for r in rows],
                         "gold": [r["gold"] for r in rows], "reasoning": [r["thinking"] for r in rows],
                         "answer_text": [r["answer_text"] for r in rows]})
    return frame.drop_duplicates("question").reset_index(drop=True)  # one trace per problem (several seeds exist)


def _build(kind: str, source: pd.DataFrame, **settings: object) -> pd.DataFrame:
    entry = KINDS[kind]
    ctx = BuildContext("X", entry.settings.from_spec({"kind": kind, **settings}, "variant"), source, "math")
    return entry.build(ctx)


def test_st_nt_is_the_final_answer_alone(st: pd.DataFrame) -> None:
    assert st["answer_text"].str.count("\n").max() >= 4  # R1's own responses are worked solutions
    final = _build("no_trace", st)
    assert (final["reasoning"] == "").all() and (final["answer_text"].str.count("\n") == 0).all()
    assert final["target_correct"].all() and (final["method"] == "final_answer").all()
    teacher = _build("no_trace", st, answer="teacher")
    assert teacher["answer_text"].tolist() == st["answer_text"].tolist()


def test_mismatched_keeps_no_problem_its_own_trace_and_is_deterministic(st: pd.DataFrame) -> None:
    built = _build("mismatched", st, seed=3)
    own = dict(zip(st["problem_id"], st["reasoning"]))
    assert not (built["reasoning"] == built["problem_id"].map(own)).any()
    assert (built["trace_of"] != built["problem_id"]).all()
    assert sorted(built["trace_of"]) == sorted(st["problem_id"])  # every trace lent exactly once
    assert built["answer_text"].tolist() == st["answer_text"].tolist()  # the answer stays the problem's own
    assert _build("mismatched", st, seed=3).equals(built)
    assert not _build("mismatched", st, seed=4)["trace_of"].equals(built["trace_of"])


def test_a_derangement_moves_every_item() -> None:
    for n in (2, 3, 17):
        for seed in range(5):
            mapping = derangement([str(i) for i in range(n)], seed)
            assert all(k != v for k, v in mapping.items()) and sorted(mapping.values()) == sorted(mapping)


def test_token_matched_holds_its_word_budget(st: pd.DataFrame) -> None:
    """R1 traces trimmed at sentence ends, each by the same share, to 40% of their words: the total lands within 2%
    of the budget, every trace a prefix of its own, cut at a sentence end."""
    from styledistill.style.style_check import measure

    source = st.head(20).reset_index(drop=True)
    profile = {"lexicon": "r1", "position_rules": {}, "spacy_model": "blank:en", "min_types": 3}
    words = int(measure(source, profile)["words"].sum())
    entry = KINDS["token_matched"]
    settings = entry.settings.from_spec({"kind": "token_matched", "words": int(0.4 * words)}, "variant")
    built = entry.build(BuildContext("ST-TM", settings, source, "math", profile=profile))
    assert abs(built["words"].sum() - 0.4 * words) <= 0.02 * 0.4 * words
    assert all(o.startswith(t) and len(t) < len(o) for o, t in zip(source["reasoning"], built["reasoning"]))
    assert built["reasoning"].str.rstrip().str[-1].isin(list(".?!:)$]")).mean() > 0.8  # sentence ends


def test_scaled_cuts_cut_every_trace_by_the_same_share() -> None:
    from styledistill.variants.ablations import scaled_cuts

    cuts = [[(i * 10, i * 5) for i in range(1, n + 1)] for n in (40, 80, 120)]  # sentences of 5 words
    picks, kept = scaled_cuts(cuts, 600)
    assert kept == 600 and [cuts[j][k][1] for j, k in enumerate(picks)] == [100, 200, 300]
    assert scaled_cuts(cuts, 10**6) == ([39, 79, 119], 1200)  # over budget: nothing to trim


def test_target_parity_gives_every_trace_variant_the_same_answer_form(st: pd.DataFrame) -> None:
    """R1's post-</think> text is a worked solution, a synthetic trace's often one line: with answer_form same, ST,
    ST-HC and ST-HC-W end alike, each on its own target answer; ST-NT's answer-only rows are left as they are."""
    from styledistill.variants.rows import ENFORCED_ANSWER
    from styledistill.variants.select_variant import same_answers

    st_rows = _build("st", st).head(10)
    hc = st_rows.assign(variant="ST-HC", answer_text="So it is \\boxed{" + st_rows["gold"] + "}.")
    wrong = hc.assign(variant="ST-HC-W", target_answer="-1", answer_text="Hence -1.")
    nt = _build("no_trace", st.head(10), answer="teacher")
    forms = {name: same_answers(frame) for name, frame in
             {"ST": st_rows, "ST-HC": hc, "ST-HC-W": wrong, "ST-NT": nt}.items()}
    assert forms["ST"]["answer_text"].tolist() == forms["ST-HC"]["answer_text"].tolist() == [
        ENFORCED_ANSWER.format(g) for g in st_rows["gold"]]
    assert (forms["ST-HC-W"]["answer_text"] == ENFORCED_ANSWER.format("-1")).all()
    assert forms["ST-NT"]["answer_text"].tolist() == nt["answer_text"].tolist()  # no reasoning: not a trace target
    assert forms["ST"]["reasoning"].tolist() == st_rows["reasoning"].tolist()


def test_the_budget_forcing_summary_counts_what_was_planted() -> None:
    """Samples with known thinking tokens, waits and forced ends: the summary gives their means and share, and
    nothing at all without budget forcing."""
    from styledistill.evaluation.scoring import forcing_summary
    from styledistill.evaluation.settings import BudgetForcing

    samples = pd.DataFrame({"thinking_tokens": pd.array([10, 20, 30, 40], dtype="Int64"), "waits": [0, 1, 2, 1],
                            "forced": [False, False, True, True]})
    summary = forcing_summary(samples, BudgetForcing(waits=2))["budget_forcing"]
    assert (summary["mean_thinking_tokens"], summary["mean_waits"], summary["forced_share"]) == (25.0, 1.0, 0.5)
    assert summary["waits"] == 2
    assert forcing_summary(samples.assign(waits=0, forced=False), None) == {}


def test_a_kept_prefix_states_the_gold_only_where_it_writes_that_value() -> None:
    from styledistill.variants.rewrite import states_value

    assert states_value("so x = 42 and we are done", "42") and states_value("the sum is \\frac{1}{2}.", "\\frac{1}{2}")
    assert not states_value("x = 420, then 142", "42") and not states_value("it is 4.2", "4")
    assert not states_value("no value here", "") and not states_value("3.75 so far", "3")
