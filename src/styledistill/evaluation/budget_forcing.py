"""Budget forcing (s1: Muennighoff et al., 2025): how long a student thinks, set at test time.

Thinking runs in rounds that stop at the end-of-thinking delimiter. While the student has ended its thinking fewer
than `waits` times, `wait` ("Wait") replaces the delimiter and it thinks on; once its thinking reaches
`max_thinking_tokens`, the delimiter is written for it (forced). A last round writes the answer. Every round is an
ordinary request, the chat plus the text so far as an assistant message the model continues, so each round is
stored, and a killed job resumes after its last finished round.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from styledistill.evaluation.settings import BudgetForcing
from styledistill.generation.completions import Completion
from styledistill.generation.generator import Generator, Session
from styledistill.generation.request import Response


@dataclass
class Thinking:
    """One sample's thinking so far."""

    tag: str
    messages: list[dict[str, str]]
    sample: int
    text: str = ""
    tokens: int = 0  # generated in the thinking rounds (what `wait` and the delimiter add is not generated)
    prompt_tokens: int = 0
    waits: int = 0
    forced: bool = False
    thinking: bool = True
    failed: bool = False  # a round failed (listed in the failures sidecar; a rerun sends it again)

    def chat(self, prefix: str) -> list[dict[str, str]]:
        """The chat with `prefix` as the assistant's text to continue (none: a new answer)."""
        return self.messages + ([{"role": "assistant", "content": prefix}] if prefix else [])


@dataclass(frozen=True)
class ForcedCompletion:
    """A completion written under budget forcing, and what the forcing did."""

    completion: Completion
    thinking_tokens: int
    waits: int
    forced: bool


def _think(session: Session, items: list[Thinking], forcing: BudgetForcing, cap: int, generator: Generator,
           failures_out: str | Path | None) -> list[Thinking]:
    """Run the thinking rounds; the samples whose every round finished."""
    base = generator.settings.sampling()
    live, first = list(items), True
    while live := [t for t in live if t.thinking]:
        requests = [session.request(t.tag, t.chat(t.text), t.sample, base.model_copy(
            update={"max_new_tokens": cap - t.tokens, "stop": (forcing.end_of_thinking,)})) for t in live]
        done = {(c.tag, c.sample): c.response for c in session.complete(requests, failures_out, not first)}
        for t in live:
            if (t.tag, t.sample) in done:
                _advance(t, done[t.tag, t.sample], forcing, cap, first)
            else:
                t.thinking, t.failed = False, True
        first = False
    return [t for t in items if not t.failed]


def _advance(t: Thinking, response: Response, forcing: BudgetForcing, cap: int, first: bool) -> None:
    t.text += response.text
    t.tokens += response.n_completion_tokens
    if first:
        t.prompt_tokens = response.n_prompt_tokens
    if response.finish_reason != "stop":
        t.forced, t.thinking = True, False  # the cap ended it
    elif t.waits < forcing.waits and t.tokens < cap:
        t.text += forcing.wait
        t.waits += 1
    else:
        t.thinking = False


def force_budget(chats: list[tuple[str, list[dict[str, str]]]], n_samples: int, generator: Generator,
                 forcing: BudgetForcing, failures_out: str | Path | None) -> list[ForcedCompletion]:
    """Each chat answered `n_samples` times under budget forcing, in request order (failed samples left out)."""
    cap = forcing.max_thinking_tokens or generator.settings.max_new_tokens
    items = [Thinking(tag, messages, s) for tag, messages in chats for s in range(n_samples)]
    answer_sampling = generator.settings.sampling().model_copy(update={"max_new_tokens": forcing.answer_tokens})
    with generator.session() as session:
        items = _think(session, items, forcing, cap, generator, failures_out)
        prefixes = {(t.tag, t.sample): t.text + forcing.end_of_thinking for t in items}
        requests = [session.request(t.tag, t.chat(prefixes[t.tag, t.sample]), t.sample, answer_sampling)
                    for t in items]
        answers = {(c.tag, c.sample): c for c in session.complete(requests, failures_out, True)}
    forced = []
    for t in items:
        answer = answers.get((t.tag, t.sample))
        if answer is None:
            continue
        response = answer.response
        whole = Response(key=response.key, text=prefixes[t.tag, t.sample] + response.text,
                         finish_reason=response.finish_reason, n_prompt_tokens=t.prompt_tokens,
                         n_completion_tokens=t.tokens + response.n_completion_tokens)
        forced.append(ForcedCompletion(Completion(t.tag, t.sample, answer.request, whole), t.tokens, t.waits,
                                       t.forced))
    return forced
