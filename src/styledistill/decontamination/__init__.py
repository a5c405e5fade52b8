"""Stage decontaminate: training problems checked against the study's benchmarks, and against one another, before
any teacher sees them (rule decontaminate)."""
