# mcr-analysis: every target documents itself; `make help` lists them.
# Needs only Python (3.11, 3.12 or 3.13) and make: the virtual environment is created on
# demand and installed from the exact, hashed pins of requirements/py3XX.lock, the lock
# of the Python in use (PYTHON=python3.13 make ... picks another one).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PYVER  := $(shell $(PYTHON) -c 'import sys; print("py-%d.%d" % sys.version_info[:2])' 2>/dev/null | sed -n 's/^py-//p')
LOCK   := requirements/py$(subst .,,$(PYVER)).lock
STAMP  := $(VENV)/.installed-$(PYVER)
# The supported Pythons: one lock each (tests/test_environment.py checks them against pyproject.toml).
LOCKED := 3.11 3.12 3.13
KERNEL := mcr-analysis
comma  := ,
UV     := uv==0.13.9
AXIS   ?= seguridad_alimentaria
ROUND  ?=
# LANG is also the locale of the environment (en_US.UTF-8...): only LANG=xx on make's command line
# chooses the brief's language, and mcr brief rejects one it does not support.
BRIEF_LANG := $(if $(filter command line,$(origin LANG)),$(LANG),es)
# On a terminal pip shows its own progress bars; elsewhere (CI, logs) one line per stage.
# QUIET=1 silences pip and the progress of mcr.
PIP_QUIET := $(if $(and $(shell test -t 2 && echo tty),$(if $(QUIET),,tty)),,--quiet)
Q      := $(if $(QUIET),--quiet,)

export PYTHONHASHSEED := 0
export SOURCE_DATE_EPOCH ?= 1735689600
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.DEFAULT_GOAL := help
.PHONY: help install appendix ingest scores figures test test-install notebooks brief lab bench lock sample clean

help: ## Show this list of targets
	@grep -hE '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

# The stamp is named for the Python: a .venv made by another Python has no such stamp, and
# neither has one left half-installed (the stamp is removed first and written last), so
# both are rebuilt from scratch; a lock newer than the stamp updates the .venv in place.
$(STAMP): $(LOCK) pyproject.toml
	@if [ -f $(STAMP) ] && $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != ($(subst .,$(comma),$(PYVER))))' 2>/dev/null; then \
	  echo "make: $(LOCK) or pyproject.toml changed: updating $(VENV)" >&2; rm -f $(STAMP); \
	else \
	  if [ -e $(VENV) ]; then echo "make: $(VENV) was made by another Python or left half-installed: rebuilding it with Python $(PYVER)" >&2; fi; \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); \
	fi
	@echo "make: [1/3] installing the pinned environment of $(LOCK) into $(VENV) (about two minutes the first time)" >&2
	@$(BIN)/python -m pip install $(PIP_QUIET) --disable-pip-version-check --require-hashes --no-deps -r $(LOCK)
	@echo "make: [2/3] installing mcr-analysis itself (editable)" >&2
	@$(BIN)/python -m pip install $(PIP_QUIET) --disable-pip-version-check --no-deps --no-build-isolation -e .
	@echo "make: [3/3] registering the Jupyter kernel '$(KERNEL)' inside $(VENV)" >&2
	@$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (mcr-analysis)" >/dev/null
	@# The kernel logs nothing below CRITICAL: no notice about its local TCP sockets on the terminal.
	@$(BIN)/python -c 'import json, pathlib, sys; p = pathlib.Path(sys.prefix, "share/jupyter/kernels/$(KERNEL)/kernel.json"); k = json.loads(p.read_text()); k["argv"] = [a for a in k["argv"] if not a.startswith("--IPKernelApp.log_level")] + ["--IPKernelApp.log_level=CRITICAL"]; p.write_text(json.dumps(k, indent=1) + "\n")'
	@touch $(STAMP)


requirements/py.lock:
	@echo "make: '$(PYTHON)' does not run; set PYTHON=python3.X, one of: $(LOCKED)" >&2; exit 2

