# Two-command set-up: `make run` and `make test`. Everything the project needs is installed from here.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: venv index run test eval bench clean browser

venv: $(STAMP)

# torch is pinned and installed first: an unpinned torch would pull gigabytes of CUDA packages.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

index: $(STAMP)
	$(BIN)/assistant ingest

run: index
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port 8501 --browser.gatherUsageStats false --server.headless true

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: install the Debian package 'chromium' (browser tests will be skipped)"; fi; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

eval: index
	$(BIN)/assistant eval retrieval

bench: $(STAMP)
	$(PY) bench/bench_ingest.py
	$(PY) bench/bench_retrieval.py
	$(PY) bench/bench_consult.py

clean:
	rm -rf $(VENV) .data
