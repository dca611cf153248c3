"""govsim: scenario simulation of local digital-inclusion governance, from Python.

Quick start::

    import govsim
    res = govsim.compare("scenarios/experiments/seed-scenarios-small.json", runs=4)
    res.summary()          # one row per (scenario, metric), with 95% CIs
    res.paired()           # differences vs the baseline over common replicates
    res.series("status-quo", "autonomy_rate")   # numpy array, replicates x weeks
    rob = govsim.robustness("scenarios/experiments/robustness-small.json", samples=8)
    govsim.sensitivity(config, method="morris")    # SALib indices as a DataFrame
    opt = govsim.optimise("scenarios/experiments/optimise-charente.json", out="results/optimise")

See docs/python.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import _core
from ._core import ConfigError, StoreError
from .api import (
    Config,
    Scenario,
    compare,
    distribution,
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
    "discover",
    "distribution",
    "load_config",
    "load_scenario",
    "metrics",
    "open_results",
    "open_robustness",
    "optimise",
    "parameters",
    "report",
    "robustness",
    "run",
    "save_scenario",
    "sensitivity",
    "source_dir",
    "sweep",
    "write_report",
]


def report(results_dir: str | os.PathLike[str], output_path: str | os.PathLike[str],
           robustness_dir: str | os.PathLike[str] | None = None, map_scenario: str | None = None,
           lang: str | None = None, pdf: str | os.PathLike[str] | bool | None = None) -> Path:
    """Writes the self-contained HTML report of the results in ``results_dir`` to ``output_path``
    and returns its path, like ``govsim report``; raises ``govsim.reporting.ReportInputError``
    (a ``ValueError``) naming the file when the results store is missing, damaged or incomplete.
    ``lang``: "fr" or "en" (default: the config's "language", else French); ``pdf``: also print
    it to PDF with headless Chromium (``True``: same name, ``.pdf``).

    ``robustness_dir`` holds ``govsim robustness`` results for the section "How robust is this
    ranking?" (default: ``results_dir/robustness`` if present); ``map_scenario`` the scenario whose
    change in non-recours by commune the outcome map shows (default: the lowest non-recours). The
    report's code (matplotlib, Jinja2) is imported on the first call.
    """
    from .reporting import write_report as _write

    return _write(results_dir, output_path, robustness_dir, map_scenario, lang=lang, pdf=pdf)


write_report = report
"""Alias of :func:`report`."""


_UNCERTAINTY = ("robustness", "sensitivity", "discover", "open_robustness")


def __getattr__(name: str) -> Any:
    """Lazy attributes: the uncertainty analyses (govsim.uncertainty imports SALib and the EMA
    workbench only when used; ``python -m govsim.uncertainty`` must not find it imported)."""
    if name == "optimise":  # govsim.optimisation imports Optuna only when used
        import importlib

        return importlib.import_module(f"{__name__}.optimisation").optimise
    if name in _UNCERTAINTY or name == "uncertainty":
        import importlib

        # (import_module, not `from . import`: that would ask this __getattr__ again)
        uncertainty = importlib.import_module(f"{__name__}.uncertainty")
        return uncertainty if name == "uncertainty" else getattr(uncertainty, name)
    raise AttributeError(f"module 'govsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_UNCERTAINTY) | {"optimise"})


def source_dir() -> Path:
    """The govsim checkout holding ``scenarios/`` and ``notebooks/``: ``$GOVSIM_SOURCE_DIR`` if
    set, else the directory the package was built from. Notebooks and scripts find the example
    configs through it, whatever their working directory."""
    env = os.environ.get("GOVSIM_SOURCE_DIR")
    root = Path(env) if env else Path(_core.source_dir)
    if not (root / "scenarios").is_dir():
        raise FileNotFoundError(f"{root} holds no scenarios/ directory: set GOVSIM_SOURCE_DIR to a govsim checkout")
    return root
