# Stage prepare_model: every model the study uses, as a plain Hugging Face directory.


def _tokenizer_source(wildcards):
    model = STUDY.models[wildcards.model]
    return [MODEL.format(model=model.tokenizer_from)] if model.source == "random" else []


rule prepare_model:
    input:
        tokenizer=_tokenizer_source,
    output:
        directory(MODEL),
    params:
        spec=lambda w: jobs.model_job(STUDY, w.model),
    log:
        "logs/prepare_model/{model}.log",
    benchmark:
        "benchmarks/prepare_model/{model}.tsv"
    threads: 2
    conda:
        "../../envs/prepare_model.yaml"
    shell:
        "python -m styledistill.cli.prepare_model --spec {params.spec:q} --out {output}"
        " --tokenizer-from '{input.tokenizer}' --cache-dir " + MODEL_CACHE + " --threads {threads} > {log} 2>&1"
