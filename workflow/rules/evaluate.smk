# Stage evaluate: base and fine-tuned students answer each benchmark; graded and scored.


rule evaluate_base:
    input:
        problems=lambda w: wiring.eval_problems(STUDY, w),
        model=lambda w: paths.MODEL.format(model=STUDY.families[w.family].model),
    output:
        samples=paths.EVAL_BASE["samples"],
        scores=paths.EVAL_BASE["scores"],
        audit=paths.EVAL_BASE["audit"],
    log:
        "logs/evaluate/{family}/base/{benchmark}.log",
    benchmark:
        "benchmarks/evaluate/{family}/base/{benchmark}.tsv"
    conda:
        "../../envs/evaluate.yaml"
    threads: lambda w: STUDY.families[w.family].threads
    resources:
        mem_mb=mem_mb("evaluate_base"),
        runtime=runtime("evaluate_base"),
        gpu=lambda w: STUDY.family_generation(w.family, w.benchmark).gpus,
    params:
        spec=lambda w: specs.evaluate_base(STUDY, w.family, w.benchmark, wiring.eval_labels(w)),
        store=WORK.requests,
    shell:
        "python -m styledistill.cli.evaluate --spec {params.spec:q} --problems {input.problems}"
        " --model {input.model} --out {output.samples} --scores {output.scores} --audit {output.audit}"
        " --store {params.store:q}"
        " --gpus {resources.gpu} --threads {threads} > {log} 2>&1"


use rule evaluate_base as evaluate_sft with:
    input:
        problems=lambda w: wiring.eval_problems(STUDY, w),
        model=wiring.once_aligned(checkpoints, paths.SFT_MODEL),
    output:
        samples=paths.EVAL_SFT["samples"],
        scores=paths.EVAL_SFT["scores"],
        audit=paths.EVAL_SFT["audit"],
    log:
        "logs/evaluate/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/{benchmark}.log",
    benchmark:
        "benchmarks/evaluate/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/{benchmark}.tsv"
    resources:  # replaces evaluate_base's set as a whole
        mem_mb=mem_mb("evaluate_sft"),
        runtime=runtime("evaluate_sft"),
        gpu=lambda w: STUDY.family_generation(w.family, w.benchmark).gpus,
    params:
        spec=lambda w: specs.evaluate_sft(STUDY, w.family, w.benchmark, wiring.eval_labels(w)),
        store=WORK.requests,
