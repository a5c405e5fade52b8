# Stage generate_traces: the teacher answers the seed problems, n samples each.


rule generate_traces:
    input:
        problems=lambda w: problems_file(w.dataset),
        model=lambda w: model_input(teacher_cfg(w)["model"]),
        prompt=lambda w: teacher_cfg(w)["prompt"],
    output:
        "results/traces/{teacher}/{dataset}/traces.parquet",
    params:
        spec=_teacher_spec,
    log:
        "logs/generate_traces/{teacher}/{dataset}.log",
    benchmark:
        "benchmarks/generate_traces/{teacher}/{dataset}.tsv"
    threads: lambda w: teacher_cfg(w)["threads"]
    conda:
        "../../envs/generate_traces.yaml"
    shell:
        "python -m styledistill.cli.generate_traces --spec {params.spec:q} --problems {input.problems}"
        " --model '{input.model}' --prompt {input.prompt} --out {output} --store work/requests"
        " --threads {threads} > {log} 2>&1"
