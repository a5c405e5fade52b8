# Stage build_variants: each variant built from its input (the ST set, or another variant's examples), then all
# aligned to the same problems.


def _variant(wildcards):
    return STUDY.variants[wildcards.variant]


def _generator(wildcards):
    return STUDY.generators[_variant(wildcards).generator] if hasattr(_variant(wildcards), "generator") else None


def _variant_inputs(wildcards):
    variant = _variant(wildcards)
    where = {"teacher": wildcards.teacher, "dataset": wildcards.dataset}
    inputs = {"input": ST.format(**where) if variant.input is None
              else VARIANT_RAW.format(variant=variant.input, **where)}
    generator = _generator(wildcards)
    if generator is not None:
        if model_input(generator.model):  # an API generator has no model directory
            inputs["model"] = MODEL.format(model=generator.model)
        inputs["prompt"] = variant.prompt
        inputs["profile"] = FEATURES["profile"].format(**where)
    return inputs


def _generator_args(wildcards, input):
    return " ".join(f"--{name} {path}" for name, path in input.items() if name in ("model", "prompt", "profile"))


rule make_variant:
    input:
        unpack(_variant_inputs),
    output:
        VARIANT_RAW,
    params:
        spec=lambda w: jobs.variant_job(STUDY, w.variant),
        generator_args=_generator_args,
    log:
        "logs/make_variant/{teacher}/{dataset}/{variant}.log",
    benchmark:
        "benchmarks/make_variant/{teacher}/{dataset}/{variant}.tsv"
    threads: lambda w: _generator(w).threads if _generator(w) else 1
    resources:
        gpu=lambda w: _generator(w).generation.gpus if _generator(w) else 0,
    conda:
        "../../envs/build_variants.yaml"
    shell:
        "python -m styledistill.cli.build_variants --threads {threads} make --spec {params.spec:q}"
        " --variant {wildcards.variant} --input {input.input} {params.generator_args} --store " + REQUESTS +
        " --gpus {resources.gpu} --out {output} > {log} 2>&1"


rule align_variants:
    input:
        expand(VARIANT_RAW, variant=STUDY.study.variants, allow_missing=True),
    output:
        train=expand(VARIANT_TRAIN, variant=STUDY.study.variants, allow_missing=True),
        summary=ALIGNMENT,
    params:
        spec=lambda w: jobs.align_job(STUDY),
    log:
        "logs/align_variants/{teacher}/{dataset}.log",
    conda:
        "../../envs/build_variants.yaml"
    shell:
        "python -m styledistill.cli.build_variants align --spec {params.spec:q} --raw {input}"
        " --out {output.train} --summary {output.summary} > {log} 2>&1"
