"""Which training problems are benchmark problems: the same normalised text, every sentence of the benchmark problem
(in any order, among others), a shared word n-gram, or (optionally) a fuzzy ratio above a threshold; and which
training problems repeat one another.

Boilerplate must not flag a problem on its own: a sentence that several benchmark problems share ("Express your
answer as a common fraction.") is taken out before n-grams are formed, and an n-gram that several benchmark problems
share is not evidence. Figures (Asymptote, TikZ) are taken out by the normalisation.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from styledistill.decontamination.normalize import sentences

EXACT, SENTENCES, NGRAM, FUZZY, DUPLICATE = "exact", "sentences", "ngram", "fuzzy", "duplicate"


@dataclass(frozen=True)
class Problem:
    source: str  # the benchmark's key, or the training set's
    id: str
    text: str


@dataclass(frozen=True)
class Match:
    train: Problem
    other: Problem  # a benchmark problem, or (DUPLICATE) the training problem kept
    method: str
    evidence: str  # the shared n-gram, the fuzzy score, or the normalised text
    score: float | None = None


@dataclass(frozen=True)
class Prepared:
    """A problem's normalised text, its sentences that are not boilerplate, and the runs of tokens between its
    boilerplate sentences."""

    problem: Problem
    key: str
    kept: frozenset[tuple[str, ...]]
    runs: tuple[tuple[str, ...], ...]


def boilerplate(problems: Iterable[Problem], min_problems: int) -> frozenset[tuple[str, ...]]:
    """Sentences found in at least `min_problems` distinct problems."""
    counts: Counter[tuple[str, ...]] = Counter()
    for problem in problems:
        counts.update(set(sentences(problem.text)))
    return frozenset(sentence for sentence, n in counts.items() if n >= min_problems)


def prepare(problem: Problem, skipped: frozenset[tuple[str, ...]]) -> Prepared:
    runs: list[tuple[str, ...]] = []
    current: list[str] = []
    all_words: list[str] = []
    kept = set()
    for sentence in sentences(problem.text):
        all_words += sentence
        if sentence in skipped:
            if current:
                runs.append(tuple(current))
            current = []
        else:
            current += sentence
            kept.add(sentence)
    if current:
        runs.append(tuple(current))
    return Prepared(problem, " ".join(all_words), frozenset(kept), tuple(runs))


def _textual(gram: tuple[str, ...]) -> bool:
    """At least half its tokens are words of two letters or more: a run of numbers and symbols ("2 3 4 5 6 7 8 9",
    "a b c d") is not text two problems share."""
    return 2 * sum(len(token) > 1 and token.isalpha() for token in gram) >= len(gram)


def ngrams(prepared: Prepared, n: int) -> Iterator[tuple[str, ...]]:
    """The word n-grams of a problem's runs (none across a boilerplate sentence), textual ones only."""
    for run in prepared.runs:
        for start in range(len(run) - n + 1):
            gram = run[start:start + n]
            if _textual(gram):
                yield gram


