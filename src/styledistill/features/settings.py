"""extract_features settings: how traces are measured (style/settings.py), the statistics' knobs, and pivot
discovery."""

from __future__ import annotations

from styledistill.settings import Field, Settings, Text
from styledistill.style.settings import MeasureSettings


class FeatureSettings(MeasureSettings):
    """The extract_features stage: how traces are measured, and the statistics comparing correct with incorrect ones."""

    bootstrap: int = Field(
        2000, ge=100, le=1_000_000, description="resamples of the bootstrap 95% intervals of Cliff's delta (stats.csv)")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="seed of the bootstrap resamples")


class DiscoverySettings(Settings):
    """Pivot discovery (features/discovery.py): the reference corpus and the ranking's knobs."""

    reference: Text = Field(
        "answers", description="answers (the traces' final answers) or a Parquet / JSONL / text file")
    reference_field: Text | None = Field(
        None, description="its text field (null: the first of reasoning, thinking, solution, text)")
    min_count: int = Field(5, ge=1, description="candidates seen fewer times in the traces are left out")
    prior: float = Field(100.0, gt=0, description="pseudo-counts of the informative Dirichlet prior")
    top: int = Field(200, ge=1, description="candidates kept")
