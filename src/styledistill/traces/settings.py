"""generate_traces settings: how many samples per problem, where the answer starts, and the job's shard."""

from __future__ import annotations

from styledistill.shared_settings import AnswerMarker, Limit, Samples, Shard, Shards

PROMPT_FIELDS = frozenset({"question"})  # what a teacher prompt must use, and all it may use


class TraceSettings(Samples, AnswerMarker, Limit, Shards):
    pass


class TraceJob(TraceSettings, Shard):
    """One generation job: the teacher's settings and which shard it answers."""
