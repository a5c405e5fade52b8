"""What the models wrote, side by side: for a seeded handful of problems per benchmark, the question, the gold answer
and each student's output (the base student's first), graded, with the pivots the features stage found highlighted;
then, for a few aligned training problems, the teacher's trace and each variant's training example.

Written twice: `samples.md` for a repository browser, `samples.html` (self-contained, long outputs folded) for the
Snakemake report and a browser.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from styledistill.io import read_json, read_table
from styledistill.style.lexicon import PIVOT_TYPES
from styledistill.style.pivots import PivotMatcher, decode_spans

FOLD_CHARS = 600  # longer outputs are folded in the HTML page and cut in the Markdown one
COLORS = {"realization": "#ffd6a5", "verification": "#caffbf", "exploration": "#9bf6ff", "integration": "#ffc6ff"}


@dataclass(frozen=True)
class Shown:
    """One text on the page: who wrote it, what it says, its grade, and its pivot spans ([start, end, type, phrase])."""

    who: str
    text: str
    answer: str = ""
    correct: bool | None = None
    spans: tuple[tuple[int, int, str, str], ...] = ()


@dataclass(frozen=True)
class Block:
    title: str
    question: str
    gold: str
    groups: tuple[tuple[str, tuple[Shown, ...]], ...]  # (heading, texts) pairs, e.g. one per family


def _spans(value: Any) -> tuple[tuple[int, int, str, str], ...]:
    return tuple(tuple(span) for span in next(decode_spans([value])))


def _student(samples: pd.DataFrame, style: pd.DataFrame | None, who: str, problem: str) -> Shown | None:
    rows = samples[(samples["problem_id"] == problem) & (samples["sample"] == 0)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    reasoning = row["reasoning"] if isinstance(row["reasoning"], str) and row["reasoning"].strip() else None
    text = reasoning if reasoning is not None else str(row["text"] or "")
    spans: tuple = ()
    if style is not None:
        measured = style[(style["problem_id"] == problem) & (style["sample"] == 0)]
        spans = _spans(measured.iloc[0]["pivot_spans"]) if len(measured) else ()
    return Shown(who, text, str(row["answer_text"] or "") if reasoning is not None else "", bool(row["correct"]),
                 spans)


def pick(ids: list[str], k: int, seed: int) -> list[str]:
    """`k` of the problem ids, seeded, in a stable order."""
    ids = sorted(set(ids))
    return sorted(random.Random(seed).sample(ids, min(k, len(ids))))


def student_blocks(evaluations: list[dict[str, Any]], k: int, seed: int) -> list[Block]:
    """Per benchmark, `k` problems: each family's base student and tuned students on them.

    `evaluations`: one dict per evaluation with its labels (family, variant, benchmark, ...), its samples table and
    its measured style (or None)."""
    blocks = []
    for benchmark in sorted({e["benchmark"] for e in evaluations}):
        here = [e for e in evaluations if e["benchmark"] == benchmark]
        base = [e for e in here if e["variant"] == "base"] or here
        first = base[0]["samples"]
        for problem in pick(list(first["problem_id"]), k, seed):
            row = first[first["problem_id"] == problem].iloc[0]
            groups = []
            for family in sorted({e["family"] for e in here}):
                ordered = sorted((e for e in here if e["family"] == family), key=lambda e: e["order"])
                shown = [s for e in ordered if (s := _student(e["samples"], e["style"], e["label"], problem))]
                groups.append((family, tuple(shown)))
            blocks.append(Block(f"{benchmark}: {problem}", str(row["prompt"]), str(row["gold"]), tuple(groups)))
    return blocks


def example_blocks(st: pd.DataFrame, features: pd.DataFrame, variants: dict[str, pd.DataFrame],
                   profile: dict[str, Any], title: str, k: int, seed: int) -> list[Block]:
    """`k` aligned training problems: the teacher's trace (its measured pivots) and each variant's example (pivots
    found with the teacher profile's lexicon)."""
    matcher = PivotMatcher({kind: tuple(profile["lexicon"][kind]) for kind in PIVOT_TYPES},
                           {phrase: tuple(rules) for phrase, rules in (profile.get("position_rules") or {}).items()})
    aligned = set.intersection(*(set(df["problem_id"]) for df in variants.values())) if variants else set()
    blocks = []
    for problem in pick(list(aligned), k, seed):
        row = st[st["problem_id"] == problem]
        shown = []
        if len(row):
            trace = row.iloc[0]
            measured = features[(features["problem_id"] == problem) & (features["sample"] == trace["sample"])]
            spans = _spans(measured.iloc[0]["pivot_spans"]) if len(measured) else ()
            shown.append(Shown("teacher (ST source)", str(trace["reasoning"]), str(trace["answer_text"]), True, spans))
        question = gold = ""
        for name, df in variants.items():
            example = df[df["problem_id"] == problem].iloc[0]
            question, gold = str(example["question"]), str(example["gold"])
            text = str(example["reasoning"] or "")
            spans = tuple((p.start, p.end, p.kind, p.phrase) for p in matcher.find(text))
            shown.append(Shown(name, text, str(example["answer_text"] or ""), bool(example["target_correct"]), spans))
        blocks.append(Block(f"{title}: {problem}", question, gold, (("training examples", tuple(shown)),)))
    return blocks


def _marked(text: str, spans: tuple, mark: Any, plain: Any) -> str:
    out, at = [], 0
    for start, end, kind, phrase in sorted(spans):
        if start < at or end > len(text):
            continue
        out += [plain(text[at:start]), mark(text[start:end], kind, phrase)]
        at = end
    return "".join(out + [plain(text[at:])])


def _split(shown: Shown) -> tuple[Shown, Shown]:
    """The first FOLD_CHARS characters (to the end of a pivot that crosses the cut) and the rest, spans with them."""
    cut = FOLD_CHARS
    for start, end, _, _ in shown.spans:
        if start < cut < end:
            cut = end
    head = tuple(span for span in shown.spans if span[1] <= cut)
    rest = tuple((start - cut, end - cut, kind, phrase) for start, end, kind, phrase in shown.spans if start >= cut)
    return Shown(shown.who, shown.text[:cut], spans=head), Shown(shown.who, shown.text[cut:], spans=rest)


def _grade(shown: Shown) -> str:
    return "" if shown.correct is None else ("right" if shown.correct else "wrong")


def markdown(title: str, blocks: list[Block]) -> str:
    def mark(text: str, kind: str, phrase: str) -> str:
        return f"**{text}**<sup>{kind[0].upper()}</sup>"

    out = [f"# {title}", "", "Pivots in **bold**, their type as a superscript: " + ", ".join(
        f"<sup>{kind[0].upper()}</sup> {kind}" for kind in PIVOT_TYPES) + ". Outputs longer than "
        f"{FOLD_CHARS} characters are cut here (samples.html folds them whole).", ""]
    for block in blocks:
        out += [f"## {block.title}", "", "> " + " ".join(block.question.split()), "", f"Gold answer: `{block.gold}`",
                ""]
        for heading, texts in block.groups:
            out += [f"### {heading}", ""]
            for shown in texts:
                cut = [s for s in shown.spans if s[1] <= FOLD_CHARS]
                body = _marked(shown.text[:FOLD_CHARS], tuple(cut), mark, lambda t: t)
                more = " …" if len(shown.text) > FOLD_CHARS else ""
                answer = f" → answer: `{' '.join(shown.answer.split())[:200]}`" if shown.answer.strip() else ""
                out += [f"**{shown.who}** ({_grade(shown) or 'not graded'}){answer}", "",
                        "> " + " ".join(body.split()) + more, ""]
    return "\n".join(out).rstrip() + "\n"


CSS = """body{font-family:sans-serif;max-width:80em;margin:auto;padding:1em}
.grid{display:flex;gap:1em;flex-wrap:wrap}.card{flex:1 1 22em;border:1px solid #ccc;border-radius:6px;padding:.5em}
.right{color:#1a7f37}.wrong{color:#cf222e}pre{white-space:pre-wrap;font-size:.85em}
""" + "".join(f"mark.{kind}{{background:{color}}}" for kind, color in COLORS.items())


def page(title: str, blocks: list[Block]) -> str:
    """The self-contained HTML page: per problem, the texts side by side, the tail of a long one folded."""
    def mark(text: str, kind: str, phrase: str) -> str:
        return f'<mark class="{kind}" title="{kind}: {html.escape(phrase)}">{html.escape(text)}</mark>'

    legend = " ".join(f'<mark class="{kind}">{kind}</mark>' for kind in PIVOT_TYPES)
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
           f"<style>{CSS}</style></head><body><h1>{html.escape(title)}</h1><p>Pivot types: {legend}</p>"]
    for block in blocks:
        out.append(f"<h2>{html.escape(block.title)}</h2><blockquote>{html.escape(block.question)}</blockquote>"
                   f"<p>Gold answer: <code>{html.escape(block.gold)}</code></p>")
        for heading, texts in block.groups:
            out.append(f"<h3>{html.escape(heading)}</h3><div class='grid'>")
            for shown in texts:
                head, rest = _split(shown)
                grade = _grade(shown)
                text = f"<pre>{_marked(head.text, head.spans, mark, html.escape)}</pre>"
                if rest.text:
                    text += (f"<details><summary>{len(rest.text)} more characters</summary>"
                             f"<pre>{_marked(rest.text, rest.spans, mark, html.escape)}</pre></details>")
                answer = f"<p>Answer: <code>{html.escape(shown.answer)}</code></p>" if shown.answer.strip() else ""
                out.append(f"<div class='card' data-who='{html.escape(shown.who)}'><b>{html.escape(shown.who)}</b> "
                           f"<span class='{grade}'>{grade}</span>{text}{answer}</div>")
            out.append("</div>")
    out.append("</body></html>")
    return "\n".join(out)


