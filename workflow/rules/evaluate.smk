# Stage evaluate: base and fine-tuned students answer each benchmark; graded and scored.


def _eval_spec(wildcards):
    variant = wildcards.get("variant", "base")
    labels = {"family": wildcards.family, "benchmark": wildcards.benchmark, "variant": variant,
              "teacher": wildcards.get("teacher", ""), "dataset": wildcards.get("dataset", "")}
    return jobs.eval_job(STUDY, wildcards.family, wildcards.benchmark, labels)


def _eval_problems(wildcards):
    return PROBLEMS.format(dataset=STUDY.benchmarks[wildcards.benchmark].dataset)


rule evaluate_base:
    input:
        problems=_eval_problems,
        model=lambda w: MODEL.format(model=STUDY.families[w.family].model),
    output:
        samples=EVAL_BASE + "/samples.parquet",
        scores=EVAL_BASE + "/scores.json",
    params:
        spec=_eval_spec,
    log:
        "logs/evaluate/{family}/base/{benchmark}.log",
    benchmark:
        "benchmarks/evaluate/{family}/base/{benchmark}.tsv"
    threads: lambda w: STUDY.families[w.family].threads
    resources:
        gpu=lambda w: STUDY.family_generation(w.family, w.benchmark).gpus,
    conda:
        "../../envs/evaluate.yaml"
    shell:
        "python -m styledistill.cli.evaluate --spec {params.spec:q} --problems {input.problems}"
        " --model {input.model} --out {output.samples} --scores {output.scores} --store " + REQUESTS +
        " --gpus {resources.gpu} --threads {threads} > {log} 2>&1"


use rule evaluate_base as evaluate_sft with:
    input:
        problems=_eval_problems,
        model=SFT_MODEL,
    output:
        samples=EVAL_SFT + "/samples.parquet",
        scores=EVAL_SFT + "/scores.json",
    log:
        "logs/evaluate/{family}/{teacher}/{dataset}/{variant}/{benchmark}.log",
    benchmark:
        "benchmarks/evaluate/{family}/{teacher}/{dataset}/{variant}/{benchmark}.tsv"
