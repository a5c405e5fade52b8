"""Sample pivot matches from the shared R1 traces for hand labelling (the gold set of tests/data/pivot_gold.jsonl).

Every phrase of the `paper` and `r1` presets is matched without position rules; per pivot type, a seeded sample of
the matches is written as JSONL with the context a labeller needs. Run once; the labelled file is committed.

    python bench/sample_pivot_matches.py --per-type 80 --out /tmp/pivot_sample.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from styledistill.style.lexicon import PIVOT_TYPES, resolve
from styledistill.style.pivots import PivotMatcher

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FILES = ("traces_thoughtanchors_cots_math.jsonl", "traces_thoughtanchors_site.jsonl")
CONTEXT = 160


def union_lexicon() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {kind: [] for kind in PIVOT_TYPES}
    seen = set()
    for preset in ("paper", "r1"):
        for kind, phrases in resolve(preset)[0].items():
            for phrase in phrases:
                if phrase.lower() not in seen:
                    seen.add(phrase.lower())
                    out[kind].append(phrase)
    return {kind: tuple(phrases) for kind, phrases in out.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--per-type", type=int, default=80)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    matcher = PivotMatcher(union_lexicon())
    matches: dict[str, list[dict]] = {kind: [] for kind in PIVOT_TYPES}
    for name in FILES:
        for line in (DATA / name).open():
            row = json.loads(line)
            text = row["thinking"]
            for pivot in matcher.find(text):
                matches[pivot.kind].append({
                    "file": name, "trace": row["id"], "start": pivot.start, "end": pivot.end, "type": pivot.kind,
                    "phrase": pivot.phrase, "match": text[pivot.start:pivot.end],
                    "before": text[max(0, pivot.start - CONTEXT):pivot.start],
                    "after": text[pivot.end:pivot.end + CONTEXT]})
    rng = random.Random(args.seed)
    with open(args.out, "w") as out:
        for kind in PIVOT_TYPES:
            # stratify by phrase first so rare phrases are seen, then fill at random
            pool = matches[kind]
            by_phrase: dict[str, list[dict]] = {}
            for m in pool:
                by_phrase.setdefault(m["phrase"], []).append(m)
            chosen = [rng.choice(ms) for _, ms in sorted(by_phrase.items())]
            rest = [m for m in pool if m not in chosen]
            chosen += rng.sample(rest, max(0, min(len(rest), args.per_type - len(chosen))))
            for m in chosen:
                out.write(json.dumps(m, ensure_ascii=False) + "\n")
            print(f"{kind}: {len(pool)} matches, {len(chosen)} sampled")


if __name__ == "__main__":
    main()
