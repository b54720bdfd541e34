# thrifthive's commands. The README's two: `make demo` and `make test`; both start with `make setup`.
#   setup  Debian packages, .venv, dev requirements, the extension built into .venv (scripts/setup.sh)
#   demo   thrifthive check over the examples' IDL, then the example hive (examples/hive)
#   test   lint, then every Rust test and every Python test
#   lint   rustfmt, clippy -D warnings, ruff (lint and format), mypy
#   bench  the IDL front end's benchmark (cargo bench), the codec's against its anchors, and
#          thrifthive gen's on 5,000 definitions
#   fuzz   the cargo-fuzz targets, FUZZ_SECONDS each (scripts/fuzz.sh)
#   clean  build outputs, .venv and stamps

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := demo

BIN := .venv/bin
# Every cargo command builds PyO3 against the venv's interpreter, the one the tests use.
export PYO3_PYTHON := $(CURDIR)/$(BIN)/python
# Python directories that exist (bench/ may not yet).
PY_DIRS := $(wildcard python tests bench examples)

.PHONY: setup demo test lint bench fuzz clean

setup:
	@scripts/setup.sh

demo: setup
	$(BIN)/thrifthive check examples/*.thrift examples/hive/*.thrift
	$(BIN)/python -m examples.hive

test: setup lint
	cargo test --workspace
	$(BIN)/python -m pytest

lint: setup
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(BIN)/ruff check $(PY_DIRS)
	$(BIN)/ruff format --check $(PY_DIRS)
	$(BIN)/mypy

bench: setup
	cargo bench -p thrifthive-idl
	$(BIN)/python -m bench.codec
	$(BIN)/python -m bench.gen

fuzz:
	scripts/fuzz.sh

clean:
	cargo clean
	rm -rf .venv .stamps fuzz/target python/thrifthive/_native*.so \
		.pytest_cache .ruff_cache .mypy_cache .hypothesis
