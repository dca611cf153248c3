"""Configs, scenarios and experiment runs: the Python mirror of ``govsim run|compare|sweep``."""

from __future__ import annotations

import json
import warnings
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import pandas as pd

from . import _core, relay
from ._core import ConfigError
from .results import Results

__all__ = ["Config", "Scenario", "parameters", "load_config", "run", "compare", "sweep",
           "load_scenario", "save_scenario", "Overrides", "ProgressArg"]

#: Parameter overrides: a mapping {name: value}, or "name=value" strings / (name, value) pairs.
Overrides = Union[Mapping[str, Any], Iterable[Union[str, tuple[str, Any]]], None]
#: Progress reporting: True (tqdm bar), False/None (silent) or a callable(done, total).
ProgressArg = Union[bool, None, Callable[[int, int], Any]]
PathArg = Union[str, "os.PathLike[str]"]


def parameters() -> pd.DataFrame:
    """The parameter registry as a DataFrame, one row per parameter.

    Columns: name, type (real, integer, boolean, choice), default, unit, min, max (numeric
    types), choices (choice type), source (citation or "assumption"), doc, and for assumptions
    their plausible range (models/inclusion/uncertainty.def): uncertainty_low, uncertainty_high,
    distribution (uniform, triangular, loguniform or fixed) and uncertainty_reason.
    """
    cols = ["name", "type", "default", "unit", "min", "max", "choices", "source", "doc",
            "uncertainty_low", "uncertainty_high", "distribution", "uncertainty_reason"]
    return pd.DataFrame(_core.parameters(), columns=cols)


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        return _value_text(value.item())
    return str(value)


def _override_pairs(overrides: Overrides) -> list[tuple[str, str]]:
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return [(str(k), _value_text(v)) for k, v in overrides.items()]
    if isinstance(overrides, str):
        overrides = [overrides]
    out: list[tuple[str, str]] = []
    for item in overrides:
        if isinstance(item, str):
            name, eq, value = item.partition("=")
            if not eq or not name:
                raise ConfigError(f"overrides: at {item}: expected name=value (e.g. \"needs.rate_per_year=5\"), "
                                  f"got '{item}'")
            out.append((name, value))
        else:
            name, value = item
            out.append((str(name), _value_text(value)))
    return out


