"""Every path the workflow writes, in one place. Results mirror lineage, upstream first; restartable state lives
under the `work` root. Patterns hold Snakemake wildcards ({teacher}, {dataset}, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MODEL = "results/models/{model}"
MODEL_DOWNLOAD = "results/downloads/{model}.json"  # what download_model fetched for a hub model
PROBLEMS = "results/problems/{dataset}/problems.parquet"
# A training set's problems checked against the benchmarks: what the teachers answer (rule decontaminate).
CLEAN_PROBLEMS = "results/problems/{dataset}/clean.parquet"
DECONTAMINATION = {"matches": "results/problems/{dataset}/decontamination.parquet",
                   "summary": "results/problems/{dataset}/decontamination.json",
                   "markdown": "results/problems/{dataset}/decontamination.md"}
TRACE_SHARD = "results/traces/{teacher}/{dataset}/shards/{shard}.parquet"
TRACES = "results/traces/{teacher}/{dataset}/traces.parquet"
IMPORT_PROVENANCE = "results/traces/{teacher}/{dataset}/import.md"
PLANTED = "results/traces/{teacher}/{dataset}/planted.parquet"  # what a simulated teacher planted in each trace
GRADED = "results/traces/{teacher}/{dataset}/graded.parquet"
GRADE_AUDIT = {"table": "results/traces/{teacher}/{dataset}/grade_audit.parquet",
               "markdown": "results/traces/{teacher}/{dataset}/grade_audit.md"}
ST = "results/st/{teacher}/{dataset}/st.parquet"
FEATURES = {
    "features": "results/features/{teacher}/{dataset}/features.parquet",
    "profile": "results/features/{teacher}/{dataset}/style_profile.json",
    "stats": "results/features/{teacher}/{dataset}/stats.csv",
    "stats_md": "results/features/{teacher}/{dataset}/stats.md",
    "plots": "results/features/{teacher}/{dataset}/plots",
    "candidates": "results/features/{teacher}/{dataset}/pivot_candidates.csv",
    "candidates_md": "results/features/{teacher}/{dataset}/pivot_candidates.md",
}
VARIANT_RAW = "results/variants/{teacher}/{dataset}/raw/{variant}.parquet"
VARIANT_TRAIN = "results/variants/{teacher}/{dataset}/{variant}/train.parquet"
ALIGNMENT = "results/variants/{teacher}/{dataset}/alignment"  # summary.json, problems-<digest>.json
VARIANT_PUBLISHED = "results/variants/{teacher}/{dataset}/{variant}/published"
COMPARISON = {"csv": "results/variants/{teacher}/{dataset}/comparison.csv",
              "markdown": "results/variants/{teacher}/{dataset}/comparison.md",
              "plot": "results/variants/{teacher}/{dataset}/comparison.png"}
# {seed}: the training seed (study.seeds); the base student is not trained, so its paths have none.
SFT_MODEL = "results/sft/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/model"
EVAL_BASE = {"samples": "results/eval/{family}/base/{benchmark}/samples.parquet",
             "scores": "results/eval/{family}/base/{benchmark}/scores.json",
             "audit": "results/eval/{family}/base/{benchmark}/audit.parquet"}
# A benchmark of several shards: each shard's answers, joined by its evaluate job.
EVAL_BASE_SHARD = "results/eval/{family}/base/{benchmark}/shards/{shard}.parquet"
EVAL_SFT_SHARD = "results/eval/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/{benchmark}/shards/{shard}.parquet"
EVAL_SFT = {"samples": "results/eval/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/{benchmark}/samples.parquet",
            "scores": "results/eval/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/{benchmark}/scores.json",
            "audit": "results/eval/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/{benchmark}/audit.parquet"}
# A prompted baseline (untrained, any model) on a benchmark: asked plainly, and in a teacher's style (its profile
# fills the style prompt).
EVAL_PROMPTED = {"samples": "results/prompted/{baseline}/plain/{benchmark}/samples.parquet",
                 "scores": "results/prompted/{baseline}/plain/{benchmark}/scores.json",
                 "audit": "results/prompted/{baseline}/plain/{benchmark}/audit.parquet"}
EVAL_STYLED = {"samples": "results/prompted/{baseline}/{teacher}/{dataset}/{benchmark}/samples.parquet",
               "scores": "results/prompted/{baseline}/{teacher}/{dataset}/{benchmark}/scores.json",
               "audit": "results/prompted/{baseline}/{teacher}/{dataset}/{benchmark}/audit.parquet"}
# A student's outputs on a benchmark measured against its teacher's ST profile; the untuned student's against each
# teacher's profile of the study.
STUDENT_STYLE = {
    "features": "results/style/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/{benchmark}/features.parquet",
    "summary": "results/style/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/{benchmark}/style.json"}
STUDENT_STYLE_BASE = {"features": "results/style/{family}/{teacher}/{dataset}/base/{benchmark}/features.parquet",
                      "summary": "results/style/{family}/{teacher}/{dataset}/base/{benchmark}/style.json"}
SUMMARY = {"csv": "results/summary/scores.csv", "markdown": "results/summary/scores.md",
           "plot": "results/summary/scores.png", "audit": "results/summary/grading_audit.parquet",
           "audit_md": "results/summary/grading_audit.md", "style_csv": "results/summary/style_transfer.csv",
           "style_plot": "results/summary/style_transfer.png", "lengths_plot": "results/summary/lengths.png",
           "training_csv": "results/summary/training.csv", "training_plot": "results/summary/training.png",
           "samples_md": "results/summary/samples.md", "samples_html": "results/summary/samples.html",
           "landing": "results/summary/landing.rst", "comparisons_csv": "results/summary/comparisons.csv",
           "comparisons_md": "results/summary/comparisons.md", "claims": "results/summary/claims.rst",
           "teachers_md": "results/summary/teachers.md", "teachers_rst": "results/summary/teachers.rst",
           "prompted_csv": "results/summary/prompted.csv"}


@dataclass(frozen=True)
class Work:
    """Restartable state under the config's `work` root."""

    root: str

    @property
    def requests(self) -> str:
        """The finished-request store every generating job shares."""
        return f"{self.root}/requests"

    @property
    def model_cache(self) -> str:
        """Downloaded wheels and GGUF files."""
        return f"{self.root}/cache/models"

    @property
    def datasets_cache(self) -> str:
        """Hub datasets that traces are imported from."""
        return f"{self.root}/cache/datasets"

    def sft_job(self, wildcards: Any) -> str:
        """Checkpoints of one training job."""
        return (f"{self.root}/sft/{wildcards.family}/{wildcards.teacher}/{wildcards.dataset}/{wildcards.variant}/"
                f"seed-{wildcards.seed}")
