# mcr-analysis: every target documents itself; `make help` lists them.
# Needs only Python 3.11+ and make: the virtual environment is created on demand
# and installed from the exact pins of requirements.lock.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
AXIS   ?= seguridad_alimentaria
ROUND  ?= 2024
LANG_  := $(if $(filter en,$(LANG)),en,es)

export PYTHONHASHSEED := 0
export SOURCE_DATE_EPOCH ?= 1735689600
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.DEFAULT_GOAL := help
.PHONY: help install appendix ingest scores figures test notebooks brief bench lock sample clean

help: ## Show this list of targets
	@grep -hE '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP) ## Create .venv (if missing) and install the pinned environment

ingest: $(STAMP) ## Load data/raw/ into data/processed/ (tidy, rejects, report)
	$(BIN)/python -m mcr_analysis ingest data/raw --out data/processed

scores: ingest ## Convergence scores into data/processed/
	$(BIN)/python -m mcr_analysis scores --tidy data/processed/mcr_tidy.csv --out data/processed

figures: scores ## Appendix diagrams into figures/appendix/
	$(BIN)/python -m mcr_analysis appendix --tidy data/processed/mcr_tidy.csv --out figures/appendix

appendix: figures ## The main job: ingest, scores and the appendix diagrams

test: $(STAMP) ## Run the whole test suite (unit, doctests, README, notebooks with strict nbval)
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --nbval --nbval-current-env notebooks/

notebooks: $(STAMP) ## Re-execute every notebook in place, refreshing the stored outputs (commit them)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=python3 \
	  --ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.record_timing=False notebooks/*.ipynb

brief: $(STAMP) ## Seminar brief of one axis as HTML in figures/briefs/ (AXIS=id, ROUND=2024, LANG=es|en)
	$(BIN)/python -m mcr_analysis.brief --axis $(AXIS) --round $(ROUND) --lang $(LANG_)

bench: $(STAMP) ## Benchmarks of issue 6 (not part of make test; about 20 min): benchmarks/results.md and results.csv
	$(BIN)/python benchmarks/run.py --hostile large

lock: ## Re-resolve requirements.lock from pyproject.toml (needs the package registry)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	{ sed -n '1,2p' requirements.lock; .venv-lock/bin/python -m pip freeze --all | grep -vE "^(-e|pip==|mcr-analysis|# Editable)"; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .venv-lock
	@echo "requirements.lock updated: now copy the direct pins into environment.yml (make test checks)"

sample: $(STAMP) ## Rebuild the illustrative sample workbooks in data/raw/2024 from data/external (on purpose only)
	$(BIN)/python data/external/build_sample.py data/raw/2024

clean: ## Remove generated outputs (never touches data/raw/)
	rm -rf data/processed/*.csv data/processed/*.parquet data/processed/*.md data/processed/*.xlsx figures/appendix figures/briefs
