"""Benchmark evaluation of base and fine-tuned students: generate, grade, score."""
