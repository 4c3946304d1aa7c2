# Set-up is part of every target: a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run test lint bench eval corpus clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[test,ray]'
	touch $@

install: $(BIN)/.installed

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
