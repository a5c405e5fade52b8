# Stage report: the scores table in the paper's layout beside the paper's numbers, the style-transfer table, plots,
# the grading audit, and the landing page of `snakemake --report` (workflow/report/workflow.rst includes it).


rule report:
    input:
        scores=wiring.all_scores(STUDY),
        audits=wiring.all_scores(STUDY, "audit"),
        styles=wiring.all_styles(STUDY),
        decontamination=wiring.study_decontamination(STUDY),
        models=wiring.all_aligned(STUDY, checkpoints, paths.SFT_MODEL),
        samples=wiring.all_scores(STUDY, "samples"),
        style_features=wiring.all_styles(STUDY, "features"),
        st=wiring.all_sources(STUDY, paths.ST),
        teacher_features=wiring.all_sources(STUDY, paths.FEATURES["features"]),
        profiles=wiring.all_sources(STUDY, paths.FEATURES["profile"]),
        examples=wiring.all_aligned(STUDY, checkpoints, paths.VARIANT_TRAIN),
        planted=wiring.simulated_sources(STUDY, paths.PLANTED),
        planted_features=wiring.simulated_sources(STUDY, paths.FEATURES["features"]),
        prompted=wiring.all_prompted(STUDY),
        prompted_samples=wiring.all_prompted(STUDY, "samples"),
        traces=wiring.all_sources(STUDY, paths.TRACES),
    output:
        csv=report(paths.SUMMARY["csv"], caption="../report/scores_csv.rst", category="Scores"),
        markdown=report(paths.SUMMARY["markdown"], caption="../report/scores_md.rst", category="Scores"),
        plot=report(paths.SUMMARY["plot"], caption="../report/scores_png.rst", category="Scores"),
        lengths_plot=report(paths.SUMMARY["lengths_plot"], caption="../report/lengths_png.rst", category="Scores"),
        style_csv=report(
            paths.SUMMARY["style_csv"], caption="../report/style_transfer_csv.rst", category="Style transfer"
        ),
        style_plot=report(
            paths.SUMMARY["style_plot"], caption="../report/style_transfer_png.rst", category="Style transfer"
        ),
        audit=paths.SUMMARY["audit"],
        audit_md=report(paths.SUMMARY["audit_md"], caption="../report/grading_audit.rst", category="Grading"),
        landing=paths.SUMMARY["landing"],
        training_csv=report(paths.SUMMARY["training_csv"], caption="../report/training_csv.rst", category="Training"),
        training_plot=report(paths.SUMMARY["training_plot"], caption="../report/training_png.rst", category="Training"),
        samples_md=paths.SUMMARY["samples_md"],
        samples_html=report(paths.SUMMARY["samples_html"], caption="../report/samples.rst", category="Samples"),
        comparisons_csv=report(
            paths.SUMMARY["comparisons_csv"], caption="../report/comparisons_csv.rst", category="Comparisons"
        ),
        comparisons_md=report(
            paths.SUMMARY["comparisons_md"], caption="../report/comparisons_md.rst", category="Comparisons"
        ),
        claims=paths.SUMMARY["claims"],
        teachers_md=report(paths.SUMMARY["teachers_md"], caption="../report/teachers.rst", category="Teachers"),
        teachers_rst=paths.SUMMARY["teachers_rst"],
        prompted_csv=paths.SUMMARY["prompted_csv"],
    log:
        "logs/report/report.log",
    benchmark:
        "benchmarks/report/report.tsv"
    conda:
        "../../envs/report.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("report"),
        runtime=runtime("report"),
    params:
        spec=lambda w: specs.report(STUDY),
    shell:
        "python -m styledistill.cli.report --spec {params.spec:q} --scores {input.scores} --audits {input.audits}"
        " --styles {input.styles} --decontamination {input.decontamination}"
        " --csv {output.csv} --markdown {output.markdown} --plot {output.plot}"
        " --lengths-plot {output.lengths_plot} --style-csv {output.style_csv} --style-plot {output.style_plot}"
        " --audit {output.audit} --audit-md {output.audit_md} --landing {output.landing}"
        " --models {input.models} --training-csv {output.training_csv} --training-plot {output.training_plot}"
        " --samples {input.samples} --style-features {input.style_features} --st {input.st}"
        " --teacher-features {input.teacher_features} --profiles {input.profiles} --examples {input.examples}"
        " --samples-md {output.samples_md} --samples-html {output.samples_html}"
        " --comparisons-csv {output.comparisons_csv} --comparisons-md {output.comparisons_md} --claims {output.claims}"
        " --planted {input.planted} --planted-features {input.planted_features}"
        " --teachers-md {output.teachers_md} --teachers-rst {output.teachers_rst}"
        " --prompted {input.prompted} --prompted-samples {input.prompted_samples}"
        " --prompted-csv {output.prompted_csv} --traces {input.traces}"
        " > {log} 2>&1"
