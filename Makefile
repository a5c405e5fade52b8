# Two entry points: `make demo` (the whole study on the embedded CPU default) and `make test`.
# Both create .venv/ if missing and install into it: CPU torch first (an unpinned torch pulls a CUDA build).

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.styledistill-installed
# vLLM on CPU needs its own virtualenv (its pins differ from ours); the vllm tests skip, with the reason, without it.
VLLM_VENV ?= .venv-vllm
CORES ?= all
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: demo test test-fast install vllm-env browser report clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[all]'
	touch $(STAMP)

demo: $(STAMP)
	snakemake --profile profiles/local --cores $(CORES)
	snakemake --report results/report.html
	@echo; cat results/summary/scores.md; echo "plot: results/summary/scores.png  report: results/report.html"

vllm-env:
	test -e $(VLLM_VENV)/.styledistill-vllm-ok || scripts/build-vllm-env.sh $(VLLM_VENV) \
		|| echo "the vllm tests will skip: $$(cat $(VLLM_VENV)/FAILED)"

# Headless Chromium (Debian package) for the report's browser test; without it that test skips, saying why.
browser:
	scripts/install-chromium.sh

test: $(STAMP) vllm-env browser
	pytest

# The quick loop while developing: pure unit tests and the dry-run checks (about two minutes), none of the slow,
# SLURM or multi-process tests (select those with `pytest -m slurm`, `pytest -m multiprocess`, `pytest -m slow`).
test-fast: $(STAMP)
	pytest -q -m "not slow" tests/unit tests/workflow/test_static.py

report: $(STAMP)
	snakemake --report results/report.html

clean:
	rm -rf results logs benchmarks .snakemake
