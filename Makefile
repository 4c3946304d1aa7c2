# Set-up is part of every target: a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run test lint bench eval corpus clean

# Extras to install: Ray is left out (a 1 GB install) unless asked for, e.g. `make test EXTRAS=test,ray`
# (.ci/run does, so CI tests the Ray engine); each set of extras has its own stamp.
EXTRAS ?= test
comma := ,
STAMP := $(BIN)/.installed-$(subst $(comma),-,$(EXTRAS))

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[$(EXTRAS)]'
	touch $@

install: $(STAMP)

run: install
	$(BIN)/vnplan batch corpus --out outputs

test: install
	$(BIN)/ruff check extractor models tests scripts
	$(BIN)/mypy
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check extractor models tests scripts
	$(BIN)/mypy

eval: install
	$(BIN)/vnplan eval --gold tests/gold corpus

bench: install
	$(BIN)/vnplan bench

corpus: install
	$(BIN)/python scripts/make_corpus.py

clean:
	rm -rf $(VENV) outputs/*.json
