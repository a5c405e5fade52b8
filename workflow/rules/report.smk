# Stage report: the scores table in the paper's layout, and a plot (both in `snakemake --report`).


rule report:
    input:
        wiring.all_scores(STUDY),
    output:
        csv=report(paths.SUMMARY["csv"], caption="../report/scores_csv.rst", category="Scores"),
        markdown=paths.SUMMARY["markdown"],
        plot=report(paths.SUMMARY["plot"], caption="../report/scores_png.rst", category="Scores"),
    params:
        spec=lambda w: jobs.report_job(STUDY),
    log:
        "logs/report/report.log",
    conda:
        "../../envs/report.yaml"
    shell:
        "python -m styledistill.cli.report --spec {params.spec:q} --scores {input} --csv {output.csv}"
        " --markdown {output.markdown} --plot {output.plot} > {log} 2>&1"
