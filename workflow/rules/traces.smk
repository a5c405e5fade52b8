# Stage generate_traces: the teacher answers the seed problems, n samples each, in `shards` parallel jobs that share
# the request store; merge_traces joins them.


def _teacher(wildcards):
    return STUDY.teachers[wildcards.teacher]


def _trace_shards(wildcards):
    return expand(TRACE_SHARD, teacher=wildcards.teacher, dataset=wildcards.dataset,
                  shard=range(_teacher(wildcards).shards))


rule generate_traces:
    input:
        problems=PROBLEMS,
        model=lambda w: model_input(_teacher(w).model),
        prompt=lambda w: _teacher(w).prompt,
    output:
        TRACE_SHARD,
    params:
        spec=lambda w: jobs.teacher_job(STUDY, w.teacher, int(w.shard)),
    log:
        "logs/generate_traces/{teacher}/{dataset}/{shard}.log",
    benchmark:
        "benchmarks/generate_traces/{teacher}/{dataset}/{shard}.tsv"
    threads: lambda w: _teacher(w).threads
    resources:
        gpu=lambda w: _teacher(w).generation.gpus,
    conda:
        "../../envs/generate_traces.yaml"
    shell:
        "python -m styledistill.cli.generate_traces --spec {params.spec:q} --problems {input.problems}"
        " --model '{input.model}' --prompt {input.prompt} --out {output} --store " + REQUESTS +
        " --gpus {resources.gpu} --threads {threads} > {log} 2>&1"


rule merge_traces:
    input:
        _trace_shards,
    output:
        TRACES,
    params:
        spec=lambda w: jobs.spec_json("generate_traces"),
    log:
        "logs/merge_traces/{teacher}/{dataset}.log",
    conda:
        "../../envs/generate_traces.yaml"
    shell:
        "python -m styledistill.cli.generate_traces --merge {input} --out {output} > {log} 2>&1"
