# Two entry points: `make demo` (the whole study on the embedded CPU default) and `make test`.
# Both create .venv/ if missing and install into it: CPU torch first (an unpinned torch pulls a CUDA build).

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.styledistill-installed
CORES ?= all
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: demo test install report clean

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

test: $(STAMP)
	pytest

report: $(STAMP)
	snakemake --report results/report.html

clean:
	rm -rf results logs benchmarks .snakemake