class Config:
    """A validated experiment config (see ``docs/config.md``).

    Create with :func:`load_config` or :meth:`Config.from_dict`. Validation happens on creation:
    bad input raises :class:`govsim.ConfigError` with the CLI's message.
    """

    def __init__(self, experiment: _core.Experiment, source: Any, overrides: list[tuple[str, str]],
                 territory: str = "") -> None:
        """Internal: use :func:`load_config` or :meth:`from_dict`."""
        self._exp = experiment
        self._source = source  # Path, or (doc, label, base_dir)
        self._overrides = overrides
        self._territory = territory  # load_config(territory=...): replaces the file's
        for w in experiment.warnings:  # e.g. an override cancelling a scenario's own lever
            warnings.warn(w, UserWarning, stacklevel=3)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], base_dir: PathArg = ".", overrides: Overrides = None,
                  label: str = "<config>") -> Config:
        """A config from an in-memory document (same format as a config file).

        Relative scenario paths and territory files resolve against ``base_dir``; error messages
        name ``label`` as the file.
        """
        pairs = _override_pairs(overrides)
        doc = json.loads(json.dumps(doc))  # plain JSON types, and a private copy
        exp = _core.Experiment.from_dict(doc, label, str(base_dir), pairs)
        return cls(exp, (doc, label, Path(base_dir)), pairs)

    @classmethod
    def from_scenarios(cls, scenarios: Iterable[Scenario | Mapping[str, Any] | PathArg], territory: Any,
                       *, name: str = "custom", baseline: str | None = None,
                       parameters: Mapping[str, Any] | None = None, runs: int = 10, seed: int = 1,
                       base_dir: PathArg = ".") -> Config:
        """A config comparing ``scenarios`` (Scenario objects, scenario documents or file paths)."""
        items: list[Any] = []
        for s in scenarios:
            if isinstance(s, Scenario):
                items.append(s.to_dict())
            elif isinstance(s, Mapping):
                items.append(dict(s))
            else:
                items.append(str(s))
        doc: dict[str, Any] = {"name": name, "territory": territory, "scenarios": items,
                               "experiment": {"runs": runs, "seed": seed}}
        if baseline is not None:
            doc["baseline"] = baseline
        if parameters:
            doc["parameters"] = dict(parameters)
        return cls.from_dict(doc, base_dir=base_dir, label=f"<config {name}>")

    def with_overrides(self, overrides: Overrides) -> Config:
        """A copy with more parameter overrides (applied to every scenario, after the current ones)."""
        pairs = self._overrides + _override_pairs(overrides)
        if isinstance(self._source, Path):
            return Config(_core.Experiment.load(str(self._source), pairs, self._territory), self._source, pairs,
                          self._territory)
        doc, label, base_dir = self._source
        return Config(_core.Experiment.from_dict(doc, label, str(base_dir), pairs), self._source, pairs)

    @property
    def experiment(self) -> _core.Experiment:
        """The compiled experiment (private API)."""
        return self._exp

    @property
    def file(self) -> str:
        """The config file ("" or the label for in-memory configs)."""
        return self._exp.file

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self._exp.name

    @property
    def description(self) -> str:
        """The experiment's description."""
        return self._exp.description

    @property
    def scenarios(self) -> list[str]:
        """Scenario names, in order."""
        return list(self._exp.scenarios)

    @property
    def baseline(self) -> str:
        """Name of the baseline scenario."""
        return self._exp.scenarios[self._exp.baseline]

    @property
    def runs(self) -> int:
        """Replicates per scenario."""
        return int(self._exp.runs)

    @property
    def seed(self) -> int:
        """Master seed."""
        return int(self._exp.seed)

    @property
    def has_sweep(self) -> bool:
        """Whether the config has a ``sweep`` section (for :func:`govsim.sweep`)."""
        return bool(self._exp.has_sweep)

    @property
    def overrides(self) -> list[tuple[str, str]]:
        """Parameter overrides applied on top of the file, as (name, value text) pairs."""
        return list(self._overrides)

    def scenario_parameters(self, scenario: str | None = None) -> dict[str, Any]:
        """Every parameter value of ``scenario`` (default: the baseline) after overrides."""
        name = self.baseline if scenario is None else scenario
        try:
            return dict(self._exp.scenario_parameters[self.scenarios.index(name)])
        except ValueError:
            raise KeyError(f"no scenario {name!r}; scenarios: {', '.join(self.scenarios)}") from None

    def to_dict(self) -> dict[str, Any]:
        """The fully resolved config (every scenario's full parameter set), as stored in the manifest."""
        return self._exp.resolved

    def __repr__(self) -> str:
        return (f"Config(name={self.name!r}, scenarios={self.scenarios!r}, baseline={self.baseline!r}, "
                f"runs={self.runs}, seed={self.seed})")


def load_config(path: PathArg, overrides: Overrides = None, territory: PathArg | None = None) -> Config:
    """Loads and validates an experiment config file.

    ``overrides`` set parameters for every scenario, like ``--set name=value`` (a mapping, or
    "name=value" strings). ``territory`` (an embedded name or a territory file, as for
    ``--territory``) runs the scenarios on it instead of the config's territory. Raises
    :class:`govsim.ConfigError` (a ValueError) naming the file, the JSON pointer, what was expected
    and what was found.
    """
    pairs = _override_pairs(overrides)
    p = Path(path)
    terr = "" if territory is None else str(territory)
    return Config(_core.Experiment.load(str(p), pairs, terr), p, pairs, terr)


def _as_config(config: Config | PathArg | Mapping[str, Any], overrides: Overrides) -> Config:
    if isinstance(config, Config):
        cfg = config
    elif isinstance(config, Mapping):
        cfg = Config.from_dict(config)
    else:
        cfg = load_config(config)
    return cfg.with_overrides(overrides) if overrides else cfg


