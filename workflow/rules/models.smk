# Stage prepare_model: every model the study uses, as a plain Hugging Face directory.


rule prepare_model:
    input:
        tokenizer=lambda w: wiring.tokenizer_source(STUDY, w),
    output:
        directory(paths.MODEL),
    log:
        "logs/prepare_model/{model}.log",
    benchmark:
        "benchmarks/prepare_model/{model}.tsv"
    conda:
        "../../envs/prepare_model.yaml"
    threads: 2
    resources:  # from the model's size (models/size.py), at least the rule's default
        mem_mb=lambda w, attempt: wiring.prepare_resources(STUDY, w.model, attempt).mem_mb,
        runtime=lambda w, attempt: wiring.prepare_resources(STUDY, w.model, attempt).runtime,
    params:
        spec=lambda w: specs.prepare_model(STUDY, w.model),
        cache=WORK.model_cache,
    shell:
        "python -m styledistill.cli.prepare_model --spec {params.spec:q} --out {output}"
        " --tokenizer-from '{input.tokenizer}' --cache-dir {params.cache:q} --threads {threads} > {log} 2>&1"
