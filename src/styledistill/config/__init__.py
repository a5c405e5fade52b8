"""The workflow's config: the entries of config.yaml built from the stages' settings, checked before any job runs.

Library code never reads config.yaml; the Snakefile hands the loaded config to `study.load`, which returns typed
entries the rules slice into job specs.
"""
