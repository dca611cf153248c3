"""Rank 0 leads, the other ranks follow: a Python analysis on an MPI job whose decisions (which
runs come next: an optimiser's proposals, when a time limit stops it) are taken by rank 0 alone.

Rank 0 runs the analysis. Each engine call it makes (``api._run_engine``: compare, run, sweep, the
design mode) is first announced to the other ranks, which make the same call: the engine's task
farm then spreads that call's runs over every rank, rank 0 handing them out and writing the store
(docs/distributed.md). Between calls the followers wait without spinning. When rank 0's analysis
ends it tells them how: they return, or raise its error (same type and message). The followers
never read or write the output folder (no shared file system is needed) and nothing they do
depends on timing or on files: what rank 0 decides reaches them as the calls it makes.

Used by ``govsim.optimise`` (``mpirun -n N govsim optimise ...``). Outside MPI, or on one rank,
the analysis runs as it is and nothing is announced."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import _core

_leading = False  # this process is rank 0 of several, inside leading()


def following() -> bool:
    """Whether this process is an MPI rank other than 0 (it follows rank 0's calls)."""
    d = _core.distribution()
    return int(d["ranks"]) > 1 and int(d["rank"]) != 0


def _send(message: Mapping[str, Any]) -> None:
    _core.broadcast(json.dumps(message).encode("utf-8"))


def _receive() -> dict[str, Any]:
    return dict(json.loads(_core.broadcast(b"").decode("utf-8")))


@contextmanager
def leading() -> Iterator[None]:
    """On rank 0 of a job of several ranks: the engine calls made inside are announced to the
    other ranks (which are in :func:`follow`), and they are told at the end whether it ended with
    an error. Elsewhere (no MPI, one rank, or already leading): nothing."""
    global _leading
    d = _core.distribution()
    if int(d["ranks"]) <= 1 or int(d["rank"]) != 0 or _leading:
        yield
        return
    _leading = True
    end: dict[str, Any] = {"op": "end"}
    try:
        yield
    except BaseException as e:
        end["error"], end["message"] = type(e).__name__, str(e)
        raise
    finally:
        _leading = False
        _send(end)


def announce(cfg: Any, command: str, out: str, options: Mapping[str, Any]) -> None:
    """Called by rank 0 before each engine call (``_core.run_experiment(cfg.experiment, command,
    out, **options)``): the followers make the same call. Nothing outside :func:`leading`."""
    if not _leading:
        return
    source = cfg._source
    where = ({"file": str(source)} if isinstance(source, (str, Path))
             else {"doc": source[0], "label": str(source[1]), "base_dir": str(source[2])})
    _send({"op": "run", "config": where, "overrides": [list(p) for p in cfg._overrides],
           "territory": cfg._territory, "command": command, "out": out,
           "options": {k: v for k, v in options.items() if k not in ("progress", "cancel")}})


def _experiment(message: Mapping[str, Any]) -> Any:
    where, pairs = message["config"], [(str(k), str(v)) for k, v in message["overrides"]]
    if "file" in where:
        return _core.Experiment.load(where["file"], pairs, message["territory"])
    return _core.Experiment.from_dict(where["doc"], where["label"], where["base_dir"], pairs)


class LeaderFailed(RuntimeError):
    """Raised on the followers when rank 0's analysis ended with an error other than bad input
    (rank 0 reports it; its message is repeated here)."""


def _error(name: str, message: str) -> BaseException:
    kinds: dict[str, type[BaseException]] = {"ConfigError": _core.ConfigError, "StoreError": _core.StoreError,
                                             "KeyboardInterrupt": KeyboardInterrupt}
    return kinds.get(name, LeaderFailed)(message)


def follow() -> None:
    """On an MPI rank other than 0: makes rank 0's engine calls, as it announces them, until its
    analysis ends; then returns, or raises rank 0's error. A call that fails here fails on rank 0
    too (the engine ends it on every rank), which says why: its error is the one raised. A failure
    of this rank's own while rank 0 went on is raised at the end."""
    own: BaseException | None = None
    while True:
        message = _receive()
        if message["op"] == "end":
            if "error" in message:
                raise _error(str(message["error"]), str(message["message"]))
            if own is not None:
                raise own
            return
        try:
            _core.run_experiment(_experiment(message), message["command"], message["out"], progress=None,
                                 cancel=_core.CancelFlag(), **message["options"])
        except Exception as e:  # noqa: BLE001 - reported by rank 0, or at the end
            own = own or e