def evaluations(samples_paths: list[str], style_paths: list[str], scores_paths: list[str],
                variant_order: list[str]) -> list[dict[str, Any]]:
    """Each evaluation's labels (from its scores.json), samples and measured style (matched by its labels)."""
    styles: dict[tuple, str] = {}
    for path in style_paths:
        labels = read_json(Path(path).with_name("style.json"), "style summary")
        styles.setdefault((labels["family"], labels["variant"], labels.get("seed"), labels["benchmark"]), path)
    order = {variant: i for i, variant in enumerate(["base", *variant_order])}
    labelled = [read_json(scores, "scores") for scores in scores_paths]
    sources = {(e.get("teacher"), e.get("dataset")) for e in labelled if e["variant"] != "base"}
    seeds: dict[str, set] = {}
    for e in labelled:
        seeds.setdefault(e["variant"], set()).add(e.get("seed"))
    out = []
    for samples, labels in zip(samples_paths, labelled):
        style = styles.get((labels["family"], labels["variant"], labels.get("seed"), labels["benchmark"]))
        tuned_elsewhere = labels["variant"] != "base" and len(sources) > 1
        label = f"{labels['variant']} ({labels['teacher']}/{labels['dataset']})" if tuned_elsewhere else \
            labels["variant"]
        if len(seeds[labels["variant"]]) > 1:  # a variant trained with several seeds
            label += f" · seed {labels.get('seed')}"
        out.append({**labels, "label": label, "order": order.get(labels["variant"], len(order)),
                    "samples": read_table(samples, "eval_sample"),
                    "style": read_table(style, "features") if style else None})
    return out


def training_sets(st_paths: list[str], feature_paths: list[str], profile_paths: list[str], example_paths: list[str],
                  variant_order: list[str], k: int, seed: int) -> list[Block]:
    """The example blocks of every teacher x dataset (its ST set, features and profile given in the same order; the
    variants' train.parquet files found under results/variants/<teacher>/<dataset>/<variant>/)."""
    blocks = []
    for st, features, profile in zip(st_paths, feature_paths, profile_paths):
        source = Path(st).parent  # results/st/<teacher>/<dataset>
        teacher, dataset = source.parent.name, source.name
        mine = {Path(p).parent.name: p for p in example_paths
                if Path(p).parents[1].name == dataset and Path(p).parents[2].name == teacher}
        ordered = {name: read_table(mine[name], "example") for name in variant_order if name in mine}
        blocks += example_blocks(read_table(st, "st"), read_table(features, "features"), ordered,
                                 read_json(profile, "style profile"), f"{teacher}/{dataset}", k, seed)
    return blocks
