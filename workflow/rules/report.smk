# Stage report: the scores table in the paper's layout, a plot, and the grading audit (all in `snakemake --report`).


rule report:
    input:
        scores=wiring.all_scores(STUDY),
        audits=wiring.all_scores(STUDY, "audit"),
    output:
        csv=report(paths.SUMMARY["csv"], caption="../report/scores_csv.rst", category="Scores"),
        markdown=paths.SUMMARY["markdown"],
        plot=report(paths.SUMMARY["plot"], caption="../report/scores_png.rst", category="Scores"),
        audit=paths.SUMMARY["audit"],
        audit_md=report(paths.SUMMARY["audit_md"], caption="../report/grading_audit.rst", category="Grading"),
    params:
        spec=lambda w: jobs.report_job(STUDY),
    log:
        "logs/report/report.log",
    conda:
        "../../envs/report.yaml"
    shell:
        "python -m styledistill.cli.report --spec {params.spec:q} --scores {input.scores} --audits {input.audits}"
        " --csv {output.csv} --markdown {output.markdown} --plot {output.plot} --audit {output.audit}"
        " --audit-md {output.audit_md} > {log} 2>&1"
