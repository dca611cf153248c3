"""`mpirun -n N govsim ...` driven as a user would (pytest, marked slow: `make test` runs it,
`make check` does not; skipped when govsim is built without MPI or mpirun is absent).

Checks (docs/distributed.md): the results store and every CSV export are identical (apart from
the wall_seconds timing column) for one process without MPI and for 1 to 4 ranks with various
thread counts (compare, sweep, adaptive --target-ci), the runs really are spread over the ranks; a rank killed with SIGKILL leaves the
finished runs in the store and `--resume` with another number of ranks completes the experiment
identically; a failing run (fault injection: GOVSIM_FAIL_RUN) is reported once, naming its scenario
and replicate, and the job exits non-zero; `govsim optimise` writes the same search on 1 to 3 ranks
(continued with --resume on another number of ranks too) and prints its errors once. The
executable is GOVSIM_BIN, else `govsim` beside this Python; MPIEXEC, else mpirun.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from cli_support import BIN, DET_ARGS, EXPORTS, REPO, RESUME_ARGS, brief, check, count_runs, same_exports

MPIEXEC = os.environ.get("MPIEXEC", "mpirun")
# CI runs as root: Open MPI refuses to unless told, and the machine has fewer cores than ranks.
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
ENV.pop("GOVSIM_FAIL_RUN", None)


def _built_with_mpi() -> bool:
    try:
        import govsim
    except ImportError:
        return False
    return bool(govsim.distribution()["built_with_mpi"])


pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which(MPIEXEC) is None, reason=f"no {MPIEXEC} (Debian: openmpi-bin)"),
              pytest.mark.skipif(not _built_with_mpi(), reason="govsim built without MPI (GOVSIM_WITH_MPI=OFF)")]


def mpirun(n: int, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    cmd = [MPIEXEC, "-n", str(n), "--oversubscribe", BIN, *args]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout, env=env or ENV)


def plain(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([BIN, *args], cwd=REPO, capture_output=True, text=True, timeout=300, env=env or ENV)


def store_rows(db: Path) -> tuple[list, list, list]:
    """Everything in the store that is results: meta except the manifest, scenarios, runs without timing."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        meta = con.execute("SELECT key, value FROM meta WHERE key != 'manifest' ORDER BY key").fetchall()
        scen = con.execute("SELECT idx, name, info FROM scenarios ORDER BY idx").fetchall()
        runs = con.execute("SELECT scenario, replicate, metrics, series FROM runs ORDER BY scenario, replicate").fetchall()
        return meta, scen, runs
    finally:
        con.close()


def same_store(name: str, a: Path, b: Path) -> None:
    ma, sa, ra = store_rows(a / "results.sqlite")
    mb, sb, rb = store_rows(b / "results.sqlite")
    check(f"{name}: store meta and scenarios identical", ma == mb and sa == sb)
    check(f"{name}: store runs identical (metrics and series blobs)", ra == rb and len(ra) > 0,
          f"{len(ra)} vs {len(rb)} runs")


def manifest(d: Path) -> dict:
    return json.loads((d / "manifest.json").read_text())


def test_identical(tmp_path: Path) -> None:
    ref = tmp_path / "ref"
    p = plain(*DET_ARGS, "--threads", "2", "--out", str(ref))
    check("reference: one process without MPI succeeds", p.returncode == 0, brief(p))
    total = count_runs(ref / "results.sqlite")
    for n, threads in [(1, 2), (2, 1), (3, 2), (4, 1)]:
        out = tmp_path / f"n{n}-t{threads}"
        p = mpirun(n, *DET_ARGS, "--threads", str(threads), "--out", str(out))
        name = f"mpirun -n {n}, {threads} thread(s)"
        if not check(f"{name}: succeeds", p.returncode == 0, brief(p)):
            continue
        check(f"{name}: prints no error", p.stderr.strip() == "", p.stderr[:300])
        same_store(name, ref, out)
        same_exports(name, ref, out, EXPORTS)
        dist = manifest(out).get("distribution", {})
        per_rank = dist.get("runs_per_rank", [])
        check(f"{name}: manifest records {n} ranks and every run once", dist.get("ranks") == n
              and len(per_rank) == n and sum(per_rank) == total, json.dumps(dist))
        if n > 1:
            check(f"{name}: the runs are spread over several ranks", sum(1 for k in per_rank if k > 0) >= 2,
                  json.dumps(dist))
            check(f"{name}: workers sent their runs back to rank 0", dist.get("bytes_received", 0) > 0
                  and dist.get("messages_received", 0) >= sum(per_rank[1:]), json.dumps(dist))


