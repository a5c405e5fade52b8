# Stage build_st: correct teacher traces, one per problem (SmolTraces).


rule build_st:
    input:
        "results/traces/{teacher}/{dataset}/graded.parquet",
    output:
        "results/st/{teacher}/{dataset}/st.parquet",
    params:
        spec=lambda w: spec_json("build_st", **config["build_st"]),
    log:
        "logs/build_st/{teacher}/{dataset}.log",
    conda:
        "../../envs/build_st.yaml"
    shell:
        "python -m styledistill.cli.build_st --spec {params.spec:q} --graded {input} --out {output} > {log} 2>&1"
