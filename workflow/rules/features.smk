# Stage extract_features: style features of every graded trace, and the style profile of the correct ones.


rule extract_features:
    input:
        "results/traces/{teacher}/{dataset}/graded.parquet",
    output:
        features="results/features/{teacher}/{dataset}/features.parquet",
        profile="results/features/{teacher}/{dataset}/style_profile.json",
    params:
        spec=_features_spec,
    log:
        "logs/extract_features/{teacher}/{dataset}.log",
    benchmark:
        "benchmarks/extract_features/{teacher}/{dataset}.tsv"
    threads: config["features"]["threads"]
    conda:
        "../../envs/extract_features.yaml"
    shell:
        "python -m styledistill.cli.extract_features --spec {params.spec:q} --traces {input}"
        " --features {output.features} --profile {output.profile} --threads {threads} > {log} 2>&1"
