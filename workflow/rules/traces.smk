# Stage generate_traces: the teacher answers the seed problems, n samples each.


def _teacher_spec(wildcards):
    teacher = teacher_cfg(wildcards)
    return spec_json("generate_traces", n_samples=teacher["n_samples"], answer_marker=teacher["answer_marker"],
                     limit=teacher["limit"], **teacher["generation"])


rule generate_traces:
    input:
        problems=lambda w: problems_file(w.dataset),
        model=lambda w: model_dir(teacher_cfg(w)["model"]),
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
        " --model {input.model} --prompt {input.prompt} --out {output} --store work/requests"
        " --threads {threads} > {log} 2>&1"
