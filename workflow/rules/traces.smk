# Stage generate_traces: the teacher answers the seed problems, n samples each, in `shards` parallel jobs that share
# the request store; merge_traces joins them. Stage import_traces: a teacher of `source: import` reads its traces
# from a trace dataset instead. Stage simulate_traces: a teacher of `source: simulated` writes traces of a planted
# style (a simulator, not a model) and records what it planted.

MODEL_TEACHERS = _alternatives(STUDY.model_teachers)
IMPORTED_TEACHERS = _alternatives([t for t in STUDY.teachers if STUDY.imports(t)])
SIMULATED_TEACHERS = _alternatives([t for t in STUDY.teachers if STUDY.simulates(t)])


rule generate_traces:
    input:
        problems=lambda w: wiring.seed_problems(STUDY, w),
        model=lambda w: wiring.model_input(STUDY, STUDY.teachers[w.teacher].model),
        prompt=lambda w: STUDY.teachers[w.teacher].prompt,
    output:
        paths.TRACE_SHARD,
    log:
        "logs/generate_traces/{teacher}/{dataset}/{shard}.log",
    benchmark:
        "benchmarks/generate_traces/{teacher}/{dataset}/{shard}.tsv"
    wildcard_constraints:
        teacher=MODEL_TEACHERS,
    localrule: STUDY.resources.api_jobs_on_submit_host
    conda:
        "../../envs/generate_traces.yaml"
    threads: lambda w: STUDY.teachers[w.teacher].threads
    resources:
        mem_mb=mem_mb("generate_traces"),
        runtime=runtime("generate_traces"),
        api=lambda w: wiring.teacher_api(STUDY, w.teacher),
        gpu=lambda w: STUDY.teachers[w.teacher].generation.gpus,
    params:
        spec=lambda w: specs.generate_traces(STUDY, w.teacher, int(w.shard)),
        store=WORK.requests,
    shell:
        "python -m styledistill.cli.generate_traces generate --spec {params.spec:q} --problems {input.problems}"
        " --model '{input.model}' --prompt {input.prompt:q} --out {output} --store {params.store:q}"
        " --gpus {resources.gpu} --threads {threads} > {log} 2>&1"


rule merge_traces:
    input:
        lambda w: wiring.trace_shards(STUDY, w),
    output:
        paths.TRACES,
    log:
        "logs/merge_traces/{teacher}/{dataset}.log",
    wildcard_constraints:
        teacher=MODEL_TEACHERS,
    conda:
        "../../envs/generate_traces.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("merge_traces"),
        runtime=runtime("merge_traces"),
    params:
        spec=lambda w: specs.merge_traces(),
    shell:
        "python -m styledistill.cli.generate_traces merge --spec {params.spec:q} --shards {input} --out {output}"
        " > {log} 2>&1"


rule import_traces:
    input:
        problems=lambda w: wiring.seed_problems(STUDY, w),
        traces=lambda w: wiring.import_files(STUDY, w),
    output:
        traces=paths.TRACES,
        provenance=report(
            paths.IMPORT_PROVENANCE,
            caption="../report/import_provenance.rst",
            category="Teachers",
            subcategory="{teacher}/{dataset}",
        ),
    log:
        "logs/import_traces/{teacher}/{dataset}.log",
    wildcard_constraints:
        teacher=IMPORTED_TEACHERS,
    conda:
        "../../envs/import_traces.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("import_traces"),
        runtime=runtime("import_traces"),
    params:
        spec=lambda w: specs.import_traces(STUDY, w.teacher),
        cache=WORK.datasets_cache,
    shell:
        "python -m styledistill.cli.import_traces --spec {params.spec:q} --problems {input.problems}"
        " --out {output.traces} --provenance {output.provenance} --teacher {wildcards.teacher}"
        " --cache-dir {params.cache:q} > {log} 2>&1"


rule simulate_traces:
    input:
        problems=lambda w: wiring.seed_problems(STUDY, w),
    output:
        traces=paths.TRACES,
        planted=paths.PLANTED,
    log:
        "logs/simulate_traces/{teacher}/{dataset}.log",
    benchmark:
        "benchmarks/simulate_traces/{teacher}/{dataset}.tsv"
    wildcard_constraints:
        teacher=SIMULATED_TEACHERS,
    conda:
        "../../envs/simulate_traces.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("simulate_traces"),
        runtime=runtime("simulate_traces"),
    params:
        spec=lambda w: specs.simulate_traces(STUDY, w.teacher),
    shell:
        "python -m styledistill.cli.simulate_traces --spec {params.spec:q} --problems {input.problems}"
        " --out {output.traces} --planted {output.planted} > {log} 2>&1"
