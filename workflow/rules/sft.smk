# Stage train_sft: one fine-tuning job per student family x variant (x teacher x dataset).


def _family(wildcards):
    return STUDY.families[wildcards.family]


rule train_sft:
    input:
        examples=VARIANT_TRAIN,
        model=lambda w: MODEL.format(model=_family(w).model),
        recipe=lambda w: _family(w).recipe,
    output:
        directory(SFT_MODEL),
    params:
        spec=lambda w: jobs.sft_job(STUDY, w.family),
        work_dir=SFT_WORK,
    log:
        "logs/train_sft/{family}/{teacher}/{dataset}/{variant}.log",
    benchmark:
        "benchmarks/train_sft/{family}/{teacher}/{dataset}/{variant}.tsv"
    threads: lambda w: _family(w).threads
    conda:
        "../../envs/train_sft.yaml"
    shell:
        "python -m styledistill.cli.train_sft --spec {params.spec:q} --examples {input.examples}"
        " --model {input.model} --recipe {input.recipe} --out {output} --work-dir {params.work_dir}"
        " --threads {threads} > {log} 2>&1"
