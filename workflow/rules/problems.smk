# Stage make_problems: seed problems for teachers and benchmark problems, in one Parquet schema.


def _dataset_files(wildcards):
    dataset = STUDY.datasets[wildcards.dataset]
    return [dataset.path] if dataset.source == "jsonl" else []


rule make_problems:
    input:
        _dataset_files,
    output:
        PROBLEMS,
    params:
        spec=lambda w: jobs.problems_job(STUDY, w.dataset),
    log:
        "logs/make_problems/{dataset}.log",
    conda:
        "../../envs/make_problems.yaml"
    shell:
        "python -m styledistill.cli.make_problems --spec {params.spec:q} --out {output} > {log} 2>&1"
