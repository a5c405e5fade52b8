# Stage train_sft: one fine-tuning job per student family x variant (x teacher x dataset).


rule train_sft:
    input:
        examples="results/variants/{teacher}/{dataset}/{variant}/train.parquet",
        model=lambda w: model_dir(family_cfg(w)["model"]),
        recipe=lambda w: family_cfg(w)["recipe"],
    output:
        directory("results/sft/{family}/{teacher}/{dataset}/{variant}/model"),
    params:
        spec=_sft_spec,
    log:
        "logs/train_sft/{family}/{teacher}/{dataset}/{variant}.log",
    benchmark:
        "benchmarks/train_sft/{family}/{teacher}/{dataset}/{variant}.tsv"
    threads: lambda w: family_cfg(w)["threads"]
    conda:
        "../../envs/train_sft.yaml"
    shell:
        "python -m styledistill.cli.train_sft --spec {params.spec:q} --examples {input.examples}"
        " --model {input.model} --recipe {input.recipe} --out {output}"
        " --work-dir work/sft/{wildcards.family}/{wildcards.teacher}/{wildcards.dataset}/{wildcards.variant}"
        " --threads {threads} > {log} 2>&1"
