# Stage decontaminate: a training set's problems checked against the study's benchmarks and against one another;
# the teachers answer (and imported traces are paired with) the cleaned problems.


rule decontaminate:
    input:
        problems=paths.PROBLEMS,
        benchmarks=lambda w: list(wiring.decontamination_inputs(STUDY).values()),
    output:
        problems=paths.CLEAN_PROBLEMS,
        matches=paths.DECONTAMINATION["matches"],
        summary=paths.DECONTAMINATION["summary"],
        markdown=report(
            paths.DECONTAMINATION["markdown"],
            caption="../report/decontamination.rst",
            category="Decontamination",
            subcategory="{dataset}",
        ),
    log:
        "logs/decontaminate/{dataset}.log",
    benchmark:
        "benchmarks/decontaminate/{dataset}.tsv"
    conda:
        "../../envs/decontaminate.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("decontaminate"),
        runtime=runtime("decontaminate"),
    params:
        spec=lambda w: specs.decontaminate(STUDY),
        benchmarks=lambda w: wiring.decontamination_args(wiring.decontamination_inputs(STUDY)),
    shell:
        "python -m styledistill.cli.decontaminate --spec {params.spec:q} --problems {input.problems}"
        " --benchmark {params.benchmarks} --name {wildcards.dataset} --out {output.problems}"
        " --matches {output.matches} --summary {output.summary} --markdown {output.markdown} > {log} 2>&1"