def test_sweep_and_adaptive(tmp_path: Path) -> None:
    """govsim sweep, and --target-ci (several batches handed out by the same farm)."""
    cases = [("sweep", ["sweep", "scenarios/experiments/sweep-uncertain.json", "--runs", "2",
                        "--set", "sim.population_scale=0.02", "--quiet"], 3),
             ("compare --target-ci", [*DET_ARGS, "--target-ci", "0.00001", "--max-runs", "5"], 2)]
    for name, args, n in cases:
        ref, out = tmp_path / f"{name}-ref", tmp_path / f"{name}-mpi"
        p = plain(*args, "--threads", "2", "--out", str(ref))
        check(f"{name}: one process without MPI succeeds", p.returncode == 0, brief(p))
        p = mpirun(n, *args, "--threads", "1", "--out", str(out))
        if not check(f"{name}: mpirun -n {n} succeeds", p.returncode == 0, brief(p)):
            continue
        same_store(f"{name}, mpirun -n {n}", ref, out)
        same_exports(f"{name}, mpirun -n {n}", ref, out, EXPORTS)
        check(f"{name}: same runs per scenario", manifest(ref).get("runs_per_scenario")
              == manifest(out).get("runs_per_scenario"), f"{manifest(ref).get('runs_per_scenario')}")


