# Stage evaluate: base and fine-tuned students answer each benchmark; graded and scored. A benchmark of several
# `shards` is answered by answer_* jobs (a GPU each), which its evaluate job joins by index and grades. Prompted
# baselines (any model, untrained) answer each benchmark plainly (evaluate_prompted) and, with a style prompt, in each
# teacher's measured style (evaluate_styled).


rule answer_base:
    input:
        problems=lambda w: wiring.eval_problems(STUDY, w),
        model=lambda w: paths.MODEL.format(model=STUDY.families[w.family].model),
    output:
        paths.EVAL_BASE_SHARD,
    log:
        "logs/answer/{family}/base/{benchmark}/{shard}.log",
    benchmark:
        "benchmarks/answer/{family}/base/{benchmark}/{shard}.tsv"
    conda:
        "../../envs/evaluate.yaml"
    threads: lambda w: STUDY.families[w.family].threads
    resources:
        mem_mb=mem_mb("answer_base"),
        runtime=runtime("answer_base"),
        gpu=lambda w: STUDY.family_generation(w.family, w.benchmark).gpus,
    params:
        spec=lambda w: specs.answer("answer_base", STUDY, w.family, w.benchmark, int(w.shard)),
        store=WORK.requests,
    shell:
        "python -m styledistill.cli.evaluate answer --spec {params.spec:q} --problems {input.problems}"
        " --model {input.model} --out {output} --store {params.store:q}"
        " --gpus {resources.gpu} --threads {threads} > {log} 2>&1"


use rule answer_base as answer_sft with:
    input:
        problems=lambda w: wiring.eval_problems(STUDY, w),
        model=wiring.once_aligned(checkpoints, paths.SFT_MODEL),
    output:
        paths.EVAL_SFT_SHARD,
    log:
        "logs/answer/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/{benchmark}/{shard}.log",
    benchmark:
        "benchmarks/answer/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/{benchmark}/{shard}.tsv"
    resources:
        mem_mb=mem_mb("answer_sft"),
        runtime=runtime("answer_sft"),
        gpu=lambda w: STUDY.family_generation(w.family, w.benchmark).gpus,
    params:
        spec=lambda w: specs.answer("answer_sft", STUDY, w.family, w.benchmark, int(w.shard)),
        store=WORK.requests,


rule evaluate_base:
    input:
        problems=lambda w: wiring.eval_problems(STUDY, w),
        model=lambda w: paths.MODEL.format(model=STUDY.families[w.family].model),
        answers=lambda w: wiring.eval_shards(STUDY, w),
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
        gpu=lambda w: wiring.eval_gpus(STUDY, w),
    params:
        spec=lambda w: specs.evaluate_base(STUDY, w.family, w.benchmark, wiring.eval_labels(w)),
        store=WORK.requests,
    shell:
        "python -m styledistill.cli.evaluate score --spec {params.spec:q} --problems {input.problems}"
        " --model {input.model} --answers {input.answers} --out {output.samples} --scores {output.scores} --audit {output.audit}"
        " --store {params.store:q}"
        " --gpus {resources.gpu} --threads {threads} > {log} 2>&1"


use rule evaluate_base as evaluate_sft with:
    input:
        problems=lambda w: wiring.eval_problems(STUDY, w),
        model=wiring.once_aligned(checkpoints, paths.SFT_MODEL),
        answers=lambda w: wiring.eval_shards(STUDY, w),
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
        gpu=lambda w: wiring.eval_gpus(STUDY, w),
    params:
        spec=lambda w: specs.evaluate_sft(STUDY, w.family, w.benchmark, wiring.eval_labels(w)),
        store=WORK.requests,


rule evaluate_prompted:
    input:
        problems=lambda w: wiring.eval_problems(STUDY, w),
        model=lambda w: wiring.model_input(STUDY, STUDY.baselines[w.baseline].model),
    output:
        samples=paths.EVAL_PROMPTED["samples"],
        scores=paths.EVAL_PROMPTED["scores"],
        audit=paths.EVAL_PROMPTED["audit"],
    log:
        "logs/evaluate_prompted/{baseline}/plain/{benchmark}.log",
    benchmark:
        "benchmarks/evaluate_prompted/{baseline}/plain/{benchmark}.tsv"
    localrule: wiring.prompted_on_submit_host(STUDY)
    conda:
        "../../envs/evaluate.yaml"
    threads: lambda w: STUDY.baselines[w.baseline].threads
    resources:
        mem_mb=mem_mb("evaluate_prompted"),
        runtime=runtime("evaluate_prompted"),
        api=lambda w: wiring.baseline_api(STUDY, w.baseline),
        gpu=lambda w: STUDY.baseline_generation(w.baseline, w.benchmark).gpus,
    params:
        spec=lambda w: specs.evaluate_prompted(STUDY, w.baseline, w.benchmark, wiring.prompted_labels(STUDY, w)),
        store=WORK.requests,
        style="",
    shell:
        "python -m styledistill.cli.evaluate score --spec {params.spec:q} --problems {input.problems}"
        " --model '{input.model}' {params.style} --out {output.samples} --scores {output.scores}"
        " --audit {output.audit} --store {params.store:q} --gpus {resources.gpu} --threads {threads} > {log} 2>&1"


use rule evaluate_prompted as evaluate_styled with:
    input:
        problems=lambda w: wiring.eval_problems(STUDY, w),
        model=lambda w: wiring.model_input(STUDY, STUDY.baselines[w.baseline].model),
        style_prompt=lambda w: STUDY.baselines[w.baseline].style_prompt,
        profile=paths.FEATURES["profile"],
    output:
        samples=paths.EVAL_STYLED["samples"],
        scores=paths.EVAL_STYLED["scores"],
        audit=paths.EVAL_STYLED["audit"],
    log:
        "logs/evaluate_styled/{baseline}/{teacher}/{dataset}/{benchmark}.log",
    benchmark:
        "benchmarks/evaluate_styled/{baseline}/{teacher}/{dataset}/{benchmark}.tsv"
    localrule: wiring.prompted_on_submit_host(STUDY)
    resources:
        mem_mb=mem_mb("evaluate_styled"),
        runtime=runtime("evaluate_styled"),
        api=lambda w: wiring.baseline_api(STUDY, w.baseline),
        gpu=lambda w: STUDY.baseline_generation(w.baseline, w.benchmark).gpus,
    params:
        spec=lambda w: specs.evaluate_styled(STUDY, w.baseline, w.benchmark, wiring.prompted_labels(STUDY, w)),
        store=WORK.requests,
        style=lambda w, input: f"--style-prompt {shlex.quote(input.style_prompt)} --profile {shlex.quote(input.profile)}",
