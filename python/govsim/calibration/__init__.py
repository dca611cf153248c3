"""Calibration targets, their check against the model, and the fit of free parameters.

``govsim targets check CONFIG [--targets FILE]`` and ``govsim calibrate CONFIG --targets FILE``
run this package (the ``govsim`` executable hands these commands to the Python interpreter beside
it, as it does for ``govsim report``). See ``docs/calibration.md``.

A targets file (``data/targets/*.json``)::

    {"description": "...",
     "territory_parameters": {"france": {"sim.population_scale": 0.002}},
     "targets": [{"name": "...", "quantity": "initial:illectronisme_rate@age:75+", "value": 0.67,
                  "tolerance": 0.02, "territory": "france", "year": 2019, "role": "fit",
                  "source": {"reference": "Insee Analyses n°85 (2023)", "url": "...", "note": "..."},
                  "parameters": {"sim.horizon_weeks": 104}}]}

``quantity`` is ``initial:NAME`` (a share measured on the generated population at week 0:
``illectronisme_rate``, ``no_home_internet_rate``, ``home_internet_rate``, each optionally
``@age:…``, ``@density:…``, ``@diploma:none|secondary|higher``, ``@income:low40|middle|top20``)
or the name of an end metric of a run (``govsim describe --metrics``); the simulated value is
the mean over the replicates of the config's baseline scenario on the target's territory.

One module per concept: ``targets`` (the file, read and checked), ``evaluation`` (simulated
values, the check table), ``population_model`` (``govsim targets table``), ``fitting`` (Optuna)
and ``cli`` (the command line).
"""

from .cli import DEFAULT_TARGETS, main
from .evaluation import Row, check, evaluate, format_rows, rows_markdown
from .fitting import OBJECTIVE_TEXT, calibrate, objective_value, write_parameters
from .population_model import population_table
from .targets import ROLES, Target, TargetSet, load_targets

__all__ = ["Target", "load_targets", "evaluate", "check", "calibrate", "main"]
