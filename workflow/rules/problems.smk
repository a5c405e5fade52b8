# Stage make_problems: seed problems for teachers and benchmark problems, in one Parquet schema.


rule make_problems:
    input:
        _dataset_files,
    output:
        "results/problems/{dataset}/problems.parquet",
    params:
        spec=lambda w: spec_json("make_problems", **config["datasets"][w.dataset]),
    log:
        "logs/make_problems/{dataset}.log",
    conda:
        "../../envs/make_problems.yaml"
    shell:
        "python -m styledistill.cli.make_problems --spec {params.spec:q} --out {output} > {log} 2>&1"
