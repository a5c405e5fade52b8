# Stage make_problems: seed problems for teachers and benchmark problems, in one Parquet schema.


rule make_problems:
    input:
        lambda w: wiring.dataset_files(STUDY, w),
    output:
        paths.PROBLEMS,
    log:
        "logs/make_problems/{dataset}.log",
    localrule: STUDY.resources.downloads_on_submit_host  # hub datasets download here
    conda:
        "../../envs/make_problems.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("make_problems"),
        runtime=runtime("make_problems"),
    params:
        spec=lambda w: specs.make_problems(STUDY, w.dataset),
    shell:
        "python -m styledistill.cli.make_problems --spec {params.spec:q} --out {output} > {log} 2>&1"
