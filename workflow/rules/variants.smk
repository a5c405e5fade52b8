# Stage build_variants: each variant built from the ST set, then aligned to the same problems.


rule make_variant:
    input:
        unpack(_variant_inputs),
    output:
        "results/variants/{teacher}/{dataset}/raw/{variant}.parquet",
    params:
        spec=_variant_spec,
        generator_args=_variant_args,
    log:
        "logs/make_variant/{teacher}/{dataset}/{variant}.log",
    benchmark:
        "benchmarks/make_variant/{teacher}/{dataset}/{variant}.tsv"
    threads: lambda w: generator_cfg(w)["threads"] if "generator" in variant_cfg(w) else 1
    resources:
        gpu=generator_gpus,
    conda:
        "../../envs/build_variants.yaml"
    shell:
        "python -m styledistill.cli.build_variants --threads {threads} make --spec {params.spec:q}"
        " --variant {wildcards.variant} --st {input.st} {params.generator_args} --store work/requests"
        " --gpus {resources.gpu}"
        " --out {output} > {log} 2>&1"


rule align_variants:
    input:
        expand("results/variants/{{teacher}}/{{dataset}}/raw/{variant}.parquet", variant=STUDY["variants"]),
    output:
        train=expand("results/variants/{{teacher}}/{{dataset}}/{variant}/train.parquet", variant=STUDY["variants"]),
        summary="results/variants/{teacher}/{dataset}/alignment.json",
    params:
        spec=lambda w: spec_json("build_variants", **config["build_variants"]),
    log:
        "logs/align_variants/{teacher}/{dataset}.log",
    conda:
        "../../envs/build_variants.yaml"
    shell:
        "python -m styledistill.cli.build_variants align --spec {params.spec:q} --raw {input}"
        " --out {output.train} --summary {output.summary} > {log} 2>&1"
