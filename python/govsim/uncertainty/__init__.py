"""How robust is the ranking? Robust comparison, global sensitivity and scenario discovery.

The uncertainty space is the registry's: every assumption has a plausible range and
distribution (``models/inclusion/uncertainty.def``, :func:`space`). Points of that space are
drawn here in the unit hypercube (SALib and SciPy samplers), mapped to parameter values by the
engine (the same quantile function as :func:`design_values`), and every (point, scenario) pair
is run as ordinary tasks of the C++ ensemble engine: parallel, bit-identical for any thread
count, stored in the results store, resumable, mergeable with shards. Replicate r of every pair
shares its random streams (common random numbers), so scenario differences within a point are
paired.

- :func:`robustness`: N points x every scenario; probability of beating the baseline on each
  headline metric, rank distribution and regret, with Monte Carlo errors.
- :func:`sensitivity`: Morris screening or Sobol' first/total indices (SALib sampling and
  analysis) of each headline outcome and each scenario-minus-baseline difference.
- :func:`discover`: PRIM boxes (EMA workbench) of the worlds where a scenario fails to beat the
  baseline.
- ``Robustness.hangs_on``: what a scenario's difference hangs on across the worlds of a
  robustness run (rank correlations with a max-T permutation test; ``world_screening``).
- :func:`history_match`: the plausible worlds, those whose status quo reproduces every fit
  target (implausibility cut-off, in waves); ``robustness``, ``sensitivity`` and ``discover``
  take them with ``worlds=`` (``govsim worlds``; the shipped set in ``data/worlds/``).

``govsim robustness``, ``govsim sensitivity``, ``govsim discover`` and ``govsim worlds`` run this package
(``python -m govsim.uncertainty``). docs/uncertainty.md explains what each answers and costs.

One module per concept: ``uncertainty_space`` (the space, its designs), ``design_runs`` (designs
run by the engine, outcomes read back), ``robust_comparison``, ``global_sensitivity``,
``discovery``, ``world_screening`` (what a scenario hangs on, from the worlds of a robustness
run), ``history_matching`` (the plausible worlds), ``plausible_worlds`` (their use by the
analyses) and ``cli`` (the command line). Module names differ from the functions they hold,
so that importing a module never replaces a public name of this package.
"""

from .design_runs import IncompleteError, headline_metrics
from .discovery import describe_box, discover, plot_box
from .global_sensitivity import analyse, analyse_results, sensitivity, sensitivity_of_function
from .history_matching import Worlds, history_match, implausibility, write_worlds
from .plausible_worlds import default_worlds, read_worlds
from .robust_comparison import Robustness, open_robustness, robustness
from .uncertainty_space import design_values, sample, space, unit_of_values
from .cli import main

__all__ = ["space", "design_values", "sample", "analyse", "robustness", "open_robustness", "Robustness",
           "sensitivity", "sensitivity_of_function", "discover", "headline_metrics", "history_match", "Worlds",
           "implausibility", "write_worlds", "read_worlds", "default_worlds", "unit_of_values"]