def _progress_callback(progress: ProgressArg, desc: str) -> tuple[Callable[[int, int], Any] | None, Any]:
    if progress is None or progress is False:
        return None, None
    if callable(progress):
        return progress, None
    bar = _LazyBar(desc)
    return bar.update, bar


class _LazyBar:
    """A tqdm bar drawn at the first progress report, so that nothing is printed for a run that
    stops on an error before its first run (a ConfigError from the option checks)."""

    def __init__(self, desc: str) -> None:
        self._desc = desc
        self._bar: Any = None

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, desc=self._desc, unit="run", leave=False, dynamic_ncols=True)
        if self._bar.total != total:
            self._bar.reset(total=total)
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _run_cancellable(run: Any, cancel: Any, bar: Any, name: str) -> dict[str, Any]:
    """Runs ``run()`` (an ensemble call that releases the GIL) in a helper thread so that Ctrl-C
    reaches this thread: it sets ``cancel``, waits for the runs in flight, and the run returns
    its report; an exception in the helper thread is re-raised here. Closes ``bar``. Returns the
    report, with ``interrupted`` set to True if Ctrl-C was pressed."""
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def work() -> None:
        try:
            outcome["report"] = run()
        except BaseException as e:  # re-raised in the calling thread
            outcome["error"] = e
        finally:
            finished.set()

    worker = threading.Thread(target=work, name=name, daemon=True)
    interrupted = False
    try:
        worker.start()
        # An Event, not Thread.join(): an interrupted join() can leave is_alive() wrong.
        while True:
            try:
                if finished.wait(0.1):
                    break
            except KeyboardInterrupt:
                interrupted = True
                cancel.set()
        worker.join()
    finally:
        if bar is not None:
            bar.close()
    if "error" in outcome:
        raise outcome["error"]
    report = dict(outcome["report"])
    if interrupted:
        report["interrupted"] = True
    return report


def _run_engine(cfg: Config, command: str, out: str, **options: Any) -> dict[str, Any]:
    """``_core.run_experiment`` of ``cfg``, announced first to the MPI ranks that follow this one
    when it leads them (relay.py: ``mpirun ... govsim optimise``)."""
    relay.announce(cfg, command, out, options)
    return dict(_core.run_experiment(cfg.experiment, command, out, **options))


def _execute(command: str, config: Config | PathArg | Mapping[str, Any], *, scenario: str | None, runs: int | None,
             seed: int | None, threads: int, out: PathArg | None, progress: ProgressArg, overrides: Overrides,
             resume: bool, force: bool, target_ci: float | None, target_metric: str | None, max_runs: int,
             shard: tuple[int, int] | None) -> Results:
    cfg = _as_config(config, overrides)
    # The options are checked once, by the engine (engine/run_request.hpp), as for the CLI.
    if isinstance(runs, bool):
        raise ConfigError(f"runs: expected a positive integer, got {runs}")
    if out is None:
        out_dir = Path(tempfile.mkdtemp(prefix=f"govsim-{command}-"))
    else:
        out_dir = Path(out)
    shard_index, shard_count = shard if shard is not None else (0, 1)
    if distribution()["rank"] != 0:
        progress = False  # under mpirun only rank 0, which hands out the runs, shows progress
    callback, bar = _progress_callback(progress, f"govsim {command}")
    cancel = _core.CancelFlag()
    report = _run_cancellable(lambda: _run_engine(
            cfg, command, str(out_dir), scenario=scenario or "",
            runs=None if runs is None else int(runs), seed=None if seed is None else int(seed),
            threads=int(threads), resume=resume, force=force,
            target_ci=None if target_ci is None else float(target_ci), target_metric=target_metric or "",
            max_runs=int(max_runs),
            shard_index=int(shard_index), shard_count=int(shard_count), progress=callback, cancel=cancel,
            interval=0.1), cancel, bar, f"govsim-{command}")
    if not report.get("writer", True):
        # An MPI rank other than 0: it ran runs that rank 0 wrote; the results are readable here
        # once rank 0 is done (it is when this returns) if `out` is on a shared file system.
        return Results(out_dir, run_report=report) if (out_dir / "results.sqlite").is_file() else None  # type: ignore[return-value]
    if report.get("interrupted"):
        raise KeyboardInterrupt(f"interrupted: {report['runs_done']} runs saved in {report['store']}; "
                                f"complete them with resume=True")
    return Results(out_dir, run_report=report)


