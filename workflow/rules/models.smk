# Stage prepare_model: every model the study uses, as a plain Hugging Face directory. A hub model's files are
# downloaded first (download_model: nothing loaded, so it may run on the submitting host when compute nodes have
# no internet; resources.downloads_on_submit_host), then read without the network.


rule download_model:
    output:
        paths.MODEL_DOWNLOAD,
    log:
        "logs/download_model/{model}.log",
    benchmark:
        "benchmarks/download_model/{model}.tsv"
    localrule: STUDY.resources.downloads_on_submit_host
    conda:
        "../../envs/download_model.yaml"
    threads: 1
    resources:
        mem_mb=mem_mb("download_model"),
        runtime=runtime("download_model"),
    params:
        spec=lambda w: specs.download_model(STUDY, w.model),
        cache=WORK.model_cache,
    shell:
        "python -m styledistill.cli.download_model --spec {params.spec:q} --out {output}"
        " --cache-dir {params.cache:q} > {log} 2>&1"


rule prepare_model:
    input:
        tokenizer=lambda w: wiring.tokenizer_source(STUDY, w),
        download=lambda w: wiring.model_download(STUDY, w),
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
        " --tokenizer-from '{input.tokenizer}' --download '{input.download}' --cache-dir {params.cache:q}"
        " --threads {threads} > {log} 2>&1"
