# Stage evaluate: base and fine-tuned students answer each benchmark; graded and scored.


rule evaluate_base:
    input:
        problems=lambda w: problems_file(config["benchmarks"][w.benchmark]["dataset"]),
        model=lambda w: model_dir(family_cfg(w)["model"]),
    output:
        samples="results/eval/{family}/base/{benchmark}/samples.parquet",
        scores="results/eval/{family}/base/{benchmark}/scores.json",
    params:
        spec=_eval_spec,
    log:
        "logs/evaluate/{family}/base/{benchmark}.log",
    benchmark:
        "benchmarks/evaluate/{family}/base/{benchmark}.tsv"
    threads: lambda w: family_cfg(w)["threads"]
    resources:
        gpu=eval_gpus,
    conda:
        "../../envs/evaluate.yaml"
    shell:
        "python -m styledistill.cli.evaluate --spec {params.spec:q} --problems {input.problems}"
        " --model {input.model} --out {output.samples} --scores {output.scores} --store work/requests"
        " --gpus {resources.gpu} --threads {threads} > {log} 2>&1"


use rule evaluate_base as evaluate_sft with:
    input:
        problems=lambda w: problems_file(config["benchmarks"][w.benchmark]["dataset"]),
        model="results/sft/{family}/{teacher}/{dataset}/{variant}/model",
    output:
        samples="results/eval/{family}/{teacher}/{dataset}/{variant}/{benchmark}/samples.parquet",
        scores="results/eval/{family}/{teacher}/{dataset}/{variant}/{benchmark}/scores.json",
    params:
        spec=lambda w: _eval_spec(w, w.variant),
    log:
        "logs/evaluate/{family}/{teacher}/{dataset}/{variant}/{benchmark}.log",
    benchmark:
        "benchmarks/evaluate/{family}/{teacher}/{dataset}/{variant}/{benchmark}.tsv"
