# Stage build_st: correct teacher traces, one per problem (SmolTraces).


rule build_st:
    input:
        paths.GRADED,
    output:
        paths.ST,
    log:
        "logs/build_st/{teacher}/{dataset}.log",
    conda:
        "../../envs/build_st.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("build_st"),
        runtime=runtime("build_st"),
    params:
        spec=lambda w: specs.build_st(STUDY),
    shell:
        "python -m styledistill.cli.build_st --spec {params.spec:q} --graded {input} --out {output} > {log} 2>&1"
