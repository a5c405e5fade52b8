# Stage grade: math-verify against the gold answer, per trace.


rule grade:
    input:
        "results/traces/{teacher}/{dataset}/traces.parquet",
    output:
        "results/traces/{teacher}/{dataset}/graded.parquet",
    params:
        spec=lambda w: spec_json("grade"),
    log:
        "logs/grade/{teacher}/{dataset}.log",
    threads: config["grade"]["threads"]
    conda:
        "../../envs/grade.yaml"
    shell:
        "python -m styledistill.cli.grade --spec {params.spec:q} --traces {input} --out {output}"
        " --threads {threads} > {log} 2>&1"
