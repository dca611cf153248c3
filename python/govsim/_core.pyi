"""Type stub of govsim._core, the compiled engine (private: use the govsim package)."""

from collections.abc import Callable
from typing import Any

__version__: str
git_commit: str
source_dir: str

class ConfigError(ValueError):
    """Bad input (config, scenario, option): message names file, JSON pointer, expected, got."""

class StoreError(RuntimeError):
    """A results store cannot be read or written."""

class CancelFlag:
    """A flag stopping a running ensemble after the runs in flight."""
    def __init__(self) -> None: ...
    def set(self) -> None: ...
    def is_set(self) -> bool: ...

class Experiment:
    """A loaded, validated experiment config."""
    @staticmethod
    def load(path: str, overrides: list[tuple[str, str]] = ..., territory: str = ...) -> Experiment: ...
    @staticmethod
    def from_dict(doc: dict[str, Any], label: str, base_dir: str,
                  overrides: list[tuple[str, str]] = ...) -> Experiment: ...
    @property
    def file(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def warnings(self) -> list[str]: ...
    @property
    def scenarios(self) -> list[str]: ...
    @property
    def scenario_info(self) -> list[dict[str, Any]]: ...
    @property
    def scenario_roles(self) -> list[dict[str, Any]]: ...
    @property
    def scenario_parameters(self) -> list[dict[str, Any]]: ...
    @property
    def baseline(self) -> int: ...
    @property
    def runs(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def threads(self) -> int: ...
    @property
    def has_sweep(self) -> bool: ...
    @property
    def resolved(self) -> dict[str, Any]: ...

def run_experiment(experiment: Experiment, command: str, out: str, scenario: str = "", runs: int = 0,
                   seed: int = -1, threads: int = 0, resume: bool = False, force: bool = False,
                   target_ci: float = 0.0, target_metric: str = "non_recours_rate", max_runs: int = 200,
                   shard_index: int = 0, shard_count: int = 1,
                   progress: Callable[[int, int], Any] | None = None, cancel: CancelFlag | None = None,
                   interval: float = 0.1, design_parameters: list[str] = ..., design_unit: list[list[float]] = ...,
                   design_arms: bool = True) -> dict[str, Any]:
    """Runs `command` (run, compare, sweep; design: every scenario at every row of design_unit,
    without the @as_configured arms unless design_arms) into `out`; returns the run report."""

def simulate(experiment: Experiment, scenario: int, first: int, count: int, threads: int = 0) -> list[dict[str, Any]]:
    """Runs replicates first..first+count-1 of one scenario in memory: list of {initial: week-0
    population shares, metrics: end metrics} (calibration and target checks)."""

def population_model(experiment: Experiment, scenario: int = 0) -> dict[str, Any]:
    """The fitted initial-population model of the experiment's territory (logit effects, targets,
    expected shares, composition)."""

def design_values(names: list[str], unit_rows: list[list[float]]) -> list[list[float]]:
    """Parameter values of unit-hypercube rows (one value per name), by each assumption's quantile
    function (the uncertainty space's mapping)."""

def distribution() -> dict[str, Any]:
    """This process's place in an MPI job: {'built_with_mpi', 'rank', 'ranks'}."""

def scenario_roles(store: str) -> list[dict[str, Any]]:
    """The typed role of each scenario of a results store: {scenario, role, arm_of, compared_with,
    territory, of, budget} (engine/scenario_role.hpp)."""

def stats(store: str) -> dict[str, Any]:
    """Summaries and paired differences of a results store; its budget mode ("budget") and the
    cost-effectiveness of scenarios run as configured ("cost_effectiveness": rows with the columns
    of cost_effectiveness.csv, people per €100k and the gating `note` included)."""

def comparison_table(store: str, rank_by: str = "non_recours_rate", headline: int = -1) -> str:
    """The ranked comparison table of `govsim compare` (headline metrics; the first `headline` if >= 0)."""

def ratio_of_paired_means(gain: list[float], cost: list[float], level: float = 0.95) -> tuple[float, float, float]:
    """mean(gain) / mean(cost) over paired replicates, with its t-interval by the delta method (engine/stats.cpp)."""

def parameters() -> list[dict[str, Any]]:
    """The parameter registry."""

def metrics() -> list[dict[str, Any]]:
    """Scalar metrics (name, higher_is_better, direction, unit, doc, headline, subgroups), from metrics.def."""

def series() -> list[dict[str, Any]]:
    """Weekly series (name, higher_is_better, unit, doc, headline, subgroups), from metrics.def."""

def load_scenario(path: str) -> dict[str, Any]:
    """Loads a scenario file: name, info, parameters, non_default."""

def scenario_document(doc: dict[str, Any], label: str = "<scenario>", extends: str = "") -> dict[str, Any]:
    """Validates a scenario document and returns its file content."""

def config_schema() -> dict[str, Any]:
    """JSON Schema of config files."""

def scenario_schema() -> dict[str, Any]:
    """JSON Schema of scenario files."""
