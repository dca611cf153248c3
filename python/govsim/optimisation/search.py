"""The search: Optuna's NSGA-II over the levers, in an SQLite study in the output folder.

Designs are evaluated in batches of one population (one ensemble each); a batch's trials are
asked, evaluated, then told. The sampler is re-created for each batch with a seed derived from
the search seed and the batch number, so a search stopped at any point and resumed asks the same
designs as one run straight through: a batch a kill left running is evaluated again (its store
resumed) before any new batch is asked, and one killed while it was being asked is marked failed
and asked again whole. A design is named by its place (batch x population + position), not by
its Optuna trial number, so its name does not depend on such a restart."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._core import ConfigError
from .evaluation import Evaluator
from .space import SearchSpace

STUDY_NAME = "govsim-optimise"
STUDY_FILE = "study.sqlite3"


def _optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise RuntimeError("govsim optimise needs Optuna: pip install 'govsim[calibrate]' (or optuna)") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def _space_key(space: SearchSpace, runs: int, seed: int) -> str:
    """What must not change between a search and its resumption (the evaluations stay comparable)."""
    return json.dumps({"levers": [lv.__dict__ for lv in space.levers],
                       "objectives": [o.__dict__ for o in space.objectives],
                       "constraints": [c.__dict__ for c in space.constraints],
                       "population": space.population, "runs": runs, "seed": seed, "sampler": space.sampler,
                       "warm_start": [n for n, _ in space.place] if space.warm_start else [],
                       **({"robust": space.robust} if space.robust else {})},
                      sort_keys=True, default=str)


def open_study(out: Path, space: SearchSpace, runs: int, seed: int, create: bool) -> Any:
    """The study of ``out`` (created if ``create``); ConfigError if it was made for another space."""
    optuna = _optuna()
    url = "sqlite:///" + str((out / STUDY_FILE).resolve())
    directions = ["minimize" if o.direction == "minimise" else "maximize" for o in space.objectives]
    if create:
        out.mkdir(parents=True, exist_ok=True)
        study = optuna.create_study(study_name=STUDY_NAME, storage=url, load_if_exists=True, directions=directions)
    else:
        study = optuna.load_study(study_name=STUDY_NAME, storage=url)
    key = _space_key(space, runs, seed)
    stored = study.user_attrs.get("space")
    if stored is None:
        study.set_user_attr("space", key)
    elif stored != key:
        raise ConfigError(f"{out / STUDY_FILE}: expected a search over the same space, runs and seed to resume, "
                          f"got a study of another one (start again with --force)")
    return study


def _sampler(space: SearchSpace, seed: int, batch: int) -> Any:
    """NSGA-II (default) or multi-objective TPE, seeded for this batch (docs/optimisation.md)."""
    optuna = _optuna()
    # Constraints: Trial.set_constraint from Optuna 5 (run_search), constraints_func before it.
    old_api = space.constraints and not hasattr(optuna.trial.Trial, "set_constraint")
    func = (lambda t: t.user_attrs["constraints"]) if old_api else None
    batch_seed = (seed * 1_000_003 + batch) % 2**32
    if space.sampler == "tpe":
        return optuna.samplers.TPESampler(seed=batch_seed, n_startup_trials=space.population, constraints_func=func)
    return optuna.samplers.NSGAIISampler(population_size=space.population, seed=batch_seed, constraints_func=func)


def run_search(space: SearchSpace, evaluator: Evaluator, out: Path, runs: int, evaluations: int, seed: int,
               stored_metrics: list[str], progress: bool = False, resume: bool = False,
               warm: Sequence[Mapping[str, Any]] = (), time_limit: float | None = None) -> Any:
    """Evaluates designs until the study holds ``evaluations`` completed ones; returns the study.

    ``warm``: designs asked first (a warm start: Optuna's enqueued trials), when the study is new.
    ``time_limit``: seconds after which no new batch is asked, once one batch is done (the study
    stops short of ``evaluations``; a resumed search continues it).

    ``stored_metrics``: the metrics whose replicate means each trial keeps (user attribute
    ``means``); the baseline's are the study's user attribute ``baseline``.
    """
    optuna = _optuna()
    started = time.monotonic()
    study = open_study(out, space, runs, seed, create=True)
    if warm and not study.get_trials(deepcopy=False):
        for d in warm:
            study.enqueue_trial(dict(d))
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=evaluations, desc="govsim optimise", unit="design", dynamic_ncols=True, file=sys.stderr)
    try:
        while True:
            trials = study.get_trials(deepcopy=False)
            complete = [t for t in trials if t.state == optuna.trial.TrialState.COMPLETE]
            if bar is not None:
                bar.n = min(len(complete), evaluations)
                bar.refresh()
            running = sorted((t for t in trials if t.state == optuna.trial.TrialState.RUNNING), key=lambda t: t.number)
            if running and not _whole_batch(running, space):
                # killed while the batch was being asked: asked again whole, with its seed
                for t in running:
                    study.tell(t.number, state=optuna.trial.TrialState.FAIL)
                continue
            if running:  # a batch interrupted by a kill while it ran: the same designs again
                batch = int(running[0].user_attrs["batch"])
                numbers = [t.number for t in running]
                designs = [dict(t.params) for t in running]
            elif len(complete) >= evaluations:
                break
            elif time_limit is not None and complete and time.monotonic() - started >= time_limit:
                break
            else:  # the batch after the last one told (a batch of failed runs is not asked again)
                batch = 1 + max((int(t.user_attrs["batch"]) for t in trials if "means" in t.user_attrs), default=-1)
                size = min(space.population, evaluations - len(complete))
                study.sampler = _sampler(space, seed, batch)
                numbers, designs = [], []
                for k in range(size):
                    t = study.ask()
                    designs.append({lv.name: lv.suggest(t) for lv in space.levers})
                    t.set_user_attr("index", batch * space.population + k)
                    t.set_user_attr("size", size)
                    t.set_user_attr("batch", batch)  # last: a trial with it was asked whole
                    numbers.append(t.number)
            rep = evaluator(designs, runs, out / "evaluations" / f"batch-{batch:04d}", True)
            missing = [m for m in space.metrics if m not in rep.metrics]
            if missing:
                raise ConfigError(f"{space.file}: at /optimise: expected metrics the runs report, got {missing}")
            stored_metrics = [m for m in stored_metrics if m in rep.metrics]
            baseline = rep.means(0, stored_metrics)
            if "baseline" not in study.user_attrs:
                study.set_user_attr("baseline", baseline)
            for i, number in enumerate(numbers):
                means = rep.means(i + 1, stored_metrics)
                trial = optuna.trial.Trial(study, study._storage.get_trial_id_from_study_id_trial_number(
                    study._study_id, number))
                trial.set_user_attr("means", means)
                violations = space.violations(means, baseline)
                trial.set_user_attr("constraints", violations)
                if space.constraints and hasattr(trial, "set_constraint"):
                    for c, v in zip(space.constraints, violations):
                        trial.set_constraint(c.text(), v)
                study.tell(number, [float(means[o.metric]) for o in space.objectives])
    finally:
        if bar is not None:
            bar.close()
    return study


def _whole_batch(running: list[Any], space: SearchSpace) -> bool:
    """Whether the running trials are one batch asked whole (every trial, every lever)."""
    batches = {t.user_attrs.get("batch") for t in running}
    return (len(batches) == 1 and None not in batches and len(running) == running[0].user_attrs["size"]
            and all(set(t.params) == set(space.lever_names) for t in running))


def completed(study: Any) -> list[Any]:
    """The completed trials, by their place in the search."""
    optuna = _optuna()
    return sorted((t for t in study.get_trials(deepcopy=False) if t.state == optuna.trial.TrialState.COMPLETE),
                  key=lambda t: t.user_attrs["index"])


def trial_means(trial: Any) -> Mapping[str, float]:
    return trial.user_attrs["means"]


def merged_trials(dirs: Sequence[Path], space: SearchSpace, runs: int) -> tuple[list[Any], list[str], dict[str, float]]:
    """The completed trials of several searches of one space (other optimiser seeds), their names
    (``s<seed>-design-NNNN``) and the baseline they share; ConfigError when the searches are not
    of the same space, replicates and simulation seed (their baselines differ) or repeat a seed."""
    trials: list[Any] = []
    labels: list[str] = []
    baseline: dict[str, float] | None = None
    seeds: set[int] = set()
    for d in dirs:
        try:  # the optimiser seed it ran with (not in the space key's stored copy alone)
            seed = int(json.loads((d / "optimise.json").read_text(encoding="utf-8"))["seed"])
        except (OSError, ValueError, KeyError):
            raise ConfigError(f"--merge: at {d}: expected the --out folder of a finished govsim optimise, "
                              f"got no readable optimise.json") from None
        if seed in seeds:
            raise ConfigError(f"--merge: at {d}: expected searches with different optimiser seeds, got seed {seed} twice")
        seeds.add(seed)
        if not (d / STUDY_FILE).is_file():
            raise ConfigError(f"--merge: at {d}: expected the --out folder of a govsim optimise, got no {STUDY_FILE}")
        study = open_study(d, space, runs, seed, create=False)
        base = dict(study.user_attrs["baseline"])
        if baseline is None:
            baseline = base
        elif base != baseline:
            raise ConfigError(f"--merge: at {d}: expected the same baseline runs as {dirs[0]}, got others "
                              f"(another config, territory or simulation seed)")
        for t in completed(study):
            trials.append(t)
            labels.append(f"s{seed}-design-{int(t.user_attrs['index']):04d}")
    assert baseline is not None
    return trials, labels, baseline
