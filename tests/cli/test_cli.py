"""The govsim CLI driven as a user would (pytest; `make test-python`, `make check`).

Checks: the malformed-config corpus in tests/cli/bad/ (one test per file, expected.json: exit
status 2, message naming the file, the JSON pointer and what was expected, nothing written to
--out), bad command-line options, help/version/describe/schema/validate, determinism across
thread counts, resume after SIGKILL, sharding + `govsim merge`, and that no progress bar is drawn
unless stderr is a terminal. The executable is GOVSIM_BIN, else `govsim` beside this Python.
"""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from cli_support import (BAD, BIN, DET_ARGS, EXPORTS, PROGRESS_MARK, REPO, RESUME_ARGS, SMALL, brief, check,
                         count_runs, expect_input_error, govsim, same_exports, tree_snapshot, write_json)

CORPUS = sorted(p.name for p in BAD.glob("*.json") if p.name != "expected.json")


def expected_cases() -> dict:
    return json.loads((BAD / "expected.json").read_text())["cases"]


def test_corpus_is_covered_by_expected_json() -> None:
    spec = expected_cases()
    check("corpus: at least 30 malformed configs", len(CORPUS) >= 30, f"only {len(CORPUS)}")
    check("corpus: expected.json covers every file", sorted(spec) == CORPUS,
          f"no entry for {sorted(set(CORPUS) - set(spec))}, no file for {sorted(set(spec) - set(CORPUS))}")


@pytest.mark.parametrize("name", CORPUS)
def test_corpus(name: str, tmp_path: Path) -> None:
    spec = expected_cases()
    if name not in spec:
        pytest.fail(f"tests/cli/bad/expected.json has no entry for {name}")
    case = spec[name]
    rel = f"tests/cli/bad/{name}"
    out = tmp_path / f"corpus-out-{Path(name).stem}"
    p = govsim("compare", rel, "--out", str(out), "--quiet", *case.get("args", []))
    subs = case["stderr"]
    expect_input_error(f"corpus compare {name}", p, subs, out)
    if p.returncode != case.get("exit", 2):
        check(f"corpus {name}: exit {case.get('exit', 2)}", False, brief(p))
    p = govsim("validate", rel)
    expect_input_error(f"corpus validate {name}", p, subs)
    check(f"corpus validate {name}: nothing on stdout", p.stdout == "", repr(p.stdout[:200]))
    check(f"corpus {name}: the message suggests a next step", "\nnext: " in p.stderr or "errors; " in p.stderr,
          repr(p.stderr[-200:]))


BAD_OPTIONS = [
    ("--set unknown name", ["--set", "needs.rate_per_yer=5"],
     ["--set", "needs.rate_per_yer", 'did you mean "needs.rate_per_year"?']),
    ("--set bad value", ["--set", "needs.rate_per_year=lots"],
     ["--set", "needs.rate_per_year", "expected a number in [0, 100]", "'lots'"]),
    ("--set out of range", ["--set", "sim.population_scale=5"],
     ["--set", "sim.population_scale", "expected a number in [0.0001, 1]", "'5'"]),
    ("--set bad choice", ["--set", "governance.owner_level=planet"],
     ["--set", "governance.owner_level", "expected one of commune | epci"]),
    ("--set without '='", ["--set", "needs.rate_per_year"], ["--set", "expected name=value"]),
    ("--set with empty name", ["--set", "=5"], ["--set", "expected name=value"]),
    ("--threads -1", ["--threads", "-1"], ["--threads", "expected 0 or a positive integer", "got -1"]),
    ("--threads not a number", ["--threads", "many"], ["--threads", "many"]),
    ("--runs 0", ["--runs", "0"], ["--runs", "expected a positive integer", "got 0"]),
    ("--runs -2", ["--runs=-2"], ["--runs", "expected a positive integer", "got -2"]),
    ("--shard 2/2", ["--shard", "2/2"], ["--shard", "expected K/N with 0 <= K < N", "'2/2'"]),
    ("--shard garbage", ["--shard", "x"], ["--shard", "expected K/N"]),
    ("--shard trailing junk", ["--shard", "0/2x"], ["--shard", "expected K/N", "'0/2x'"]),
    ("--seed -1", ["--seed", "-1"], ["--seed", "expected a non-negative integer", "got -1"]),
    ("--max-runs 0 with --target-ci", ["--target-ci", "0.01", "--max-runs", "0"],
     ["--max-runs", "expected a positive integer", "got 0"]),
    ("--rank-by unknown metric", ["--rank-by", "happiness"], ["--rank-by", "happiness"]),
    ("--target-ci 0", ["--target-ci", "0"], ["--target-ci", "expected a positive half-width"]),
    ("unknown option", ["--frobnicate"], ["frobnicate", "govsim compare --help"]),
]


