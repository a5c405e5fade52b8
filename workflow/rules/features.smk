# Stage extract_features: style features of every graded trace, the style profile of the correct ones, and
# correct vs incorrect traces compared feature by feature (table, Markdown and figures in `snakemake --report`).


rule extract_features:
    input:
        paths.GRADED,
    output:
        features=paths.FEATURES["features"],
        profile=paths.FEATURES["profile"],
        stats=report(
            paths.FEATURES["stats"],
            caption="../report/features_stats.rst",
            category="Style",
            subcategory="{teacher}/{dataset}",
        ),
        stats_md=paths.FEATURES["stats_md"],
        plots=report(
            directory(paths.FEATURES["plots"]),
            patterns=["{name}.png"],
            caption="../report/features_plots.rst",
            category="Style",
            subcategory="{teacher}/{dataset}",
        ),
    log:
        "logs/extract_features/{teacher}/{dataset}.log",
    benchmark:
        "benchmarks/extract_features/{teacher}/{dataset}.tsv"
    conda:
        "../../envs/extract_features.yaml"
    threads: STUDY.features.threads
    resources:
        mem_mb=mem_mb("extract_features"),
        runtime=runtime("extract_features"),
    params:
        spec=lambda w: specs.extract_features(STUDY),
    shell:
        "python -m styledistill.cli.extract_features --threads {threads} measure --spec {params.spec:q}"
        " --traces {input}"
        " --features {output.features} --profile {output.profile} --stats {output.stats}"
        " --stats-md {output.stats_md} --plots {output.plots} --title {wildcards.teacher}/{wildcards.dataset}"
        " > {log} 2>&1"


rule discover_pivots:
    input:
        traces=paths.GRADED,
        reference=lambda w: wiring.discovery_reference(STUDY),
    output:
        csv=report(
            paths.FEATURES["candidates"],
            caption="../report/pivot_candidates.rst",
            category="Style",
            subcategory="{teacher}/{dataset}",
        ),
        markdown=paths.FEATURES["candidates_md"],
    log:
        "logs/discover_pivots/{teacher}/{dataset}.log",
    benchmark:
        "benchmarks/discover_pivots/{teacher}/{dataset}.tsv"
    conda:
        "../../envs/extract_features.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("discover_pivots"),
        runtime=runtime("discover_pivots"),
    params:
        spec=lambda w: specs.discover_pivots(STUDY),
    shell:
        "python -m styledistill.cli.extract_features discover --spec {params.spec:q} --traces {input.traces}"
        " --out {output.csv} > {log} 2>&1"


# Did the student copy the style? Every student's benchmark outputs measured against the teacher's ST profile: each
# tuned student (per training seed), and the base student (measure_base_style); the report gathers the summaries into
# the style-transfer table.
rule measure_student_style:
    input:
        samples=wiring.once_aligned(checkpoints, paths.EVAL_SFT["samples"]),
        profile=paths.FEATURES["profile"],
    output:
        features=paths.STUDENT_STYLE["features"],
        summary=paths.STUDENT_STYLE["summary"],
    log:
        "logs/measure_student_style/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/{benchmark}.log",
    benchmark:
        "benchmarks/measure_student_style/{family}/{teacher}/{dataset}/{variant}/seed-{seed}/{benchmark}.tsv"
    conda:
        "../../envs/extract_features.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("measure_student_style"),
        runtime=runtime("measure_student_style"),
    params:
        spec=lambda w: specs.measure_student_style(STUDY, wiring.eval_labels(w)),
    shell:
        "python -m styledistill.cli.extract_features students --spec {params.spec:q} --samples {input.samples}"
        " --profile {input.profile} --out {output.features} --summary {output.summary} > {log} 2>&1"


use rule measure_student_style as measure_base_style with:
    input:
        samples=paths.EVAL_BASE["samples"],
        profile=paths.FEATURES["profile"],
    output:
        features=paths.STUDENT_STYLE_BASE["features"],
        summary=paths.STUDENT_STYLE_BASE["summary"],
    log:
        "logs/measure_student_style/{family}/{teacher}/{dataset}/base/{benchmark}.log",
    benchmark:
        "benchmarks/measure_student_style/{family}/{teacher}/{dataset}/base/{benchmark}.tsv"
    resources:
        mem_mb=mem_mb("measure_base_style"),
        runtime=runtime("measure_base_style"),
    params:
        spec=lambda w: specs.measure_base_style(STUDY, wiring.eval_labels(w)),
