# Stage report: the scores table in the paper's layout, and a plot (both in `snakemake --report`).


rule report:
    input:
        all_scores(),
    output:
        csv=report("results/summary/scores.csv", caption="../report/scores_csv.rst", category="Scores"),
        markdown="results/summary/scores.md",
        plot=report("results/summary/scores.png", caption="../report/scores_png.rst", category="Scores"),
    params:
        spec=lambda w: spec_json("report", variant_order=config["report"].get("variant_order", STUDY["variants"])),
    log:
        "logs/report/report.log",
    conda:
        "../../envs/report.yaml"
    shell:
        "python -m styledistill.cli.report --spec {params.spec:q} --scores {input} --csv {output.csv}"
        " --markdown {output.markdown} --plot {output.plot} > {log} 2>&1"
