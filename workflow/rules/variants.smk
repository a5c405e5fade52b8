# Stage build_variants: each variant built from its input (the ST set, or another variant's examples); the problems
# every variant built picked by a checkpoint; each variant's training set selected for them and published with a
# dataset card; the variants' styles compared with ST's.
#
# A variant's training set depends on its own examples and on the aligned problem ids (a file named by their digest,
# marked ancient), not on the alignment's time stamp; its consumers are evaluated after the checkpoint
# (wiring.once_aligned). So rebuilding one variant reruns only its own descendants when the aligned problems stay
# the same (a dry run cannot know that before the checkpoint has run).


rule make_variant:
    input:
        unpack(lambda w: wiring.variant_inputs(STUDY, w)),
    output:
        paths.VARIANT_RAW,
    log:
        "logs/make_variant/{teacher}/{dataset}/{variant}.log",
    benchmark:
        "benchmarks/make_variant/{teacher}/{dataset}/{variant}.tsv"
    localrule: STUDY.resources.api_jobs_on_submit_host
    conda:
        "../../envs/build_variants.yaml"
    threads: lambda w: wiring.variant_resources(STUDY, w.variant)[0]
    resources:
        mem_mb=mem_mb("make_variant"),
        runtime=runtime("make_variant"),
        api=lambda w: wiring.variant_api(STUDY, w.variant),
        gpu=lambda w: wiring.variant_resources(STUDY, w.variant)[1],
    params:
        spec=lambda w: specs.make_variant(STUDY, w.variant, w.dataset),
        files=lambda w, input: wiring.variant_args(input),
        store=WORK.requests,
    shell:
        "python -m styledistill.cli.build_variants --threads {threads} make --spec {params.spec:q}"
        " --variant {wildcards.variant} --input {input.input} {params.files} --store {params.store:q}"
        " --gpus {resources.gpu} --out {output} > {log} 2>&1"


checkpoint align_variants:
    input:
        raw=expand(paths.VARIANT_RAW, variant=STUDY.study.variants, allow_missing=True),
        problems=lambda w: wiring.seed_problems(STUDY, w),
        st=paths.ST,
    output:
        directory(paths.ALIGNMENT),
    log:
        "logs/align_variants/{teacher}/{dataset}.log",
    benchmark:
        "benchmarks/align_variants/{teacher}/{dataset}.tsv"
    conda:
        "../../envs/build_variants.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("align_variants"),
        runtime=runtime("align_variants"),
    params:
        spec=lambda w: specs.align_variants(STUDY),
    shell:
        "python -m styledistill.cli.build_variants align --spec {params.spec:q} --raw {input.raw}"
        " --problems {input.problems} --st {input.st} --out {output} > {log} 2>&1"


rule select_variant:
    input:
        raw=paths.VARIANT_RAW,
        problems=lambda w: wiring.aligned_problems(checkpoints, w),
    output:
        paths.VARIANT_TRAIN,
    log:
        "logs/select_variant/{teacher}/{dataset}/{variant}.log",
    benchmark:
        "benchmarks/select_variant/{teacher}/{dataset}/{variant}.tsv"
    conda:
        "../../envs/build_variants.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("select_variant"),
        runtime=runtime("select_variant"),
    params:
        spec=lambda w: specs.select_variant(STUDY, w.variant),
    shell:
        "python -m styledistill.cli.build_variants select --spec {params.spec:q} --raw {input.raw}"
        " --problems {input.problems}"
        " --out {output} > {log} 2>&1"


rule publish_variant:
    input:
        unpack(lambda w: wiring.publish_inputs(STUDY, w)),
        train=wiring.once_aligned(checkpoints, paths.VARIANT_TRAIN),
    output:
        directory(paths.VARIANT_PUBLISHED),
    log:
        "logs/publish_variant/{teacher}/{dataset}/{variant}.log",
    benchmark:
        "benchmarks/publish_variant/{teacher}/{dataset}/{variant}.tsv"
    conda:
        "../../envs/build_variants.yaml"
    threads: STUDY.features.threads
    resources:
        mem_mb=mem_mb("publish_variant"),
        runtime=runtime("publish_variant"),
    params:
        spec=lambda w: specs.publish_variant(STUDY, w),
        prompt=lambda w, input: f"--prompt {input.prompt}" if "prompt" in input.keys() else "",
        decontamination=lambda w, input: (
            f"--decontamination {input.decontamination}" if "decontamination" in input.keys() else ""
        ),
    shell:
        "python -m styledistill.cli.build_variants --threads {threads} publish --spec {params.spec:q}"
        " --variant {wildcards.variant}"
        " --train {input.train} --raw {input.raw} --st {input.st} --features {input.features}"
        " --profile {input.profile} {params.prompt}"
        " {params.decontamination}"
        " --out {output} > {log} 2>&1"


rule compare_variants:
    input:
        published=expand(paths.VARIANT_PUBLISHED, variant=STUDY.study.variants, allow_missing=True),
        alignment=paths.ALIGNMENT,
    output:
        csv=report(
            paths.COMPARISON["csv"],
            caption="../report/variants_table.rst",
            category="Variants",
            subcategory="{teacher}/{dataset}",
        ),
        markdown=paths.COMPARISON["markdown"],
        plot=report(
            paths.COMPARISON["plot"],
            caption="../report/variants_plot.rst",
            category="Variants",
            subcategory="{teacher}/{dataset}",
        ),
    log:
        "logs/compare_variants/{teacher}/{dataset}.log",
    benchmark:
        "benchmarks/compare_variants/{teacher}/{dataset}.tsv"
    conda:
        "../../envs/build_variants.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("compare_variants"),
        runtime=runtime("compare_variants"),
    params:
        spec=lambda w: specs.compare_variants(),
    shell:
        "python -m styledistill.cli.build_variants compare --spec {params.spec:q} --published {input.published}"
        " --alignment {input.alignment} --csv {output.csv} --markdown {output.markdown} --plot {output.plot}"
        " > {log} 2>&1"