class BenchmarkIndex:
    """The benchmark problems by normalised text and by n-gram (n-grams of `min_problems` or more benchmark problems
    left out as boilerplate)."""

    def __init__(self, problems: Sequence[Problem], n: int, min_problems: int) -> None:
        self.n = n
        self.skipped = boilerplate(problems, min_problems)
        self.prepared = [prepare(problem, self.skipped) for problem in problems]
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_sentence: dict[tuple[str, ...], list[int]] = defaultdict(list)
        by_gram: dict[tuple[str, ...], set[int]] = defaultdict(set)
        for index, item in enumerate(self.prepared):
            if item.key:
                self.by_key[item.key].append(index)
            if sum(map(len, item.kept)) >= n:  # as much text as an n-gram, at least
                for sentence in item.kept:
                    self.by_sentence[sentence].append(index)
            for gram in ngrams(item, n):
                by_gram[gram].add(index)
        # an n-gram of several benchmark problems (counted in their whole texts, boilerplate sentences included, so
        # that a stock phrase spanning one is seen as often as it occurs) is a stock phrase, not a copy
        seen: Counter[tuple[str, ...]] = Counter()
        for item in self.prepared:
            seen.update(set(ngrams(Prepared(item.problem, item.key, item.kept, (tuple(item.key.split()),)), n)))
        self.by_gram = {gram: sorted(owners) for gram, owners in by_gram.items() if seen[gram] < min_problems}

    def matches(self, train: Problem) -> dict[int, Match]:
        """The benchmark problems `train` matches, by position: the same text, else all of the benchmark problem's
        sentences, else the first shared n-gram."""
        item = prepare(train, self.skipped)
        found: dict[int, Match] = {}
        for index in self.by_key.get(item.key, []) if item.key else []:
            found[index] = Match(train, self.prepared[index].problem, EXACT, item.key)
        hits: Counter[int] = Counter(index for sentence in item.kept for index in self.by_sentence.get(sentence, ()))
        for index, count in sorted(hits.items()):
            other = self.prepared[index]
            if index not in found and count == len(other.kept):
                found[index] = Match(train, other.problem, SENTENCES, " / ".join(" ".join(s) for s in other.kept))
        for gram in ngrams(item, self.n):
            for index in self.by_gram.get(gram, ()):
                if index not in found:
                    found[index] = Match(train, self.prepared[index].problem, NGRAM, " ".join(gram))
        return found


def numbers(key: str) -> frozenset[str]:
    return frozenset(token for token in key.split() if token[0].isdigit())


class FuzzyIndex:
    """Fuzzy matching (rapidfuzz's normalised Indel ratio, 0-100) of a training problem against the benchmark problems
    that share at least one word k-gram with it (k = 3: pairs sharing none are far below any useful threshold) and
    have the same numbers: a copy keeps its numbers, while a template sibling with other numbers ("What is the product
    of 24 and 10?" beside "... of 16 and 13?") is another problem, however alike the two read."""

    K = 3
    COMMON = 0.02  # a k-gram of more than this share of the benchmark problems ("what is the") blocks nothing

    def __init__(self, index: BenchmarkIndex, threshold: float) -> None:
        self.index, self.threshold = index, threshold
        by_gram: dict[tuple[str, ...], set[int]] = defaultdict(set)
        for position, item in enumerate(index.prepared):
            for gram in ngrams(item, self.K):
                by_gram[gram].add(position)
        common = max(2, int(self.COMMON * len(index.prepared)))
        self.by_gram = {gram: owners for gram, owners in by_gram.items() if len(owners) <= common}
        self.numbers = [numbers(item.key) for item in index.prepared]

    def matches(self, train: Problem, known: set[int]) -> dict[int, Match]:
        """The benchmark problems (by position, none of `known`) within the threshold of `train`."""
        from rapidfuzz import fuzz, process

        item = prepare(train, self.index.skipped)
        candidates: set[int] = set()
        for gram in ngrams(item, self.K):
            candidates |= self.by_gram.get(gram, set())
        mine = numbers(item.key)
        positions = [p for p in sorted(candidates - known) if self.numbers[p] == mine]
        choices = [self.index.prepared[p].key for p in positions]
        out = {}
        for _, score, at in process.extract(item.key, choices, scorer=fuzz.ratio, score_cutoff=self.threshold,
                                            limit=None):
            other = self.index.prepared[positions[at]]
            out[positions[at]] = Match(train, other.problem, FUZZY, f"{score:.1f}", round(score, 2))
        return out


def duplicates(problems: Sequence[Problem]) -> list[Match]:
    """Training problems whose normalised text an earlier one has: each matched to the first."""
    first: dict[str, Problem] = {}
    out = []
    for problem in problems:
        key = prepare(problem, frozenset()).key
        if key in first:
            out.append(Match(problem, first[key], DUPLICATE, key))
        elif key:
            first[key] = problem
    return out
