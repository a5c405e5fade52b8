# Stage generate_traces: the teacher answers the seed problems, n samples each, in `shards` parallel jobs that share
# the request store; merge_traces joins them.


rule generate_traces:
    input:
        problems=lambda w: problems_file(w.dataset),
        model=lambda w: model_input(teacher_cfg(w)["model"]),
        prompt=lambda w: teacher_cfg(w)["prompt"],
    output:
        "results/traces/{teacher}/{dataset}/shards/{shard}.parquet",
    params:
        spec=_teacher_spec,
    log:
        "logs/generate_traces/{teacher}/{dataset}/{shard}.log",
    benchmark:
        "benchmarks/generate_traces/{teacher}/{dataset}/{shard}.tsv"
    threads: lambda w: teacher_cfg(w)["threads"]
    resources:
        gpu=lambda w: teacher_cfg(w)["generation"]["gpus"],
    conda:
        "../../envs/generate_traces.yaml"
    shell:
        "python -m styledistill.cli.generate_traces --spec {params.spec:q} --problems {input.problems}"
        " --model '{input.model}' --prompt {input.prompt} --out {output} --store work/requests"
        " --gpus {resources.gpu} --threads {threads} > {log} 2>&1"


rule merge_traces:
    input:
        _trace_shards,
    output:
        "results/traces/{teacher}/{dataset}/traces.parquet",
    params:
        spec=lambda w: spec_json("generate_traces"),
    log:
        "logs/merge_traces/{teacher}/{dataset}.log",
    conda:
        "../../envs/generate_traces.yaml"
    shell:
        "python -m styledistill.cli.generate_traces --merge {input} --out {output} > {log} 2>&1"
