# Stage build_variants: each variant built from its input (the ST set, or another variant's examples), then all
# aligned to the same problems.


rule make_variant:
    input:
        unpack(lambda w: wiring.variant_inputs(STUDY, w)),
    output:
        paths.VARIANT_RAW,
    params:
        spec=lambda w: jobs.variant_job(STUDY, w.variant),
        generator_args=lambda w, input: wiring.generator_args(input),
        store=WORK.requests,
    log:
        "logs/make_variant/{teacher}/{dataset}/{variant}.log",
    benchmark:
        "benchmarks/make_variant/{teacher}/{dataset}/{variant}.tsv"
    threads: lambda w: wiring.variant_resources(STUDY, w.variant)[0]
    resources:
        gpu=lambda w: wiring.variant_resources(STUDY, w.variant)[1],
    conda:
        "../../envs/build_variants.yaml"
    shell:
        "python -m styledistill.cli.build_variants --threads {threads} make --spec {params.spec:q}"
        " --variant {wildcards.variant} --input {input.input} {params.generator_args} --store {params.store:q}"
        " --gpus {resources.gpu} --out {output} > {log} 2>&1"


rule align_variants:
    input:
        expand(paths.VARIANT_RAW, variant=STUDY.study.variants, allow_missing=True),
    output:
        train=expand(paths.VARIANT_TRAIN, variant=STUDY.study.variants, allow_missing=True),
        summary=paths.ALIGNMENT,
    params:
        spec=lambda w: jobs.align_job(STUDY),
    log:
        "logs/align_variants/{teacher}/{dataset}.log",
    conda:
        "../../envs/build_variants.yaml"
    shell:
        "python -m styledistill.cli.build_variants align --spec {params.spec:q} --raw {input}"
        " --out {output.train} --summary {output.summary} > {log} 2>&1"
