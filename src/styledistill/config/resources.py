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

from styledistill.settings import Field, Key, Settings


class RuleResources(Settings):
    mem_mb: int = Field(ge=1)  # memory of one job (MB)
    runtime: int = Field(ge=1)  # wall time of one job (minutes)


# The defaults, per rule: the small bookkeeping jobs ask for little, model jobs for a node's share.
DEFAULTS: dict[str, RuleResources] = {
    rule: RuleResources(mem_mb=mem_mb, runtime=runtime)
    for rule, (mem_mb, runtime) in {
        "prepare_model": (16_000, 60),
        "make_problems": (4_000, 30),
        "generate_traces": (32_000, 720),
        "merge_traces": (4_000, 30),
        "import_traces": (8_000, 60),
        "grade": (8_000, 60),
        "build_st": (4_000, 30),
        "extract_features": (8_000, 120),
        "discover_pivots": (8_000, 120),
        "make_variant": (32_000, 720),
        "align_variants": (4_000, 30),
        "select_variant": (4_000, 30),
        "publish_variant": (4_000, 30),
        "compare_variants": (4_000, 30),
        "train_sft": (128_000, 1440),
        "evaluate_base": (32_000, 720),
        "evaluate_sft": (32_000, 720),
        "measure_student_style": (8_000, 60),
        "report": (8_000, 60),
    }.items()
}


class Overrides(Settings):
    mem_mb: int | None = Field(None, ge=1)
    runtime: int | None = Field(None, ge=1)


class ResourcesEntry(Settings):
    """The `resources` block: per-rule overrides of DEFAULTS and how retries grow them."""

    growth: float = Field(1.5, ge=1.0, le=10.0)  # attempt n asks for growth**(n-1) x the base values
    rules: dict[Key, Overrides] = Field(default_factory=dict)
    # Run the jobs that may call a paid API (API teachers, API generators) on the submitting host: compute nodes
    # often have no internet. They also take the `api` resource (`--resources api=1` throttles them).
    api_jobs_on_submit_host: bool = False

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, value: dict[str, Overrides]) -> dict[str, Overrides]:
        unknown = sorted(set(value) - set(DEFAULTS))
        if unknown:
            raise ValueError(f"unknown rule(s) {unknown} (rules: {', '.join(DEFAULTS)})")
        return value

    def of(self, rule: str, attempt: int = 1) -> RuleResources:
        """The rule's resources at this attempt (1 = the first run)."""
        base, override = DEFAULTS[rule], self.rules.get(rule) or Overrides()
        factor = self.growth ** (max(1, attempt) - 1)
        return RuleResources(mem_mb=int((override.mem_mb or base.mem_mb) * factor),
                             runtime=int((override.runtime or base.runtime) * factor))


API_RULES = ("generate_traces", "make_variant")  # the rules whose jobs may call a paid API
