"""Assistant-only labels, checked token by token on the real SmolLM2 tokenizer and the tiny Qwen2 student."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from styledistill.errors import UserError
from styledistill.models.loading import load_tokenizer
from styledistill.prompting import assistant_target, student_messages
from styledistill.sft.data import IGNORE_INDEX, PaddingCollator, conversations, encode, encode_all, end_of_turn_tokens

QUESTION = "Tom has 3 apples and buys 4 more. How many apples does he have?"
TARGET = assistant_target("Start with 3. Wait, he buys 4: 3 + 4 = 7.", "The answer is \\boxed{7}.")
DEFAULT_SYSTEM = "You are a helpful AI assistant named SmolLM"


@pytest.fixture(scope="module", params=["smollm2", "tiny_qwen2"])
def tokenizer(request: pytest.FixtureRequest) -> object:
    model_dir: Path = request.getfixturevalue(f"{request.param}_dir")
    return load_tokenizer(model_dir, padding_side="right")


def _ids(tok: object, text: str) -> list[int]:
    return tok(text, add_special_tokens=False)["input_ids"]


@pytest.mark.parametrize("system", [None, "Reason step by step."])
@pytest.mark.parametrize("use_offsets", [True, False])
def test_mask_is_exactly_the_assistant_turn(tokenizer: object, system: str | None, use_offsets: bool) -> None:
    messages = student_messages(QUESTION, system)
    enc = encode(tokenizer, messages, TARGET, 512, ["<|im_end|>"], use_offsets=use_offsets)
    prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    prompt_ids = _ids(tokenizer, prompt)
    trained_ids = _ids(tokenizer, TARGET + "<|im_end|>")
    tail_ids = _ids(tokenizer, "\n")  # the template's newline after <|im_end|>: not trained

    assert enc["input_ids"] == prompt_ids + trained_ids + tail_ids
    assert enc["labels"] == [IGNORE_INDEX] * len(prompt_ids) + trained_ids + [IGNORE_INDEX] * len(tail_ids)
    assert enc["prompt_tokens"] == len(prompt_ids) and not enc["truncated"]
    # the prompt holds the system message (the template's default when none is given), all masked
    assert (system or DEFAULT_SYSTEM) in tokenizer.decode(enc["input_ids"][: len(prompt_ids)])
    trained = [t for t in enc["labels"] if t != IGNORE_INDEX]
    assert tokenizer.decode(trained) == TARGET + "<|im_end|>"
    assert tokenizer.decode(trained).startswith("<think>\nStart with 3.")


def test_no_trace_target_is_trained_alone(tokenizer: object) -> None:
    target = assistant_target("", "The answer is 7.")
    enc = encode(tokenizer, student_messages(QUESTION), target, 512, ["<|im_end|>"])
    assert tokenizer.decode([t for t in enc["labels"] if t != IGNORE_INDEX]) == "The answer is 7.<|im_end|>"


def test_truncation_and_dropping(tokenizer: object) -> None:
    messages = student_messages(QUESTION)
    full = encode(tokenizer, messages, TARGET, 512, ["<|im_end|>"])
    n_prompt = full["prompt_tokens"]
    cut = encode(tokenizer, messages, TARGET, n_prompt + 3, ["<|im_end|>"])
    assert cut["truncated"] and len(cut["input_ids"]) == n_prompt + 3
    assert cut["input_ids"] == full["input_ids"][: n_prompt + 3]
    assert sum(t != IGNORE_INDEX for t in cut["labels"]) == 3
    assert encode(tokenizer, messages, TARGET, n_prompt, ["<|im_end|>"]) is None
    one = encode(tokenizer, messages, TARGET, n_prompt + 1, ["<|im_end|>"])
    assert [t for t in one["labels"] if t != IGNORE_INDEX] == full["input_ids"][n_prompt : n_prompt + 1]


def test_encode_all_counts_dropped_examples(smollm2_dir: Path) -> None:
    tok = load_tokenizer(smollm2_dir, padding_side="right")
    df = pd.DataFrame({
        "problem_id": ["short", "long"],
        "question": ["1+1?", "Explain " + "very " * 200 + "carefully: 1+1?"],
        "reasoning": ["1+1=2.", "1+1=2."],
        "answer_text": ["2", "2"],
    })
    features, stats = encode_all(tok, conversations(df, "x.parquet", None, "think"), 64, ["<|im_end|>"], "truncate")
    assert len(features) == 1 and stats.dropped_prompt_too_long == 1 and stats.dropped_rows == [1]
    assert stats.as_dict()["examples_kept"] == 1
    assert stats.label_tokens == sum(t != IGNORE_INDEX for t in features[0]["labels"])


def test_overlong_examples_are_cut_or_dropped_and_counted(smollm2_dir: Path) -> None:
    tok = load_tokenizer(smollm2_dir, padding_side="right")
    df = pd.DataFrame({"problem_id": ["short", "long"], "question": ["1+1?", "2+2?"],
                       "reasoning": ["1+1=2.", "Let me count. " * 40], "answer_text": ["2", "4"]})
    convs = conversations(df, "x.parquet", None, "think")
    cut, cut_stats = encode_all(tok, convs, 96, ["<|im_end|>"], "truncate")
    dropped, drop_stats = encode_all(tok, convs, 96, ["<|im_end|>"], "drop")
    assert len(cut) == 2 and cut_stats.truncated == 1 and len(cut[1]["input_ids"]) == 96
    assert len(dropped) == 1 and drop_stats.dropped_too_long == 1 and drop_stats.dropped_rows == [1]
    assert drop_stats.as_dict()["dropped_too_long"] == 1


# Qwen2's own chat template (ChatML with a default system message), as a family recipe could set it.
QWEN2_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")


@pytest.mark.parametrize("template", ["smollm2", "qwen2"])
@pytest.mark.parametrize("layout", ["think", "plain"])
def test_only_the_assistant_turn_carries_loss(smollm2_dir: Path, template: str, layout: str) -> None:
    tok = load_tokenizer(smollm2_dir, padding_side="right")
    if template == "qwen2":
        tok.chat_template = QWEN2_TEMPLATE
    reasoning, answer = "Start with 3. Wait, he buys 4: 3 + 4 = 7.", "The answer is \\boxed{7}."
    df = pd.DataFrame({"problem_id": ["p"], "question": [QUESTION], "reasoning": [reasoning], "answer_text": [answer]})
    (conv,) = conversations(df, "x.parquet", None, layout)
    (feature,), _ = encode_all(tok, [conv], 512, ["<|im_end|>"], "truncate")
    rendered = tok.apply_chat_template([*conv.messages, {"role": "assistant", "content": conv.target}], tokenize=False)
    assert tok.decode(feature["input_ids"]) == rendered
    trained = tok.decode([t for t in feature["labels"] if t != IGNORE_INDEX])
    assert trained == conv.target + "<|im_end|>"
    untrained = tok.decode([t for t, label in zip(feature["input_ids"], feature["labels"]) if label == IGNORE_INDEX])
    assert QUESTION in untrained and "assistant" in untrained and reasoning not in untrained
    assert ("You are a helpful assistant." if template == "qwen2" else DEFAULT_SYSTEM) in untrained
    if layout == "think":
        assert trained.startswith(f"<think>\n{reasoning}\n</think>\n\n{answer}")
    else:
        assert trained.startswith(f"{reasoning}\n\n{answer}") and "<think>" not in trained


def test_other_end_of_turn_tokens(smollm2_dir: Path) -> None:
    """A Llama-3-like template whose turns end with a token other than eos: the eos ids of the generation config."""
    tok = load_tokenizer(smollm2_dir, padding_side="right")
    tok.chat_template = (
        "{% for m in messages %}<|im_start|>{{ m['role'] }}<|im_end|>\n\n{{ m['content'] }}<|endoftext|>{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant<|im_end|>\n\n{% endif %}"
    )
    end = end_of_turn_tokens(tok, extra_ids=[tok.convert_tokens_to_ids("<|endoftext|>")])
    assert end == ["<|im_end|>", "<|endoftext|>"]
    enc = encode(tok, student_messages(QUESTION), TARGET, 512, end)
    assert tok.decode([t for t in enc["labels"] if t != IGNORE_INDEX]) == TARGET + "<|endoftext|>"


def test_template_that_strips_reasoning_is_refused(smollm2_dir: Path) -> None:
    tok = load_tokenizer(smollm2_dir, padding_side="right")
    tok.chat_template = (
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n"
        "{% if m['role'] == 'assistant' %}{{ m['content'].split('</think>')[-1] | trim }}{% else %}{{ m['content'] }}"
        "{% endif %}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    with pytest.raises(UserError, match="strip <think>"):
        encode(tok, student_messages(QUESTION), TARGET, 512, ["<|im_end|>"])


def test_template_whose_prompt_is_not_a_prefix_is_refused(smollm2_dir: Path) -> None:
    tok = load_tokenizer(smollm2_dir, padding_side="right")
    tok.chat_template = (
        "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}ASSISTANT:{% endif %}"
    )
    with pytest.raises(UserError, match="not a prefix"):
        encode(tok, student_messages(QUESTION), TARGET, 512, ["<|im_end|>"])


def test_conversations_name_bad_rows() -> None:
    good = {"problem_id": "a", "question": "q", "reasoning": "r", "answer_text": "a"}
    convs = conversations(pd.DataFrame([good]), "x.parquet", "sys", "think")
    assert convs[0].messages == [{"role": "system", "content": "sys"}, {"role": "user", "content": "q"}]
    assert convs[0].target == assistant_target("r", "a")
    with pytest.raises(UserError, match=r"^x.parquet: row 1 \(problem_id 'b'\): empty question"):
        conversations(pd.DataFrame([good, {**good, "problem_id": "b", "question": " "}]), "x.parquet", None, "think")
    with pytest.raises(UserError, match=r"^x.parquet: row 0 \(problem_id 'a'\): empty reasoning and answer_text"):
        conversations(pd.DataFrame([{**good, "reasoning": None, "answer_text": ""}]), "x.parquet", None, "think")
    with pytest.raises(UserError, match="no examples"):
        conversations(pd.DataFrame(columns=list(good)), "x.parquet", None, "think")


def test_padding_collator() -> None:
    batch = PaddingCollator(pad_token_id=2)([
        {"input_ids": [5, 6, 7], "labels": [-100, 6, 7]},
        {"input_ids": [8], "labels": [8]},
    ])
    assert batch["input_ids"].tolist() == [[5, 6, 7], [8, 2, 2]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert batch["labels"].tolist() == [[-100, 6, 7], [8, -100, -100]]
    assert PaddingCollator(2, pad_to_multiple_of=4)([{"input_ids": [1], "labels": [1]}])["input_ids"].shape == (1, 4)