requirements/py%.lock:
	@echo "make: Python $(PYVER) is not supported (no $@); set PYTHON=python3.X, one of: $(LOCKED)" >&2; exit 2

install: $(STAMP) ## Create .venv (if missing or made by another Python) and install the pinned environment

ingest: $(STAMP) ## Load data/raw/ into data/processed/ (tidy, rejects, report)
	$(BIN)/mcr ingest data/raw --out data/processed $(Q)

scores: ingest ## Convergence scores into data/processed/
	$(BIN)/mcr scores --tidy data/processed/mcr_tidy.csv --out data/processed $(Q)

figures: scores ## Appendix diagrams into figures/appendix/
	$(BIN)/mcr appendix --tidy data/processed/mcr_tidy.csv --out figures/appendix $(Q)

appendix: figures ## The main job: ingest, scores and the appendix diagrams

test: $(STAMP) ## Run the whole test suite (unit, doctests, README, notebooks with strict nbval)
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --nbval --nbval-current-env notebooks/

test-install: $(STAMP) ## Slow check: pip install into a fresh venv, then mcr init/ingest/scores/appendix/brief in an empty folder
	$(BIN)/python -m pytest -m slow tests/test_install.py

notebooks: $(STAMP) ## Re-execute every notebook in place with the project's kernel, refreshing the stored outputs (commit them)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=$(KERNEL) \
	  --ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.record_timing=False notebooks/*.ipynb

brief: $(STAMP) ## Seminar brief of one axis as HTML in figures/briefs/ (AXIS=id, ROUND=latest, LANG=es|en)
	$(BIN)/mcr brief --axis $(AXIS) $(if $(ROUND),--round $(ROUND)) --lang $(BRIEF_LANG) $(Q)

lab: $(STAMP) ## Start JupyterLab from the project's environment (kernel "mcr-analysis"), in notebooks/ (LAB_ARGS=--no-browser...)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: $(STAMP) ## Benchmarks of issue 6 (not part of make test; about 20 min): benchmarks/results.md and results.csv
	$(BIN)/python benchmarks/run.py --hostile large

lock: ## Re-resolve requirements/py3XX.lock (newest versions, hashed) and environment.yml from pyproject.toml (needs the registry)
	@echo "make: installing $(UV) into .venv-lock" >&2
	@rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	@.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check $(UV)
	@.venv-lock/bin/python requirements/build_requires.py > .venv-lock/build.in
	@for v in $(LOCKED); do \
	  echo "make: resolving requirements/py$$(echo $$v | tr -d .).lock for Python $$v" >&2; \
	  { echo "# Exact, hashed pins for Python $$v: every package of mcr-analysis[dev] and the build backend."; \
	    echo "# Regenerate with 'make lock' (uv pip compile pyproject.toml --extra dev --universal"; \
	    echo "# --fork-strategy fewest --python-version $$v --generate-hashes); the Makefile installs it."; \
	    .venv-lock/bin/uv pip compile --quiet pyproject.toml .venv-lock/build.in --extra dev --universal \
	      --fork-strategy fewest --python-version $$v --generate-hashes --no-header; \
	  } > requirements/py$$(echo $$v | tr -d .).lock.new || exit 1; \
	  mv requirements/py$$(echo $$v | tr -d .).lock.new requirements/py$$(echo $$v | tr -d .).lock; \
	done
	@.venv-lock/bin/python requirements/update_environment.py
	@rm -rf .venv-lock
	@echo "make: locks and environment.yml updated; 'make test' reinstalls .venv and checks them (CI: both Pythons)" >&2

sample: $(STAMP) ## Rebuild the illustrative sample workbooks in data/raw/2024 from data/external (on purpose only)
	$(BIN)/python data/external/build_sample.py data/raw/2024

clean: ## Remove generated outputs (never touches data/raw/)
	rm -rf data/processed/*.csv data/processed/*.parquet data/processed/*.md data/processed/*.xlsx figures/appendix figures/briefs
