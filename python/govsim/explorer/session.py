"""An explorer session: a config at reduced scale, the evaluation of lever values against its
baseline, and the scenario file that saves them.

An evaluation is one ``govsim compare`` of two scenarios — the baseline and the explored one
(the chosen seed scenario with the page's levers) — built by the optimiser's
:class:`~govsim.optimisation.evaluation.ModelEvaluator` (the baseline as written, and the
explored scenario extending it, with the config's parameters and ``--set``, on its territory and
seed: replicate r of both on the same random streams), read back by the report's loader. Results are cached by the explored scenario's
parameter changes; a newer evaluation cancels the one running (it raises :class:`Superseded`)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import _core
from ..api import Config
from ..optimisation.evaluation import ModelEvaluator, baseline_item, batch_config, config_folder
from ..optimisation.optimiser import extending_baseline
from ..reporting.load import ReportData, load
from .levers import Lever, LeverError, check_levers, levers

EXPLORED = "explored"  # the explored scenario's name in an evaluation
SCALE_PARAMETER = "sim.population_scale"
CACHE_SIZE = 64
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


class Superseded(RuntimeError):
    """An evaluation made stale by a newer one (cancelled, or not started)."""


class Session:
    """The explorer of ``config``: its scenarios at ``scale`` (share of adults simulated),
    ``runs`` replicates on common random numbers, ``threads`` (0: all cores); saved scenario
    files go to ``out``."""

    def __init__(self, config: Config, scale: float = 0.1, runs: int = 8, threads: int = 0,
                 out: str | os.PathLike[str] = "explored") -> None:
        self.base_config = config
        self.config = config.with_overrides({SCALE_PARAMETER: scale})
        self.scale, self.runs, self.threads = float(scale), int(runs), int(threads)
        self.out = Path(out)
        self.levers: list[Lever] = levers()
        self.table = {lv.name: lv for lv in self.levers}
        self.evaluator = ModelEvaluator(self.config, threads=threads)
        self._cache: OrderedDict[str, ReportData] = OrderedDict()
        self._state = threading.Lock()  # generation, flag, cache
        self._running = threading.Lock()  # one ensemble at a time
        self._generation = 0
        self._flag: Any = None
        self.work = Path(tempfile.mkdtemp(prefix="govsim-explore-"))

    def cancel(self) -> int:
        """Makes the evaluation running (and any waiting) stale: it stops after its runs in flight.
        Returns the new generation (an evaluation runs only if it is still the newest)."""
        with self._state:
            self._generation += 1
            if self._flag is not None:
                self._flag.set()
            return self._generation

    def close(self) -> None:
        """Cancels a running evaluation and removes the working folder."""
        self.cancel()
        with self._running:
            shutil.rmtree(self.work, ignore_errors=True)

    # ---- what the page starts from --------------------------------------------------------
    @property
    def baseline(self) -> str:
        return self.config.baseline

    def seed_scenario(self, seed: Any) -> str:
        """``seed`` (a scenario of the config), or a LeverError; None or "" is the baseline."""
        if seed in (None, ""):
            return self.baseline
        if not isinstance(seed, str) or seed not in self.config.scenarios:
            raise LeverError(f"/seed: expected one of the config's scenarios ({', '.join(self.config.scenarios)}), "
                             f"got {seed!r}")
        return seed

    def start_values(self, seed: str | None = None) -> dict[str, Any]:
        """The levers' values in scenario ``seed`` (default: the baseline)."""
        params = self.config.scenario_parameters(self.seed_scenario(seed))
        return {lv.name: params[lv.name] for lv in self.levers}

    def changes(self, seed: Any, values: Any) -> dict[str, Any]:
        """The explored scenario as parameter changes from the baseline: scenario ``seed`` with
        the lever ``values`` (checked: a LeverError names the lever and its range)."""
        checked = check_levers(self.table, values)
        base = self.config.scenario_parameters()
        params = dict(self.config.scenario_parameters(self.seed_scenario(seed)))
        params.update(checked)
        return {k: v for k, v in sorted(params.items()) if base.get(k) != v}

    # ---- evaluation -----------------------------------------------------------------------
    def evaluate(self, seed: Any, values: Any) -> ReportData:
        """The comparison of the explored scenario with the baseline (cached); raises
        :class:`Superseded` when a newer call came in before it finished."""
        changes = self.changes(seed, values)
        key = json.dumps(changes, sort_keys=True, default=str)
        generation = self.cancel()  # the run in flight, if any, is stale
        with self._state:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        with self._running:
            with self._state:
                if generation != self._generation:
                    raise Superseded("superseded by a newer request")
                flag = self._flag = _core.CancelFlag()
            data = self._run(changes, flag)
        with self._state:
            self._cache[key] = data
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return data

    def _run(self, changes: Mapping[str, Any], flag: Any) -> ReportData:
        doc = self.evaluator.document([changes], self.runs)
        doc["name"] = f"{self.config.name}-explore"
        doc["scenarios"][1]["name"] = EXPLORED
        info = self.config.to_dict()["scenarios"][self.config.scenarios.index(self.baseline)]
        base = doc["scenarios"][0] if isinstance(doc["scenarios"][0], dict) else None
        if base is not None:  # an inline baseline: the page's words (a file baseline has its own)
            base.update({k: info[k] for k in ("title", "titles") if info.get(k)})
        cfg = batch_config(self.config, doc, "explore", list(changes))
        out = Path(tempfile.mkdtemp(prefix="run-", dir=self.work))
        try:
            report = _core.run_experiment(cfg.experiment, "compare", str(out), threads=self.threads, force=True,
                                          cancel=flag)
            if flag.is_set() or report.get("cancelled"):
                raise Superseded("superseded by a newer request")
            data = load(out)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        data.series_values = data.series_values[:0]  # not shown: keep the cache small
        return data

    # ---- saving ---------------------------------------------------------------------------
    def save(self, seed: Any, values: Any, name: Any, title: Any = "", overwrite: bool = False) -> dict[str, Any]:
        """Writes ``out/NAME.json`` (the explored scenario: a file extending the baseline's) and
        ``out/NAME-experiment.json`` (it against the baseline, at the config's scale and runs);
        returns their paths, the scenario document and the commands that run them."""
        if not isinstance(name, str) or not name or not set(name) <= _NAME_CHARS or name.startswith("."):
            raise LeverError(f"/name: expected a file name of letters, digits, '-', '_' or '.', got {name!r}")
        if name == self.baseline:
            raise LeverError(f"/name: expected a name other than the baseline's, got {name!r}")
        if not isinstance(title, str):
            raise LeverError(f"/title: expected a text, got {title!r}")
        changes = self.changes(seed, values)
        self.out.mkdir(parents=True, exist_ok=True)
        path, exp_path = self.out / f"{name}.json", self.out / f"{name}-experiment.json"
        if path.exists() and not overwrite:
            raise FileExistsError(f"/name: {path} exists already (choose another name)")
        doc: dict[str, Any] = {"name": name, "title": title or f"{name} (govsim explore)",
                               "description": f"Explored with govsim explore from {self.seed_scenario(seed)}: "
                                              f"the baseline {self.baseline} with these parameters."}
        doc.update(extending_baseline(self.base_config, changes, self.out))
        _write_json(path, doc, check=_core.load_scenario)  # as govsim validate
        _write_json(exp_path, self._experiment(name, path, doc.get("extends")))
        return {"path": str(path), "experiment": str(exp_path), "document": doc,
                "commands": self.commands(exp_path, name)}

    def _experiment(self, name: str, path: Path, extends: str | None) -> dict[str, Any]:
        """The saved scenario (``path``, extending the baseline's file ``extends``, a path from its
        folder) against the baseline: the config's territory, seed and runs, and the parameters
        its every scenario shares with the baseline's (config-wide and --set)."""
        base_ref: Any = extends or baseline_item(self.base_config)  # an inline baseline as written
        territory = self.base_config.to_dict()["territory"]
        folder = config_folder(self.base_config)
        if isinstance(territory, str) and (folder / territory).is_file():
            territory = str((folder / territory).resolve())
        return {"name": f"{name}-vs-{self.baseline}",
                "title": f"{name} against {self.baseline} (govsim explore)",
                "territory": territory, "scenarios": [base_ref, path.name], "baseline": self.baseline,
                "parameters": self.shared_parameters(),
                "experiment": {"runs": self.base_config.runs, "seed": self.base_config.seed}}

    def shared_parameters(self) -> dict[str, Any]:
        """Parameters the config sets for every scenario (its "parameters" and --set) that the
        baseline's own file does not give: found as the baseline's values that differ from what
        its scenario file alone resolves to."""
        resolved = self.base_config.to_dict()
        info = resolved["scenarios"][self.base_config.scenarios.index(self.baseline)]
        alone = dict(_core.load_scenario(info["file"])["parameters"]) if info.get("file") else {}
        if not alone:
            return {}
        return {k: v for k, v in self.base_config.scenario_parameters().items() if alone.get(k) != v}

    def commands(self, experiment: Path, name: str) -> dict[str, str]:
        """The commands of the full report and of the numbers this page shows."""
        res = Path("results") / name
        return {"full": f"govsim compare {experiment} --out {res} && govsim report {res} -o {res}/report.html",
                "same_as_page": f"govsim compare {experiment} --set {SCALE_PARAMETER}={self.scale:g} "
                                f"--runs {self.runs} --out {res}-explore"}


def _write_json(path: Path, doc: Mapping[str, Any], check: Any = None) -> None:
    """Writes ``doc`` to ``path`` whole or not at all: beside it first, ``check(file)`` (which
    raises on a bad file: then nothing is left), then renamed."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    try:
        if check is not None:
            check(str(tmp))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