def distribution() -> dict[str, Any]:
    """This process's place in an MPI job: ``{"built_with_mpi", "rank", "ranks"}``.

    A script started with ``mpirun -n N python script.py`` (or ``srun``) runs on every rank; each
    :func:`compare`, :func:`sweep` or :func:`run` call then spreads its runs over the N ranks
    (rank 0 hands them out and writes the results; see docs/distributed.md). Every rank must make
    the same calls with the same arguments. Outside MPI: rank 0 of 1.
    """
    return dict(_core.distribution())


_RUN_DOC = """
    ``config`` is a :class:`Config`, a config file path or a config document. ``runs`` and
    ``seed`` override the config's; ``threads`` = 0 uses all cores (results do not depend on
    it); ``out`` is the output directory (a new temporary directory if None; an existing store
    there needs ``resume=True`` or ``force=True``); ``progress`` is True (tqdm bar), False, or a
    callable(done, total) called at most ~10 times per second; ``overrides`` set parameters for
    every scenario (like ``--set``). ``target_ci`` adds replicates until the 95% CI half-width of
    ``target_metric`` (None: the model's primary metric) is at most this (up to ``max_runs``);
    ``shard=(k, n)`` runs one shard.

    Ctrl-C stops the ensemble after the runs in flight and raises KeyboardInterrupt; completed
    runs stay in the store (continue with ``resume=True``). Raises :class:`govsim.ConfigError`
    on bad input and :class:`govsim.StoreError` on store failures. Returns :class:`Results`.

    Under ``mpirun -n N python script.py`` every rank makes the call and the runs are spread over
    the ranks (:func:`distribution`); ranks other than 0 return the same Results (after rank 0 has
    written them) when ``out`` is on a shared file system, else None.
"""


def run(config: Config | PathArg | Mapping[str, Any], scenario: str | None = None, runs: int | None = None,
        seed: int | None = None, threads: int = 0, out: PathArg | None = None, progress: ProgressArg = True,
        overrides: Overrides = None, *, resume: bool = False, force: bool = False,
        target_ci: float | None = None, target_metric: str | None = None, max_runs: int = 200,
        shard: tuple[int, int] | None = None) -> Results:
    return _execute("run", config, scenario=scenario, runs=runs, seed=seed, threads=threads, out=out,
                    progress=progress, overrides=overrides, resume=resume, force=force, target_ci=target_ci,
                    target_metric=target_metric, max_runs=max_runs, shard=shard)


run.__doc__ = "Runs one scenario of ``config`` (``scenario``, default the baseline), like ``govsim run``.\n" + _RUN_DOC


def compare(config: Config | PathArg | Mapping[str, Any], runs: int | None = None, seed: int | None = None,
            threads: int = 0, out: PathArg | None = None, progress: ProgressArg = True,
            overrides: Overrides = None, *, resume: bool = False, force: bool = False,
            target_ci: float | None = None, target_metric: str | None = None, max_runs: int = 200,
            shard: tuple[int, int] | None = None) -> Results:
    return _execute("compare", config, scenario=None, runs=runs, seed=seed, threads=threads, out=out,
                    progress=progress, overrides=overrides, resume=resume, force=force, target_ci=target_ci,
                    target_metric=target_metric, max_runs=max_runs, shard=shard)


compare.__doc__ = ("Runs every scenario of ``config`` (replicate r of each on the same random streams), like "
                   "``govsim compare``.\n" + _RUN_DOC)