@pytest.mark.parametrize("label,extra,subs", BAD_OPTIONS, ids=[c[0] for c in BAD_OPTIONS])
def test_bad_option(label: str, extra: list[str], subs: list[str], tmp_path: Path) -> None:
    out = tmp_path / ("opt-out-" + "".join(c if c.isalnum() else "_" for c in label))
    p = govsim("compare", SMALL, "--out", str(out), "--quiet", *extra)
    expect_input_error(f"option {label}", p, subs, out)


def test_bad_command_lines(tmp_path: Path) -> None:
    out = tmp_path / "opt-missing-config"
    p = govsim("compare", "tests/cli/bad/no-such-config.json", "--out", str(out))
    expect_input_error("option missing CONFIG file", p, ["no-such-config.json", "expected an existing config file"], out)
    p = govsim("compare", "--out", str(out))
    expect_input_error("option no CONFIG", p, ["missing CONFIG"], out)
    p = govsim("frobnicate")
    check("unknown command exits 2", p.returncode == 2 and "unknown command" in p.stderr, brief(p))
    p = govsim()
    check("no command exits 2 with usage", p.returncode == 2 and "Usage" in p.stderr, brief(p))


def test_good_paths() -> None:
    p = govsim("--help")
    check("--help", p.returncode == 0 and "Usage: govsim <command>" in p.stdout and "compare" in p.stdout, brief(p))
    p = govsim("--version")
    check("--version", p.returncode == 0 and p.stdout.startswith("govsim ") and len(p.stdout.split()) >= 2, brief(p))
    for cmd in ["compare", "run", "sweep", "validate", "init", "describe", "schema", "merge", "report"]:
        p = govsim(cmd, "--help")
        check(f"{cmd} --help shows an Example", p.returncode == 0 and "Example" in p.stdout
              and f"govsim {cmd}" in p.stdout, brief(p) + f" stdout {p.stdout[:200]!r}")
    p = govsim("describe", "governance.")
    names = [ln.split()[0] for ln in p.stdout.splitlines() if ln and not ln.startswith(" ")]
    check("describe governance. lists governance parameters",
          p.returncode == 0 and len(names) >= 5 and all(n.startswith("governance.") for n in names)
          and "governance.funding_structure" in names and "default" in p.stdout and "source:" in p.stdout,
          brief(p) + f" names {names[:5]}")
    p = govsim("describe", "--json")
    try:
        all_params = json.loads(p.stdout)
        ok = p.returncode == 0 and len(all_params) > 20 and {"name", "type", "default", "range", "source"} <= set(all_params[0])
    except json.JSONDecodeError as e:
        ok, all_params = False, []
        p.stderr += f" (bad JSON: {e})"
    check("describe --json is a JSON list of parameters", ok, brief(p))
    p = govsim("describe", "nosuchprefix")
    expect_input_error("describe nosuchprefix exits 2", p, ["nosuchprefix"])
    for which in ["config", "scenario"]:
        committed = REPO / "scenarios" / "schema" / f"{which}.schema.json"
        p = govsim("schema", which)
        ok = p.returncode == 0 and committed.is_file() and p.stdout == committed.read_text()
        check(f"schema {which} equals the committed scenarios/schema/{which}.schema.json", ok,
              f"the committed schema is stale (exit {p.returncode}): regenerate it with "
              f"`govsim schema {which} > scenarios/schema/{which}.schema.json` and commit it")
    p = govsim("schema", "bogus")
    expect_input_error("schema bogus exits 2", p, ["config or scenario", "'bogus'"])
    for cfg in sorted((REPO / "scenarios" / "experiments").glob("*.json")):
        rel = cfg.relative_to(REPO).as_posix()
        p = govsim("validate", rel)
        check(f"validate {rel}", p.returncode == 0 and ": valid (" in p.stdout and p.stderr == "", brief(p))


