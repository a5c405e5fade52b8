"""Cluster resources of every rule: memory (MB) and run time (minutes), per rule from config, each retry after a
memory or time-limit failure asking for more. What a scheduler (SLURM through profiles/slurm) is told; on a
workstation Snakemake only uses them to schedule within `--resources`.

    resources:
      growth: 1.5                       # attempt n asks for growth**(n-1) x the base values
      rules:
        train_sft: {mem_mb: 256000, runtime: 2880}
"""

from __future__ import annotations

from pydantic import field_validator

from styledistill.rules import RULES
from styledistill.settings import Field, Key, Settings

MAX_MEM_MB, MAX_RUNTIME = 16_777_216, 525_600  # 16 TB, a year: more is a typo


class RuleResources(Settings):
    mem_mb: int = Field(ge=1, le=MAX_MEM_MB)  # memory of one job (MB)
    runtime: int = Field(ge=1, le=MAX_RUNTIME)  # wall time of one job (minutes)


# The defaults, per rule (rules.py): the small bookkeeping jobs ask for little, model jobs for a node's share.
DEFAULTS: dict[str, RuleResources] = {name: RuleResources(mem_mb=rule.mem_mb, runtime=rule.runtime)
                                      for name, rule in RULES.items()}


class Overrides(Settings):
    """A rule's resources instead of its defaults (rules.py); null: the default."""

    mem_mb: int | None = Field(None, ge=1, le=MAX_MEM_MB, description="memory of one job (MB)")
    runtime: int | None = Field(None, ge=1, le=MAX_RUNTIME, description="wall time of one job (minutes)")


class ResourcesEntry(Settings):
    """Cluster resources per rule (defaults in rules.py): memory and wall time of its jobs, what profiles/slurm asks
    SLURM for; a retry after a failure asks for more."""

    growth: float = Field(1.5, ge=1.0, le=10.0, description="attempt n asks for growth^(n-1) x the base values")
    rules: dict[Key, Overrides] = Field(
        default_factory=dict, description="rule name -> {mem_mb, runtime}: overrides of that rule's defaults")
    downloads_on_submit_host: bool = Field(
        False, description="run the jobs that download (download_model: a hub model's files, nothing loaded; "
        "make_problems: hub datasets) on the submitting host, so that compute nodes without internet never need "
        "the hub (prepare_model then reads the downloaded files)")
    api_jobs_on_submit_host: bool = Field(
        False, description="run the jobs that may call a paid API (generate_traces, make_variant) on the submitting "
        "host (compute nodes often have no internet); they also take the `api` resource (`--resources api=1` "
        "throttles them)")

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, value: dict[str, Overrides]) -> dict[str, Overrides]:
        unknown = sorted(set(value) - set(DEFAULTS))
        if unknown:
            raise ValueError(f"unknown rule(s) {unknown} (rules: {', '.join(DEFAULTS)})")
        return value

    def of(self, rule: str, attempt: int = 1, base: RuleResources | None = None) -> RuleResources:
        """The rule's resources at this attempt (1 = the first run); `base`: what this job needs instead of the
        rule's default (a model's size), below any override of the config."""
        base, override = base or DEFAULTS[rule], self.rules.get(rule) or Overrides()
        factor = self.growth ** (max(1, attempt) - 1)
        return RuleResources(mem_mb=int((override.mem_mb or base.mem_mb) * factor),
                             runtime=int((override.runtime or base.runtime) * factor))

