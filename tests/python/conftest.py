"""Shared fixtures of the Python test suite (the govsim package must be installed: `make build`)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENTS = ROOT / "scenarios" / "experiments"
SMALL = EXPERIMENTS / "seed-scenarios-small.json"
SMALL_OVERRIDES = {"sim.population_scale": 0.02}


@pytest.fixture(scope="session")
def small_config() -> Path:
    """The small seed-scenarios config used by tests and notebooks."""
    return SMALL


@pytest.fixture(scope="session")
def small_compare(tmp_path_factory):
    """One small compare (2 runs, 2% population), shared by the read-only tests."""
    import govsim

    out = tmp_path_factory.mktemp("compare")
    calls: list[tuple[int, int]] = []
    res = govsim.compare(SMALL, runs=2, threads=2, out=out, overrides=SMALL_OVERRIDES,
                         progress=lambda d, t: calls.append((d, t)))
    return res, calls


def pytest_addoption(parser):
    parser.addoption("--update", action="store_true", default=False,
                     help="rewrite the regression truth files (tests/regression/*/truth.csv) from this build")
