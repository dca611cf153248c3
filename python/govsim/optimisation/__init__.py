"""Multi-objective search over governance designs: ``govsim optimise CONFIG`` and
:func:`optimise` (docs/optimisation.md).

The config's ``optimise`` section declares the levers (registry parameters with discrete
values or a range inside the registry's), the objectives and constraints (metrics); Optuna's
NSGA-II proposes designs, each batch runs against the baseline on common random numbers, the
study is kept in SQLite in the output folder (resumable), and the final front is re-evaluated
with more replicates.

One module per concept: ``space`` (the section), ``evaluation`` (a batch against the baseline,
replicate statistics), ``search`` (the Optuna study), ``front`` (Pareto front, hypervolume,
final re-evaluation, reachability of a target), ``optimiser`` (:func:`optimise` and its files)
and ``cli``.
"""

from .evaluation import ModelEvaluator, Replicates
from .optimiser import Optimisation, optimise
from .space import Constraint, Lever, Objective, SearchSpace, from_section, search_space

__all__ = ["optimise", "Optimisation", "SearchSpace", "Lever", "Objective", "Constraint", "Replicates",
           "ModelEvaluator", "from_section", "search_space"]
