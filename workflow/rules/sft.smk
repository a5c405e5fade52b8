# Stage train_sft: one fine-tuning job per student family x variant x training seed (x teacher x dataset). One process, or one per
# GPU (the recipe's `gpus`, requested as the `gpu` resource) or per CPU process (`processes`) through torchrun.


rule train_sft:
    input:
        examples=wiring.once_aligned(checkpoints, paths.VARIANT_TRAIN),
        model=lambda w: paths.MODEL.format(model=STUDY.families[w.family].model),
        recipe=lambda w: STUDY.families[w.family].recipe,
        recipe_files=lambda w: wiring.recipe_files(STUDY, w.family),
    output:
        directory(paths.SFT_MODEL),
    log:
        "logs/train_sft/{family}/{teacher}/{dataset}/{variant}/seed-{seed}.log",
    benchmark:
        "benchmarks/train_sft/{family}/{teacher}/{dataset}/{variant}/seed-{seed}.tsv"
    conda:
        "../../envs/train_sft.yaml"
    threads: lambda w: STUDY.families[w.family].threads
    resources:
        mem_mb=mem_mb("train_sft"),
        runtime=runtime("train_sft"),
        gpu=lambda w: wiring.sft_gpus(STUDY, w.family),
    params:
        spec=lambda w: specs.train_sft(STUDY, w.family, int(w.seed)),
        work_dir=lambda w: WORK.sft_job(w),
        launch=lambda w: wiring.sft_launcher(STUDY, w.family),
    shell:
        "{params.launch} styledistill.cli.train_sft --spec {params.spec:q} --examples {input.examples}"
        " --model {input.model} --recipe {input.recipe:q} --out {output}"
        " --work-dir {params.work_dir:q}"
        " --threads {threads} > {log} 2>&1"
