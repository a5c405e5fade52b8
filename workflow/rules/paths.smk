# Every path the workflow writes, in one place. Results mirror lineage, upstream first; logs and benchmarks mirror
# results under logs/<rule>/ and benchmarks/<rule>/; restartable state lives under the `work` root.

WORK = STUDY.workflow.work
REQUESTS = f"{WORK}/requests"  # the finished-request store every generating job shares
MODEL_CACHE = f"{WORK}/cache/models"  # downloaded wheels and GGUF files
SFT_WORK = WORK + "/sft/{family}/{teacher}/{dataset}/{variant}"  # checkpoints of one training job

MODEL = "results/models/{model}"
PROBLEMS = "results/problems/{dataset}/problems.parquet"
TRACE_SHARD = "results/traces/{teacher}/{dataset}/shards/{shard}.parquet"
TRACES = "results/traces/{teacher}/{dataset}/traces.parquet"
GRADED = "results/traces/{teacher}/{dataset}/graded.parquet"
ST = "results/st/{teacher}/{dataset}/st.parquet"
FEATURES = {name: f"results/features/{{teacher}}/{{dataset}}/{leaf}" for name, leaf in [
    ("features", "features.parquet"), ("profile", "style_profile.json"), ("stats", "stats.csv"),
    ("stats_md", "stats.md"), ("plots", "plots")]}
VARIANT_RAW = "results/variants/{teacher}/{dataset}/raw/{variant}.parquet"
VARIANT_TRAIN = "results/variants/{teacher}/{dataset}/{variant}/train.parquet"
ALIGNMENT = "results/variants/{teacher}/{dataset}/alignment.json"
SFT_MODEL = "results/sft/{family}/{teacher}/{dataset}/{variant}/model"
EVAL_BASE = "results/eval/{family}/base/{benchmark}"
EVAL_SFT = "results/eval/{family}/{teacher}/{dataset}/{variant}/{benchmark}"
SUMMARY = {name: f"results/summary/{leaf}" for name, leaf in [
    ("csv", "scores.csv"), ("markdown", "scores.md"), ("plot", "scores.png")]}


def model_input(model):
    """The prepared model directory a job reads; none for an API model."""
    return [] if STUDY.is_api(model) else MODEL.format(model=model)


def all_scores():
    base = expand(EVAL_BASE + "/scores.json", family=STUDY.study.families, benchmark=STUDY.study.benchmarks)
    tuned = expand(EVAL_SFT + "/scores.json", family=STUDY.study.families, teacher=STUDY.study.teachers,
                   dataset=STUDY.study.datasets, variant=STUDY.study.variants, benchmark=STUDY.study.benchmarks)
    return base + tuned
