# Two entry points: `make demo` (the whole study on the embedded CPU default) and `make test`.
# Both create .venv/ if missing and install into it: CPU torch first (an unpinned torch pulls a CUDA build).

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.styledistill-installed
# vLLM on CPU needs its own virtualenv (its pins differ from ours); the vllm tests skip, with the reason, without it.
VLLM_VENV ?= .venv-vllm
CORES ?= all
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: demo test test-fast lint install lock vllm-env browser report clean

install: $(STAMP)

# constraints.txt holds every other package at the version the tests last passed with, so a fresh install next
# month computes what this one did (a new release of a transitive dependency is not taken unasked).
define VENV_WITH_CPU_TORCH
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
endef

$(STAMP): pyproject.toml constraints.txt
	$(VENV_WITH_CPU_TORCH)
	$(PY) -m pip install -q -c constraints.txt -e '.[all]'
	touch $(STAMP)

# After a pin in pyproject.toml changes: install without the old lock and write the new one (then make test).
lock:
	$(VENV_WITH_CPU_TORCH)
	$(PY) -m pip install -q -e '.[all]'
	{ echo "# Written by make lock: every package of '.[all]' at the version installed (torch: pyproject.toml)."; \
	  $(PY) -m pip freeze --exclude-editable --exclude torch; } > constraints.txt
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

# Lint: ruff on the Python, snakefmt on the rules, and the generated reference pages current (settings in pyproject).
lint: $(STAMP)
	ruff check .
	snakefmt --check Snakefile workflow/rules
	python -m styledistill.reference --check

# The quick tests on both cores, then those that run models and workflows, two test files at a time: each of them
# uses both cores in bursts but waits much of its time (job start-up, sbatch, servers, sleeps in fault tests), and a
# file's module fixtures (the tiny study) stay in one process (--dist loadfile).
test: $(STAMP) lint vllm-env browser
	pytest -n 2 -m "not slow and not model and not slurm and not multiprocess"
	pytest -n 2 --dist loadfile --durations=25 -m "slow or model or slurm or multiprocess"

# The quick loop while developing (under three minutes): lint, then every test that needs no model and runs no
# workflow for real -- unit tests, the CLIs on small fixtures, dry runs and the bad-input suites. Markers pick them
# (`model` is set by the model fixtures); select the others with `pytest -m model`, `-m slow`, `-m slurm`,
# `-m multiprocess`.
test-fast: lint
	pytest -q -n 2 -m "not slow and not model and not slurm and not multiprocess"

report: $(STAMP)
	snakemake --report results/report.html

clean:
	rm -rf results logs benchmarks .snakemake