def sweep(config: Config | PathArg | Mapping[str, Any], runs: int | None = None, seed: int | None = None,
          threads: int = 0, out: PathArg | None = None, progress: ProgressArg = True,
          overrides: Overrides = None, *, resume: bool = False, force: bool = False,
          target_ci: float | None = None, target_metric: str | None = None, max_runs: int = 200,
          shard: tuple[int, int] | None = None) -> Results:
    return _execute("sweep", config, scenario=None, runs=runs, seed=seed, threads=threads, out=out,
                    progress=progress, overrides=overrides, resume=resume, force=force, target_ci=target_ci,
                    target_metric=target_metric, max_runs=max_runs, shard=shard)


sweep.__doc__ = ("Runs the ``sweep`` section of ``config`` (grid or Latin hypercube; one scenario per design "
                 "point, its values in ``Results.scenario_info[name]['sweep']``), like ``govsim sweep``.\n"
                 + _RUN_DOC)


# ---- scenarios ---------------------------------------------------------------------------------
@dataclass
class Scenario:
    """A governance scenario: a name, texts, and a value for every parameter.

    Load one with :func:`load_scenario`, change levers with :meth:`with_parameters`, save with
    :func:`save_scenario`, or compare several with :meth:`Config.from_scenarios`.
    """

    name: str
    """Scenario name (no spaces, slashes or quotes)."""
    parameters: dict[str, Any] = field(default_factory=dict)
    """Every parameter's value (or only some: the others take their defaults)."""
    title: str = ""
    """One-line title."""
    description: str = ""
    """What the scenario does."""
    seed_contribution: str = ""
    """Quote of the seed contribution it comes from."""
    file: str | None = None
    """The file it was loaded from, if any."""

    def to_dict(self) -> dict[str, Any]:
        """The scenario document (as in a scenario file: only non-default parameters); validated."""
        return _core.scenario_document(self._doc(), f"<scenario {self.name}>", "")

    def _doc(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "parameters": dict(self.parameters)}
        for k in ("title", "description", "seed_contribution"):
            if getattr(self, k):
                d[k] = getattr(self, k)
        return d

    def non_default(self) -> dict[str, Any]:
        """The parameters whose value differs from the registry default."""
        return dict(self.to_dict().get("parameters", {}))

    def with_parameters(self, overrides: Mapping[str, Any], name: str | None = None,
                        title: str | None = None, description: str | None = None) -> Scenario:
        """A copy with some parameters changed (validated: unknown names or bad values raise ConfigError)."""
        params = dict(self.parameters)
        params.update(overrides)
        new = Scenario(name=name or self.name, parameters=params, title=self.title if title is None else title,
                       description=self.description if description is None else description,
                       seed_contribution=self.seed_contribution, file=None)
        new.to_dict()  # validates
        return new


def load_scenario(path: PathArg) -> Scenario:
    """Loads a scenario file (its ``extends`` chain resolved) into a :class:`Scenario`."""
    d = _core.load_scenario(str(Path(path)))
    info = d["info"]
    return Scenario(name=d["name"], parameters=dict(d["parameters"]), title=info.get("title", ""),
                    description=info.get("description", ""), seed_contribution=info.get("seed_contribution", ""),
                    file=str(path))


def save_scenario(scenario: Scenario | Mapping[str, Any], path: PathArg, extends: str | None = None) -> Path:
    """Writes a scenario file (only non-default parameters) and returns its path.

    ``scenario`` is a :class:`Scenario` or a scenario document (name, title, description,
    seed_contribution, parameters). It is validated first (ConfigError on bad names or values).
    ``extends`` is written as the file's ``extends`` entry (a path relative to the new file); the
    saved parameters are those differing from the registry defaults.
    """
    doc = scenario._doc() if isinstance(scenario, Scenario) else dict(scenario)
    p = Path(path)
    content = _core.scenario_document(doc, str(p), extends or "")
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, p)
    return p