def rank_pids(launcher_pid: int) -> dict[int, int]:
    """MPI rank -> pid of the processes that mpirun (pid launcher_pid) started."""
    out = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            if ppid != launcher_pid:
                continue
            env = (d / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        for kv in env:
            if kv.startswith(b"OMPI_COMM_WORLD_RANK="):
                out[int(kv.split(b"=", 1)[1])] = int(d.name)
    return out


def kill_rank_midway(name: str, n: int, rank: int, out: Path, total: int) -> bool:
    pr = subprocess.Popen([MPIEXEC, "-n", str(n), "--oversubscribe", BIN, *RESUME_ARGS,
                           "--out", str(out)], cwd=REPO, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    db = out / "results.sqlite"
    deadline = time.time() + 300
    killed = False
    while time.time() < deadline and pr.poll() is None:
        if count_runs(db) >= 3:
            pids = rank_pids(pr.pid)
            if rank in pids:
                os.kill(pids[rank], signal.SIGKILL)
                killed = True
                break
        time.sleep(0.01)
    try:
        pr.wait(timeout=120)
    except subprocess.TimeoutExpired:
        pr.kill()
        pr.wait()
    saved = count_runs(db)
    check(f"{name}: rank {rank} SIGKILLed mid-way, the job exits non-zero", killed and pr.returncode != 0,
          f"killed {killed}, exit {pr.returncode}")
    return check(f"{name}: the finished runs stay in the store", killed and 3 <= saved < total,
                 f"{saved} of {total} runs saved")


def test_faults(tmp_path: Path) -> None:
    ref = tmp_path / "resume-ref"
    p = plain(*RESUME_ARGS, "--out", str(ref))
    check("faults: uninterrupted reference (no MPI) succeeds", p.returncode == 0, brief(p))
    total = count_runs(ref / "results.sqlite")
    # A worker dies; resume with more ranks.
    out = tmp_path / "killed-worker"
    if kill_rank_midway("killed worker", 2, 1, out, total):
        p = mpirun(3, *RESUME_ARGS, "--out", str(out), "--resume")
        check("killed worker: mpirun -n 3 --resume completes", p.returncode == 0, brief(p))
        check("killed worker: store holds every run once", count_runs(out / "results.sqlite") == total)
        same_store("killed worker, resumed on 3 ranks", ref, out)
        same_exports("killed worker, resumed on 3 ranks", ref, out, EXPORTS)
    # The writer dies; resume in one process without MPI.
    out = tmp_path / "killed-writer"
    if kill_rank_midway("killed writer", 3, 0, out, total):
        p = plain(*RESUME_ARGS, "--out", str(out), "--resume")
        check("killed writer: --resume without MPI completes", p.returncode == 0, brief(p))
        same_store("killed writer, resumed without MPI", ref, out)
        same_exports("killed writer, resumed without MPI", ref, out, ["runs.csv", "summary.csv", "paired.csv"])

    # A failing run: named with its scenario and replicate, once, by rank 0; non-zero exit.
    fail_env = dict(ENV, GOVSIM_FAIL_RUN="political-sponsorship:1")
    for n in (None, 2):
        out = tmp_path / f"fail-{n}"
        p = (plain if n is None else lambda *a, env: mpirun(n, *a, env=env))(*DET_ARGS, "--out", str(out), env=fail_env)
        name = "failing run, " + ("no MPI" if n is None else f"mpirun -n {n}")
        msg = "error: run failed: scenario 'political-sponsorship', replicate 1: injected failure"
        check(f"{name}: exits 1 naming scenario and replicate, once", p.returncode != 0 and p.returncode != 2
              and p.stderr.count(msg) == 1 and "internal error" not in p.stderr, brief(p))
        check(f"{name}: no exports written", not (out / "summary.csv").exists())
    # The failure happens on a worker rank (only rank 1 has the fault): it travels to rank 0.
    out = tmp_path / "fail-worker"
    cmd = [MPIEXEC, "--oversubscribe", "-n", "1", BIN, *DET_ARGS, "--threads", "1", "--out", str(out), ":",
           "-n", "1", "-x", "GOVSIM_FAIL_RUN=*:*", BIN, *DET_ARGS, "--threads", "1", "--out", str(out)]
    p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300, env=ENV)
    found = re.findall(r"error: run failed: scenario '[a-z-]+', replicate \d+: injected failure", p.stderr)
    check("failing run on worker rank 1: rank 0 reports it once, non-zero exit", p.returncode != 0
          and len(found) == 1 and "internal error" not in p.stderr, brief(p))
    saved = count_runs(out / "results.sqlite")
    check("failing run on worker rank 1: rank 0's finished runs are in the store", 0 < saved < 24, f"{saved} runs")


def optimise_config(tmp_path: Path) -> Path:
    """A tiny search: two levers, 2 batches of 2 designs, 2 replicates, a 2% sample over 26 weeks."""
    doc = {"name": "optimise-mpi", "territory": "rural-department",
           "scenarios": [str(REPO / "scenarios/governance/status-quo.json")], "baseline": "status-quo",
           "parameters": {"sim.population_scale": 0.02, "sim.horizon_weeks": 26},
           "experiment": {"runs": 2, "seed": 7},
           "optimise": {"levers": {"governance.funding_structure": {"values": ["fragmented", "single_authority"]},
                                   "mobile.units": {"min": 0, "max": 3}},
                        "objectives": ["non_recours_rate", "total_cost_eur"], "evaluations": 4, "population": 2,
                        "final_runs": 2, "seed": 1}}
    cfg = tmp_path / "optimise-mpi.json"
    cfg.write_text(json.dumps(doc))
    return cfg


def same_search(name: str, a: Path, b: Path) -> None:
    for f in ("pareto.csv", "evaluations.csv", "hypervolume.csv"):
        check(f"{name}: {f} identical", (a / f).read_bytes() == (b / f).read_bytes())
    designs = sorted(p.name for p in (a / "designs").glob("*.json"))
    check(f"{name}: designs/ identical", len(designs) > 0 and designs == sorted(p.name for p in (b / "designs").glob(
        "*.json")) and all((a / "designs" / d).read_bytes() == (b / "designs" / d).read_bytes() for d in designs))
    same_store(f"{name}, the front's store", a / "final", b / "final")


def test_optimise(tmp_path: Path) -> None:
    """`mpirun -n N govsim optimise`: rank 0 runs the search and writes, each batch's runs are spread
    over the ranks; the outputs are those of one process, a search continued with --resume on
    another number of ranks too; an error is printed once and exits 2."""
    cfg = str(optimise_config(tmp_path))
    ref = tmp_path / "ref"
    p = plain("optimise", cfg, "-q", "--threads", "2", "--out", str(ref))
    check("optimise: one process without MPI succeeds", p.returncode == 0, brief(p))
    out = tmp_path / "n1"
    p = mpirun(1, "optimise", cfg, "-q", "--threads", "2", "--out", str(out))
    if check("optimise: mpirun -n 1 succeeds", p.returncode == 0, brief(p)):
        same_search("optimise, mpirun -n 1", ref, out)
    # one batch on 3 ranks, then continued to the second on 2 ranks
    out = tmp_path / "n3-n2"
    p = mpirun(3, "optimise", cfg, "-q", "--threads", "1", "--evaluations", "2", "--out", str(out))
    check("optimise: mpirun -n 3, first batch, succeeds", p.returncode == 0, brief(p))
    check("optimise: mpirun -n 3 prints no error", p.stderr.strip() == "", p.stderr[:300])
    p = mpirun(2, "optimise", cfg, "-q", "--threads", "1", "--resume", "--out", str(out))
    if check("optimise: mpirun -n 2 --resume succeeds", p.returncode == 0, brief(p)):
        same_search("optimise, mpirun -n 3 then -n 2 --resume", ref, out)
        per_rank = [manifest(out / d)["distribution"]["runs_per_rank"] for d in ("evaluations/batch-0001", "final")]
        check("optimise: each batch ran on 2 ranks, both of which ran some", all(len(r) == 2 for r in per_rank)
              and all(sum(r[k] for r in per_rank) > 0 for k in range(2)), str(per_rank))
    # errors: found by every rank (the config) or by rank 0 alone (a search already in --out)
    for name, args in (("bad lever", ["tests/cli/bad/optimise-unknown-lever.json", "--out", str(tmp_path / "bad")]),
                       ("search already there", [cfg, "--out", str(out)])):
        p = mpirun(3, "optimise", *args, "-q")
        check(f"optimise, {name}: mpirun -n 3 exits 2 with one error message", p.returncode == 2
              and p.stderr.count("error:") == 1, brief(p))
    check("optimise, bad lever: nothing written", not (tmp_path / "bad").exists())
