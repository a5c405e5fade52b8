# Stage generate_traces: the teacher answers the seed problems, n samples each, in `shards` parallel jobs that share
# the request store; merge_traces joins them.


rule generate_traces:
    input:
        problems=paths.PROBLEMS,
        model=lambda w: wiring.model_input(STUDY, STUDY.teachers[w.teacher].model),
        prompt=lambda w: STUDY.teachers[w.teacher].prompt,
    output:
        paths.TRACE_SHARD,
    params:
        spec=lambda w: jobs.teacher_job(STUDY, w.teacher, int(w.shard)),
        store=WORK.requests,
    log:
        "logs/generate_traces/{teacher}/{dataset}/{shard}.log",
    benchmark:
        "benchmarks/generate_traces/{teacher}/{dataset}/{shard}.tsv"
    threads: lambda w: STUDY.teachers[w.teacher].threads
    resources:
        gpu=lambda w: STUDY.teachers[w.teacher].generation.gpus,
    conda:
        "../../envs/generate_traces.yaml"
    shell:
        "python -m styledistill.cli.generate_traces --spec {params.spec:q} --problems {input.problems}"
        " --model '{input.model}' --prompt {input.prompt:q} --out {output} --store {params.store:q}"
        " --gpus {resources.gpu} --threads {threads} > {log} 2>&1"


rule merge_traces:
    input:
        lambda w: wiring.trace_shards(STUDY, w),
    output:
        paths.TRACES,
    params:
        spec=lambda w: jobs.spec_json("generate_traces"),
    log:
        "logs/merge_traces/{teacher}/{dataset}.log",
    conda:
        "../../envs/generate_traces.yaml"
    shell:
        "python -m styledistill.cli.generate_traces --merge {input} --out {output} > {log} 2>&1"
