# itb-edu: two commands do all the set-up.
#   make lab    create .venv if needed, install the pinned environment, open the course
#   make test   the same set-up, then every check: ruff, unit tests, notebooks (nbval)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.itb-edu-installed
PORT ?= 8888
LAB_ARGS ?=
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
NOTEBOOKS ?= $(sort $(wildcard notebooks/*.ipynb))
APP_PORT ?= 8866
APP_ARGS ?=
LOADTEST_ARGS ?=

.PHONY: help lab app test unit typecheck lint format notebooks handouts answer-key bench loadtest room-rehearsal system-deps lock clean-venv

help:
	@echo "make lab        open the course in JupyterLab (sets up .venv on first run)"
	@echo "make test       run every check: ruff, mypy, unit tests, doctests, notebooks (nbval), browser"
	@echo "make unit       the fast edit-test loop: unit tests and doctests, no browser, no notebooks"
	@echo "make typecheck  mypy (strict on the domain layer)"
	@echo "make app        serve the course as a code-free app with Voilà (127.0.0.1, token)"
	@echo "make app LAN=1  the same on the local network, for a live room from a laptop (token on)"
	@echo "make notebooks  re-execute the notebooks and store their outputs"
	@echo "make handouts   write static HTML handouts (figures visible) to handouts/"
	@echo "make answer-key write the class question sheet and the answer key to handouts/"
	@echo "make bench      print the speed benchmarks"
	@echo "make loadtest   30 learners open the simulator within 3 s (classroom pool); p95 < 10 s"
	@echo "make room-rehearsal  a two-vote live room with 30 learners' pages in chromium"
	@echo "make lock       rewrite constraints.txt from the installed environment"

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -e ".[course,test]"
	$(BIN)/python scripts/lab_settings.py
	@touch $(STAMP)

system-deps:
	@bash scripts/ensure_chromium.sh
	@bash scripts/ensure_postgresql.sh

# etc/lab/jupyter_server_config.py: no Nagle delay on kernel websockets, plotly's widget
# bundle served once per page (see docs/classroom.md). Added to any JUPYTER_CONFIG_PATH.
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/etc/lab$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
		--ServerApp.root_dir=$(CURDIR) $(ROOT_FLAG) \
		--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb $(LAB_ARGS)

# Voilà refuses --allow-root (and runs as root without it); etc/voila.json holds the room
# settings: preheated kernels, idle culling, a cap on kernels (see docs/classroom.md).
# LAN=1 is the explicit opt-in for a live room from a laptop (docs/live-room.md): listen on the
# local network instead of loopback; the token stays on, and the join link carries it.
APP_IP := $(if $(filter 1,$(LAN)),0.0.0.0,127.0.0.1)
# Configuration folders, the first wins: "etc/room etc" pre-heats 30 join pages for a live room,
# "etc/classroom etc" 30 simulator pages (docs/classroom.md, docs/live-room.md).
APP_CONFIG ?= etc
app: $(STAMP)
	@$(if $(filter 1,$(LAN)),echo "LAN=1: listening on the local network (token on). Stop the server when the class ends.",true)
	$(BIN)/voila notebooks/ --no-browser --token --Voila.ip=$(APP_IP) --port=$(APP_PORT) \
		--Voila.port_retries=0 $(foreach dir,$(APP_CONFIG),--Voila.config_file_paths=$(dir)) $(APP_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts notebooks
	$(BIN)/ruff format --check src tests scripts notebooks

format: $(STAMP)
	$(BIN)/ruff format src tests scripts notebooks
	$(BIN)/ruff check --fix src tests scripts notebooks

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) system-deps lint typecheck
	$(BIN)/python -m pytest tests notebooks src/itb_edu --doctest-modules --nbval-lax \
		--nbval-sanitize-with tests/nbval_sanitize.cfg

# No browser, no notebook, no fresh venv or server: under a minute on 2 cores.
unit: $(STAMP)
	$(BIN)/python -m pytest tests src/itb_edu --doctest-modules --ignore=tests/browser \
		-m "not browser and not slow" -q

notebooks: $(STAMP)
	$(BIN)/python scripts/run_notebooks.py $(NOTEBOOKS)

handouts: $(STAMP)
	$(BIN)/python scripts/make_handouts.py $(NOTEBOOKS)

answer-key: $(STAMP)
	$(BIN)/python scripts/answer_key.py

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

# The classroom layer (etc/classroom: a pool of 30 pre-heated kernels) over the room
# configuration; fails if the 95th percentile time to interactive exceeds 10 s.
loadtest: $(STAMP)
	$(BIN)/python scripts/load_test.py --config etc/classroom --config etc $(LOADTEST_ARGS)

# A two-vote round with 30 learners' pages in chromium, end to end (docs/live-room.md).
room-rehearsal: $(STAMP) system-deps
	$(BIN)/python scripts/room_rehearsal.py $(REHEARSAL_ARGS)

lock: $(STAMP)
	{ echo "# Full lock of every package the course environment installs (direct pins live in pyproject.toml)."; \
	  echo "# Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt

clean-venv:
	rm -rf $(VENV)
