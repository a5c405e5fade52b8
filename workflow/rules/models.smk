# Stage prepare_model: every model the study uses, as a plain Hugging Face directory.


rule prepare_model:
    input:
        tokenizer=_tokenizer_source,
    output:
        directory("results/models/{model}"),
    params:
        spec=_model_spec,
    log:
        "logs/prepare_model/{model}.log",
    benchmark:
        "benchmarks/prepare_model/{model}.tsv"
    threads: 2
    conda:
        "../../envs/prepare_model.yaml"
    shell:
        "python -m styledistill.cli.prepare_model --spec {params.spec:q} --out {output}"
        " --tokenizer-from '{input.tokenizer}' --cache-dir work/cache/models --threads {threads} > {log} 2>&1"
