"""govsim: scenario simulation of local digital-inclusion governance, from Python.

Quick start::

    import govsim
    res = govsim.compare("scenarios/experiments/seed-scenarios-small.json", runs=4)
    res.summary()          # one row per (scenario, metric), with 95% CIs
    res.paired()           # differences vs the baseline over common replicates
    res.series("status-quo", "autonomy_rate")   # numpy array, replicates x weeks

See docs/python.md.
"""

from __future__ import annotations

from typing import Any

from . import _core
from ._core import ConfigError, StoreError
from .api import (
    Config,
    Scenario,
    compare,
    load_config,
    load_scenario,
    parameters,
    run,
    save_scenario,
    sweep,
)
from .results import Results, metrics, open_results

__version__: str = _core.__version__
"""Version of the compiled engine."""

__all__ = [
    "Config",
    "ConfigError",
    "Results",
    "Scenario",
    "StoreError",
    "__version__",
    "compare",
    "load_config",
    "load_scenario",
    "metrics",
    "open_results",
    "parameters",
    "report",
    "run",
    "save_scenario",
    "sweep",
    "write_report",
]


def __getattr__(name: str) -> Any:
    """Lazy attributes: ``report`` / ``write_report`` (govsim.report imports matplotlib)."""
    if name in ("report", "write_report"):
        from .report import write_report

        return write_report
    raise AttributeError(f"module 'govsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"report", "write_report"})
