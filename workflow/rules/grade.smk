# Stage grade: math-verify against the gold answer, per trace.


rule grade:
    input:
        paths.TRACES,
    output:
        paths.GRADED,
    params:
        spec=lambda w: jobs.grade_job(STUDY),
    log:
        "logs/grade/{teacher}/{dataset}.log",
    threads: STUDY.grade.threads
    conda:
        "../../envs/grade.yaml"
    shell:
        "python -m styledistill.cli.grade --spec {params.spec:q} --traces {input} --out {output}"
        " --threads {threads} > {log} 2>&1"