def test_determinism_sharding_progress(tmp_path: Path) -> None:
    dirs = {}
    for t in [1, 2, 8]:
        d = tmp_path / f"det-t{t}"
        p = govsim(*DET_ARGS, "--threads", str(t), "--out", str(d))
        check(f"determinism: compare --threads {t} succeeds", p.returncode == 0, brief(p))
        check(f"progress: --quiet --threads {t} draws no bar", PROGRESS_MARK not in p.stderr, repr(p.stderr[:200]))
        dirs[t] = d
    for t in [2, 8]:
        same_exports(f"determinism threads 1 vs {t}", dirs[1], dirs[t], EXPORTS)

    # Results already in --out: refused without --force, nothing touched.
    before = tree_snapshot(dirs[1])
    p = govsim(*DET_ARGS, "--threads", "1", "--out", str(dirs[1]))
    expect_input_error("--out with results and no --force exits 2", p,
                       [str(dirs[1]), "already holds results.sqlite", "--force"])
    check("--out with results and no --force: files untouched", tree_snapshot(dirs[1]) == before)

    # Sharding: two processes, then merge; equal to the unsharded run.
    shards = [tmp_path / "shard0", tmp_path / "shard1"]
    procs = [subprocess.Popen([BIN, *DET_ARGS, "--threads", "1", "--shard", f"{k}/2", "--out", str(shards[k])],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k in range(2)]
    for k, pr in enumerate(procs):
        out, err = pr.communicate(timeout=300)
        check(f"sharding: --shard {k}/2 succeeds", pr.returncode == 0, f"exit {pr.returncode}: {err[:300]!r}")
    n0, n1 = count_runs(shards[0] / "results.sqlite"), count_runs(shards[1] / "results.sqlite")
    check("sharding: the shards split the 24 runs", n0 + n1 == 24 and n0 > 0 and n1 > 0, f"{n0} + {n1}")
    merged = tmp_path / "merged"
    p = govsim("merge", str(merged), str(shards[0]), str(shards[1]))
    check("sharding: govsim merge succeeds", p.returncode == 0 and "merged 24 runs" in p.stdout, brief(p) + f" {p.stdout!r}")
    same_exports("sharding merge vs unsharded", dirs[1], merged, ["summary.csv", "paired.csv", "runs.csv"])
    p = govsim("merge", str(tmp_path / "merged-bad"), str(tmp_path / "no-such-store"))
    expect_input_error("merge of a missing store exits 2", p, ["no-such-store", "results store"])

    # Progress bar: absent when stderr is not a terminal (even without --quiet) ...
    args = ["compare", SMALL, "--set", "sim.population_scale=0.02"]  # DET_ARGS without --runs/--quiet
    p = govsim(*args, "--runs", "1", "--threads", "2", "--out", str(tmp_path / "progress-pipe"))
    check("progress: stderr not a terminal draws no bar", p.returncode == 0 and PROGRESS_MARK not in p.stderr
          and "\r" not in p.stderr, brief(p))
    check("progress: without --quiet the table is printed", "runs (" in p.stdout, repr(p.stdout[-300:]))
    # ... and present on a terminal (so the check above is not vacuous).
    master, slave = pty.openpty()
    pr = subprocess.Popen([BIN, *args, "--runs", "1", "--threads", "2", "--out", str(tmp_path / "progress-tty")],
                          cwd=REPO, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    tty_err = b""
    deadline = time.time() + 120
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            tty_err += chunk
        elif pr.poll() is not None:
            break
    pr.wait(timeout=60)
    os.close(master)
    check("progress: a terminal gets the bar", pr.returncode == 0 and PROGRESS_MARK.encode() in tty_err,
          f"exit {pr.returncode}, tty output {tty_err[:200]!r}")
    p = subprocess.run([BIN, *args, "--runs", "1", "--threads", "2", "--quiet", "--out", str(tmp_path / "progress-tty-q")],
                       cwd=REPO, capture_output=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    check("progress: --quiet draws no bar", p.returncode == 0 and PROGRESS_MARK.encode() not in p.stderr, repr(p.stderr[:200]))


def test_resume(tmp_path: Path) -> None:
    ref = tmp_path / "resume-ref"
    p = govsim(*RESUME_ARGS, "--out", str(ref))
    check("resume: uninterrupted reference run succeeds", p.returncode == 0, brief(p))
    total = count_runs(ref / "results.sqlite")

    out = tmp_path / "resume-killed"
    pr = subprocess.Popen([BIN, *RESUME_ARGS, "--out", str(out)], cwd=REPO,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    db = out / "results.sqlite"
    deadline = time.time() + 300
    n = 0
    while time.time() < deadline and pr.poll() is None:
        n = count_runs(db)
        if n >= 2:
            break
        time.sleep(0.01)
    still_running = pr.poll() is None
    if still_running:
        pr.send_signal(signal.SIGKILL)
    pr.wait(timeout=60)
    saved = count_runs(db)
    check("resume: SIGKILLed mid-way with >= 2 runs saved", still_running and 2 <= saved < total,
          f"running at kill {still_running}, {saved} of {total} runs saved")
    check("resume: no exports written by the killed run", not (out / "summary.csv").exists())
    p = govsim(*RESUME_ARGS, "--out", str(out), "--resume")
    check("resume: --resume completes", p.returncode == 0, brief(p))
    check("resume: store holds every run once", count_runs(db) == total, f"{count_runs(db)} vs {total}")
    same_exports("resume vs uninterrupted", ref, out, ["runs.csv", "summary.csv", "paired.csv"])


def test_inputs_generated(tmp_path: Path) -> None:
    """Inputs too large or too environment-specific to commit: enormous, unreadable, bad --out."""
    big = tmp_path / "enormous.json"
    with big.open("w") as f:  # 33 MiB of valid JSON
        f.write('{"name": "big", "territory": "rural-department", "scenarios": [{"name": "a"}], "description": "')
        f.write("x" * (33 << 20))
        f.write('"}\n')
    out = tmp_path / "out-enormous"
    p = govsim("compare", str(big), "--out", str(out), "--quiet")
    expect_input_error("enormous config file", p, ["enormous.json", "expected a JSON file of at most 32 MiB", "33 MiB"], out)
    big.unlink()
    if os.geteuid() != 0:  # root reads everything
        locked = write_json(tmp_path / "locked.json", {"name": "x"})
        locked.chmod(0)
        p = govsim("validate", str(locked))
        expect_input_error("unreadable config file", p, ["locked.json", "cannot open it"])
    p = govsim("validate", str(tmp_path))
    expect_input_error("a directory as config", p, [str(tmp_path), "expected an existing config or scenario file"])
    # --out that is a file, or under a file.
    afile = tmp_path / "a-file"
    afile.write_text("x")
    p = govsim(*DET_ARGS, "--out", str(afile))
    expect_input_error("--out is a file", p, ["a-file", "expected an output directory", "choose another output directory"])
    p = govsim(*DET_ARGS, "--out", str(afile / "sub"))
    check("--out under a file exits 2", p.returncode == 2 and "internal error" not in p.stderr, brief(p))
    if os.geteuid() != 0:
        ro = tmp_path / "read-only"
        ro.mkdir()
        ro.chmod(0o555)
        p = govsim(*DET_ARGS, "--out", str(ro / "results"))
        expect_input_error("unwritable --out parent", p, ["expected a writable output directory", "no write permission"],
                           ro / "results")
        ro.chmod(0o755)
    # A territory CSV with a bad row: the command fails before its first run and writes nothing.
    (tmp_path / "terr").mkdir()
    (tmp_path / "terr" / "communes.csv").write_text("code,name\n41018,Blois\n")
    cfg = write_json(tmp_path / "terr" / "config.json", {"name": "t", "territory": {"communes_csv": "communes.csv"},
                                                   "scenarios": [{"name": "a"}]})
    out = tmp_path / "out-bad-territory"
    p = govsim("compare", str(cfg), "--out", str(out), "--quiet")
    check("bad territory CSV: exit 2", p.returncode == 2 and "communes.csv" in p.stderr, brief(p))
    check("bad territory CSV: no results store left behind", not (out / "results.sqlite").exists())


def test_scenario_files(tmp_path: Path) -> None:
    for f in sorted((REPO / "scenarios" / "governance").glob("*.json")) + sorted((REPO / "scenarios" / "levers").glob("*.json")):
        rel = f.relative_to(REPO).as_posix()
        p = govsim("validate", rel)
        check(f"validate scenario {rel}", p.returncode == 0 and "valid scenario" in p.stdout and p.stderr == "", brief(p))
    p = govsim("validate", *[f.relative_to(REPO).as_posix() for f in sorted((REPO / "scenarios" / "governance").glob("*.json"))],
               SMALL)
    check("validate several files at once", p.returncode == 0 and p.stdout.count("valid") == 9, brief(p))
    # Every error of a scenario file (and of its extends chain) in one run.
    d = tmp_path / "scen"
    write_json(d / "base.json", {"$schema": "../schema/scenario.schema.json", "name": "base",
                                 "parameters": {"governance.owner_level": "planet"}})
    child = write_json(d / "child.json", {"name": "child", "extends": "base.json", "colour": "blue",
                                          "parameters": {"animation.intensity": 3, "mediation.fte_per_pont": 2,
                                                         "observation.enabled": "yes"}})
    p = govsim("validate", str(child))
    expect_input_error("validate scenario: every error at once", p, [
        "base.json: at /parameters/governance.owner_level", "child.json: at /colour",
        "child.json: at /parameters/animation.intensity", "child.json: at /parameters/mediation.fte_per_pont",
        "child.json: at /parameters/observation.enabled", "5 errors;"])
    check("validate scenario: one line per error", p.stderr.count("error: ") == 5, p.stderr)
    cyc = write_json(d / "cyc.json", {"name": "cyc", "extends": "cyc.json"})
    p = govsim("validate", str(cyc))
    expect_input_error("validate scenario: extends itself", p, ["cyc.json", "at /extends", "without cycles"])
    miss = write_json(d / "miss.json", {"name": "miss", "extends": "nowhere.json"})
    p = govsim("run", str(miss), "--territory", "city", "--out", str(tmp_path / "out-miss"))
    expect_input_error("run scenario: missing extends", p, ["miss.json", "at /extends", "nowhere.json", "not found"],
                       tmp_path / "out-miss")
    # govsim run on a scenario file: on --territory, or on its own "territory".
    scen = "scenarios/governance/regional-hubs.json"
    out = tmp_path / "run-scenario"
    p = govsim("run", scen, "--territory", "rural-department", "--runs", "2", "--set", "sim.population_scale=0.02",
               "--set", "sim.horizon_weeks=26", "--out", str(out), "--quiet")
    check("run a scenario file with --territory", p.returncode == 0 and count_runs(out / "results.sqlite") == 2, brief(p))
    if (out / "manifest.json").is_file():
        man = json.loads((out / "manifest.json").read_text())
        check("run a scenario file: manifest names the scenario", man.get("scenarios") == ["regional-hubs"], str(man)[:300])
    p = govsim("run", scen, "--runs", "1", "--out", str(tmp_path / "run-no-territory"))
    expect_input_error("run a scenario file without territory", p, ["regional-hubs.json", "at /territory",
                       "--territory NAME|FILE"], tmp_path / "run-no-territory")
    p = govsim("run", scen, "--territory", "atlantis", "--out", str(tmp_path / "run-atlantis"))
    expect_input_error("run a scenario file on an unknown territory", p, ["--territory", "atlantis", "rural-department"],
                       tmp_path / "run-atlantis")
    p = govsim("compare", scen, "--out", str(tmp_path / "compare-scenario"))
    expect_input_error("compare a scenario file", p, ["regional-hubs.json", "a scenario file", "govsim run"],
                       tmp_path / "compare-scenario")
    with_terr = write_json(d / "with-territory.json", {"name": "with-territory", "extends":
                           str(REPO / "scenarios" / "governance" / "status-quo.json"), "territory": "city",
                           "parameters": {"sim.population_scale": 0.02, "sim.horizon_weeks": 26}})
    out = tmp_path / "run-own-territory"
    p = govsim("run", str(with_terr), "--runs", "1", "--out", str(out), "--quiet")
    check("run a scenario file on its own territory", p.returncode == 0 and count_runs(out / "results.sqlite") == 1, brief(p))


def test_init(tmp_path: Path) -> None:
    d = tmp_path / "my-study"
    p = govsim("init", str(d))
    check("init writes a starter experiment", p.returncode == 0 and all((d / f).is_file() for f in [
        "experiment.json", "scenarios/baseline.json", "scenarios/variant.json", "README.md",
        "presets/status-quo.json", "presets/regional-hubs.json"]), brief(p))
    p = govsim("validate", str(d / "experiment.json"), str(d / "scenarios" / "baseline.json"),
               str(d / "scenarios" / "variant.json"))
    check("init: the starter validates", p.returncode == 0 and p.stdout.count("valid") == 3, brief(p))
    out = d / "results"
    p = govsim("compare", str(d / "experiment.json"), "--runs", "2", "--set", "sim.population_scale=0.02",
               "--out", str(out), "--quiet")
    check("init: the starter runs", p.returncode == 0 and (out / "summary.csv").is_file(), brief(p))
    p = govsim("run", str(d / "scenarios" / "variant.json"), "--runs", "1", "--set", "sim.population_scale=0.02",
               "--set", "sim.horizon_weeks=26", "--out", str(d / "variant-run"), "--quiet")
    check("init: a starter scenario runs on its own", p.returncode == 0, brief(p))
    p = govsim("init", str(d))
    expect_input_error("init into a non-empty directory", p, [str(d), "expected a new or empty directory"])


def test_results_dirs(tmp_path: Path) -> None:
    """Damaged or inconsistent results directories: exit 2, nothing written, a next step."""
    good = tmp_path / "rd-good"
    p = govsim(*DET_ARGS, "--threads", "2", "--out", str(good))
    if not check("results dirs: reference run", p.returncode == 0, brief(p)):
        return
    # Store overwritten with random bytes.
    bad = tmp_path / "rd-corrupt"
    shutil.copytree(good, bad)
    (bad / "results.sqlite").write_bytes(os.urandom(8192))
    p = govsim(*DET_ARGS, "--out", str(bad), "--resume")
    expect_input_error("resume on a corrupt store", p, ["results.sqlite", "--force"])
    p = govsim("merge", str(tmp_path / "rd-merged-1"), str(bad))
    expect_input_error("merge of a corrupt store", p, ["rd-corrupt", "expected a govsim results store"], tmp_path / "rd-merged-1")
    # Store and CSV exports disagree (runs.csv from another experiment).
    dis = tmp_path / "rd-disagree"
    shutil.copytree(good, dis)
    with (dis / "runs.csv").open("a") as f:
        f.write((dis / "runs.csv").read_text().splitlines()[1] + "\n")
    p = govsim(*DET_ARGS, "--out", str(dis), "--resume")
    expect_input_error("resume when exports disagree with the store", p, ["runs.csv", "disagree", "--force"])
    p = govsim("merge", str(tmp_path / "rd-merged-2"), str(good), str(dis))
    expect_input_error("merge when exports disagree with the store", p, ["runs.csv", "disagree"], tmp_path / "rd-merged-2")
    # Merge into a directory that already holds results: refused, untouched.
    before = tree_snapshot(good)
    p = govsim("merge", str(good), str(good))
    expect_input_error("merge into a results directory", p, ["already holds results.sqlite", "new OUT_DIR"])
    check("merge into a results directory: untouched", tree_snapshot(good) == before)
    # A store with zero runs (left by an older failing command) is accepted by the rerun.
    empty = tmp_path / "rd-empty"
    empty.mkdir()
    shutil.copy(good / "results.sqlite", empty / "results.sqlite")
    con = sqlite3.connect(empty / "results.sqlite")
    con.execute("DELETE FROM runs")
    con.commit()
    con.close()
    p = govsim(*DET_ARGS, "--out", str(empty))
    check("a store without runs does not block the rerun", p.returncode == 0, brief(p))
