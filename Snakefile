# style-distill: teacher traces -> style features -> synthetic variants -> SFT per student family -> benchmarks.
# Thin on purpose: settings live in config.yaml (each key described in workflow/schemas/config.schema.yaml and
# checked by the stages' settings classes before any job runs), each stage in workflow/rules/<stage>.smk, each
# stage's code in src/styledistill/.

from snakemake.utils import min_version

min_version("9.0")


include: "workflow/rules/config.smk"
include: "workflow/rules/common.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/problems.smk"
include: "workflow/rules/decontaminate.smk"
include: "workflow/rules/traces.smk"
include: "workflow/rules/grade.smk"
include: "workflow/rules/st.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/variants.smk"
include: "workflow/rules/sft.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/report.smk"


# The landing page of `snakemake --report`: the study and its headline table once the report rule has written it; a
# report of a partial run (a target short of the report) opens on a page that says so.
report: wiring.landing_page()


rule all:
    default_target: True
    input:
        paths.SUMMARY.values(),
        wiring.study_features(STUDY, ("features", "stats_md")),
        wiring.study_comparisons(STUDY),
        wiring.study_candidates(STUDY),
