"""Backend batch: OpenAI's Batch API, at its discount (half the price), answers within a day.

The job's requests are written as one JSONL file per batch (at most `max_batch_requests` lines; each line's
`custom_id` is the request's content key), uploaded, and a batch is created from the file; the batches are polled
every `poll_seconds`, and each finished batch's results are downloaded and stored before the next step. Which
batches were submitted is kept in a journal beside the request store (`batch_journal.py`), so a killed job resumes
polling and never submits a request twice that is finished or in flight. Entries a batch answered with an error,
left out (an expired or failed batch) or wrote as a line that cannot be read are resubmitted in a new batch, at most
`max_retries` rounds; then they are failures (the sidecar lists them; a rerun sends them again).

Costs are the prices times `discount`; the budget cap reserves each batch's worst case (estimated prompt tokens at the
input price and `max_new_tokens` at the output price) before it is submitted, and submits nothing that would not fit.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from styledistill.errors import IncompleteRun, UserError
from styledistill.generation.api.batch_journal import BatchJournal, Submission
from styledistill.generation.api.chat import chat_response
from styledistill.generation.api.limits import Budget
from styledistill.generation.api.retries import MalformedResponse
from styledistill.generation.api.secrets import ScrubbedLogs, api_key, scrub, secrets_in_environment
from styledistill.generation.api.senders import chat_parameters
from styledistill.generation.api.settings import BatchSettings, ProviderSettings
from styledistill.generation.backend import SendingStopped
from styledistill.generation.request import Failure, Request, Response

log = logging.getLogger(__name__)

ENDPOINT = "/v1/chat/completions"
TERMINAL = ("completed", "failed", "expired", "cancelled")


def request_line(request: Request, model: str) -> str:
    """One line of a batch input file: the chat completion the request stands for, named by its key."""
    parameters = chat_parameters(request)
    extra = parameters.pop("extra_body", {})  # a raw body: the controls that are not OpenAI's sit at its top level
    body = {"model": model, **parameters, **extra}
    return json.dumps({"custom_id": request.key, "method": "POST", "url": ENDPOINT, "body": body},
                      ensure_ascii=False)


class BatchBackend:
    def __init__(self, settings: BatchSettings, provider: ProviderSettings, state_dir: Path) -> None:
        from openai import OpenAI

        from styledistill.generation.api.backend import litellm_prices

        self.settings, self.provider = settings, provider
        key = api_key(provider.api_key_env, provider.api_base)
        self.secrets = secrets_in_environment([key if key != "no-key" else None])
        self.client = OpenAI(api_key=key, base_url=provider.api_base, timeout=settings.timeout, max_retries=3)
        self.model = provider.provider.split("/", 1)[1]
        listed = ((provider.prices.input_per_1m / 1e6, provider.prices.output_per_1m / 1e6) if provider.prices
                  else litellm_prices(provider.provider))
        self.prices = (None if listed[0] is None
                       else (listed[0] * settings.discount, listed[1] * settings.discount))
        if settings.budget_usd is not None and self.prices is None:
            raise UserError(f"--spec: generation.budget_usd needs prices: {provider.provider} is not in litellm's cost "
                            "map; set prices: {input_per_1m: ..., output_per_1m: ...} on the model")
        self.budget = Budget(settings.budget_usd)
        self.journal = BatchJournal.open(state_dir)
        self.reserved: dict[str, float] = {}  # worst case reserved per input file of this run
        self.submitted = 0  # requests submitted in this run's batches
        self._scrubbing = ScrubbedLogs(self.secrets)
        self._scrubbing.start()

    @property
    def spent_usd(self) -> float:
        return self.budget.spent

    def close(self) -> None:
        self._scrubbing.stop()

    def _call(self, what: str, call: Any, *args: Any, **kwargs: Any) -> Any:
        """One API call; its errors as one line, scrubbed (the submitted batches stay in the journal)."""
        import openai

        try:
            return call(*args, **kwargs)
        except (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError) as exc:
            raise UserError(f"batch API ({self.provider.provider}): {what}: {scrub(str(exc), self.secrets)[:300]}") \
                from None
        except openai.APIError as exc:
            raise IncompleteRun(f"batch API ({self.provider.provider}): {what}: {scrub(str(exc), self.secrets)[:300]}"
                                "; rerun to resume (submitted batches are polled again, never resubmitted)") from None

    # --- submitting ---------------------------------------------------------------------------------------------
    def _worst(self, request: Request) -> float:
        if self.prices is None:
            return 0.0
        prompt = sum(len(content.encode()) // 3 for _, content in request.messages) + 8 * len(request.messages)
        return int(prompt * 1.1) * self.prices[0] + request.sampling.max_new_tokens * self.prices[1]

    def _submit(self, requests: list[Request]) -> int:
        """Submit the requests in batches; how many the budget left unsent."""
        size = self.settings.max_batch_requests
        for start in range(0, len(requests), size):
            chunk = requests[start:start + size]
            worst = sum(self._worst(r) for r in chunk)
            if not self.budget.reserve(worst):
                return len(requests) - start
            data = "".join(request_line(r, self.model) + "\n" for r in chunk).encode()
            uploaded = self._call("upload", self.client.files.create, file=("requests.jsonl", data), purpose="batch")
            self.journal.write(event="upload", file_id=uploaded.id, keys=[r.key for r in chunk])
            self.reserved[uploaded.id] = worst
            self._create(uploaded.id)
            self.submitted += len(chunk)
        return 0

    def _create(self, file_id: str) -> None:
        batch = self._call("create a batch", self.client.batches.create, input_file_id=file_id, endpoint=ENDPOINT,
                           completion_window="24h", metadata={"styledistill_file": file_id})
        self.journal.write(event="batch", file_id=file_id, batch_id=batch.id)
        log.info("batch %s: %d request(s) submitted", batch.id, len(self.journal.submissions[file_id].keys))

    def _recover(self) -> None:
        """Uploads a kill left without their batch line: find their batch on the server, or create it now."""
        orphans = [s for s in self.journal.open_submissions() if s.batch_id is None]
        if not orphans:
            return
        by_file = {b.input_file_id: b.id for b in self._call("list batches", self.client.batches.list, limit=100)}
        for submission in orphans:
            if submission.file_id in by_file:
                self.journal.write(event="batch", file_id=submission.file_id, batch_id=by_file[submission.file_id])
            else:
                self._create(submission.file_id)

    # --- collecting ---------------------------------------------------------------------------------------------
    def _wait(self, submission: Submission) -> Any:
        deadline = time.monotonic() + self.settings.max_wait_hours * 3600
        while True:
            batch = self._call("poll", self.client.batches.retrieve, submission.batch_id)
            if batch.status in TERMINAL:
                return batch
            if time.monotonic() > deadline:
                raise IncompleteRun(f"batch {batch.id} not finished after {self.settings.max_wait_hours} hours "
                                    f"(status {batch.status}); rerun to keep polling it")
            counts = batch.request_counts
            log.info("batch %s: %s%s", batch.id, batch.status,
                     f", {counts.completed + counts.failed} of {counts.total} done" if counts else "")
            time.sleep(self.settings.poll_seconds)

    def _lines(self, file_id: str | None) -> list[str]:
        if not file_id:
            return []
        return self._call("download results", self.client.files.content, file_id).text.splitlines()

    def _results(self, submission: Submission, batch: Any) -> tuple[list[Response], dict[str, str]]:
        """The batch's answers, and the message of each of its entries that has none."""
        responses, failed, unreadable = [], {}, 0
        for line in self._lines(batch.output_file_id) + self._lines(batch.error_file_id):
            try:
                entry = json.loads(line)
                key = entry["custom_id"]
            except (json.JSONDecodeError, KeyError, TypeError):
                unreadable += 1
                continue
            answer = entry.get("response") or {}
            if entry.get("error") or answer.get("status_code") != 200:
                failed[key] = scrub(json.dumps(entry.get("error") or answer.get("body") or answer)[:500], self.secrets)
                continue
            try:
                responses.append(chat_response(key, answer.get("body"), self.prices))
            except MalformedResponse as exc:
                failed[key] = f"malformed answer ({exc})"
        answered = {r.key for r in responses}
        for key in submission.keys:
            if key not in answered and key not in failed:
                failed[key] = f"no answer in batch {batch.id} (status {batch.status})"
        if unreadable:
            log.warning("batch %s: %d result line(s) could not be read; their requests are resubmitted", batch.id,
                        unreadable)
        cost = sum(r.cost_usd or 0.0 for r in responses)
        if submission.file_id in self.reserved:  # submitted by this run: its reservation is settled
            self.budget.settle(self.reserved.pop(submission.file_id), cost)
        else:  # submitted by a run that was killed: counted, nothing reserved here
            self.budget.spent += cost
        return responses, failed

    def generate(self, requests: list[Request]) -> Iterator[list[Response | Failure]]:
        """Yield each batch's results once they are back; resubmit what a batch left unanswered."""
        wanted = {r.key: r for r in requests}
        attempts = dict.fromkeys(wanted, 0)
        self._recover()
        pending = [r for r in requests if r.key not in self.journal.in_flight()]
        not_sent = 0
        while True:
            not_sent += self._submit(pending)
            for key in (r.key for r in pending):
                attempts[key] += 1
            retry: dict[str, str] = {}
            for submission in self.journal.open_submissions():
                batch = self._wait(submission)
                responses, failed = self._results(submission, batch)
                yield list(responses)  # stored by the runner before this generator goes on
                self.journal.write(event="closed", file_id=submission.file_id)
                retry.update({key: message for key, message in failed.items() if key in wanted})
            give_up = {key for key in retry if attempts[key] > self.settings.max_retries}
            if give_up:
                yield [Failure.of(wanted[key], "BatchEntryFailed", retry[key], attempts[key]) for key in give_up]
            pending = [wanted[key] for key in retry if key not in give_up]
            if not pending:
                break
            log.info("resubmitting %d request(s) a batch left unanswered", len(pending))
        if not_sent:
            raise SendingStopped(f"budget cap reached: spent ${self.spent_usd:.4f} of cap "
                                 f"${self.settings.budget_usd:.4f}; {not_sent} request(s) not sent", not_sent)
