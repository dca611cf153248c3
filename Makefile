# The two Quickstart commands: `make demo` and `make test`. Both install what is missing
# (Debian packages, .venv, the govsim package) and rebuild only what changed. While working,
# `make check` is the fast tier: everything but what is labelled slow (CONTRIBUTING.md, Checks).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BUILD := build/py
JOBS ?= 2
# pytest workers (pytest-xdist; a test file stays on one worker, so its module fixtures run once)
PYTEST_JOBS ?= 2
PYTEST_PAR := -n $(PYTEST_JOBS) --dist loadfile
DEMO_CONFIG := scenarios/experiments/seed-scenarios.json
DEMO_OUT := results/demo
# Under 4.5 minutes on 2 idle cores, estimated (docs/performance.md, "make demo"): the
# comparison at 5 replicates (every adult; 6 were estimated at ~275 s) and the robustness run in
# 24 of the 36 shipped plausible worlds of Charente (data/worlds/charente, govsim worlds) at 10%
# of adults, one run each (robustness runs no @as_configured arms); the report's first screen
# names what each scenario hangs on from those worlds (rank screening, docs/uncertainty.md).
DEMO_COMPARE := --runs 5
DEMO_ROBUSTNESS := --samples 24 --runs 1 --set sim.population_scale=0.1

# Everything whose change requires rebuilding/reinstalling the package.
PKG_SOURCES := $(shell git ls-files -co --exclude-standard -- CMakeLists.txt cmake engine models app data \
                 python tests/cpp tests/layers tests/fuzz benchmarks/CMakeLists.txt benchmarks/*.cpp pyproject.toml 2>/dev/null)

.PHONY: demo test check build deps test-cpp test-python asan fuzz bench clean format format-check notebook notebooks

demo: build
	$(VENV)/bin/govsim compare $(DEMO_CONFIG) $(DEMO_COMPARE) --out $(DEMO_OUT) --force
	$(VENV)/bin/govsim robustness $(DEMO_CONFIG) $(DEMO_ROBUSTNESS) --out $(DEMO_OUT)/robustness --force
	$(VENV)/bin/govsim report $(DEMO_OUT) -o $(DEMO_OUT)/report.html
	@echo "Report: $(abspath $(DEMO_OUT))/report.html"

# The full suite (what CI runs, .ci/run): C++ (ctest, with the sanitizer build and the fuzz smoke
# run) and Python/CLI (pytest).
test: build
	$(MAKE) --no-print-directory test-cpp test-python

test-cpp: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-python: build
	$(PY) -m pytest -q $(PYTEST_PAR) --durations=15 tests/python tests/cli

# The fast tier: the same without ctest label / pytest marker `slow`.
check: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -LE slow
	$(PY) -m pytest -q $(PYTEST_PAR) -m "not slow" tests/python tests/cli

deps: $(VENV)/.deps-stamp

$(VENV)/.deps-stamp: scripts/debian-packages.txt scripts/install-deps.sh requirements-dev.txt
	scripts/install-deps.sh
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

build: $(VENV)/.build-stamp

$(VENV)/.build-stamp: $(VENV)/.deps-stamp $(PKG_SOURCES)
	CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) $(PY) -m pip install -q --disable-pip-version-check \
	  --no-build-isolation --no-deps -C build-dir=$(BUILD) \
	  -C cmake.define.GOVSIM_BUILD_TESTS=ON -C cmake.define.GOVSIM_WERROR=ON .
	touch $@

# Notebooks: `make notebook` opens JupyterLab on notebooks/; `make notebooks` re-executes them and
# saves their outputs (commit them: tests/python/test_notebooks.py fails when they are stale).
notebook: build
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

notebooks: build
	$(PY) scripts/run_notebooks.py

# The C++ suite under ASan + UBSan: the sanitizer build (clang, preset asan-ubsan, build/asan-ubsan)
# that `make test` also builds and runs (ctest asan_ubsan_*), shared with the fuzz targets.
asan: deps
	JOBS=$(JOBS) scripts/asan-ubsan.sh build && JOBS=$(JOBS) scripts/asan-ubsan.sh unit

# A longer fuzz run of the file readers (configs, scenarios) than the one in `make test`: the same
# script (scripts/fuzz-smoke.sh, run by ctest as fuzz_smoke; the fuzz targets of the asan-ubsan
# build), FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 300
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=-1 FUZZ_JOBS=$(JOBS) scripts/fuzz-smoke.sh

# Benchmarks (not tests): release build of govsim and govsim_bench, Mesa reference in .venv-bench.
bench: deps
	cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build build/release -j $(JOBS) --target govsim govsim_bench
	test -x .venv-bench/bin/python || { python3 -m venv .venv-bench && .venv-bench/bin/pip install -q -r benchmarks/requirements.txt; }
	$(PY) benchmarks/run_benchmarks.py $(BENCH_ARGS)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

format-check:
	scripts/check-format.sh

clean:
	rm -rf build $(VENV)/.build-stamp
