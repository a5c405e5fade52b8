"""style-distill: stylistic replication in reasoning distillation, as one Snakemake DAG."""

__version__ = "0.1.0"
