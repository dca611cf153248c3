"""The command line and its inputs as a rapporteur, a planner and a researcher met them (issue 29,
items 9, 10, 16, 17, 19, 21, 22): another territory for an experiment, a built territory file,
`govsim init`'s schemas, hints for typos and unquoted commas, messages of the Python API, MPI
launchers, and the paths of every `--help` example."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOVSIM = Path(os.environ.get("GOVSIM_BIN") or Path(sys.executable).parent / "govsim")
SMALL = ROOT / "scenarios" / "experiments" / "seed-scenarios-small.json"
QUICK = ["--runs", "1", "--set", "sim.population_scale=0.01", "--set", "sim.horizon_weeks=8", "--quiet"]
COMMUNES = (
    "code_insee,name,population,lat,lon,epci_siren,epci_name,density\n"
    "41018,Blois,45871,47.58,1.30,200030658,Agglopolys,2\n"
    "41269,Vendôme,15548,47.80,1.06,200072072,Territoires Vendômois,3\n"
)


def govsim(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(GOVSIM), *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=600,
                          env=env)


# --- 9: an experiment on another territory ------------------------------------------------------

def test_compare_runs_a_config_on_another_territory(tmp_path):
    out = tmp_path / "lec"
    r = govsim("compare", str(SMALL), "--territory", "loir-et-cher", "--out", str(out), *QUICK)
    assert r.returncode == 0, r.stderr
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    cfg = m["config"]
    assert cfg["territory"] == "loir-et-cher"
    assert cfg["territory_configured"] == json.loads(SMALL.read_text(encoding="utf-8"))["territory"]
    assert "loir-et-cher" in cfg["description"]
    assert m["territory"]["communes"] == 267  # the territory actually run


def test_python_load_config_takes_a_territory():
    import govsim as g

    cfg = g.load_config(SMALL, territory="loir-et-cher")
    assert cfg.to_dict()["territory"] == "loir-et-cher" and "loir-et-cher" in cfg.description
    assert cfg.with_overrides({"sim.population_scale": 0.01}).to_dict()["territory"] == "loir-et-cher"


@pytest.mark.parametrize("cmd", ["robustness", "sensitivity"])
def test_uncertainty_commands_accept_territory(cmd):
    r = govsim(cmd, "--help")
    assert r.returncode == 0 and "--territory" in r.stdout


def test_unknown_territory_suggests_the_closest_name(tmp_path):
    r = govsim("compare", str(SMALL), "--territory", "loir-et-chr", "--out", str(tmp_path / "x"), *QUICK)
    assert r.returncode == 2
    assert 'did you mean "loir-et-cher"' in r.stderr, r.stderr


# --- 10: the output of `govsim territory build` as --territory ---------------------------------

def test_run_on_a_built_territory_file(tmp_path):
    (tmp_path / "communes.csv").write_text(COMMUNES, encoding="utf-8")
    built = tmp_path / "val.json"
    r = govsim("territory", "build", "--communes", str(tmp_path / "communes.csv"), "--out", str(built))
    assert r.returncode == 0, r.stderr
    r = govsim("run", "scenarios/governance/regional-hubs.json", "--territory", str(built),
               "--out", str(tmp_path / "out"), *QUICK)
    assert r.returncode == 0, r.stderr
    r = govsim("compare", str(SMALL), "--territory", str(built), "--out", str(tmp_path / "out2"), *QUICK)
    assert r.returncode == 0, r.stderr


# --- 16: `govsim init` names schema files that exist --------------------------------------------

def test_init_schema_references_resolve(tmp_path):
    d = tmp_path / "study"
    r = govsim("init", str(d))
    assert r.returncode == 0, r.stderr
    files = [f for f in d.rglob("*.json") if f.parent.name != "schema"]
    named = [f for f in files if "$schema" in json.loads(f.read_text(encoding="utf-8"))]
    assert len(named) >= 5
    for f in named:
        ref = json.loads(f.read_text(encoding="utf-8"))["$schema"]
        assert not ref.startswith("http"), (f, ref)
        target = (f.parent / ref).resolve()
        assert target.is_file(), (f, ref)
        assert json.loads(target.read_text(encoding="utf-8"))["$schema"].startswith("https://json-schema.org/")
    r = govsim("validate", str(d / "experiment.json"))
    assert r.returncode == 0, r.stderr


# --- 17: hints for unquoted commas and key typos ------------------------------------------------

def test_unquoted_commas_in_a_csv_field_get_a_hint(tmp_path):
    bad = COMMUNES.replace("Agglopolys,2", "Agglopolys, Blois,2")
    (tmp_path / "communes.csv").write_text(bad, encoding="utf-8")
    r = govsim("territory", "build", "--communes", str(tmp_path / "communes.csv"), "--out", str(tmp_path / "t.json"))
    assert r.returncode == 2
    assert "must be quoted" in r.stderr, r.stderr


def test_config_key_typo_suggests_the_key(tmp_path):
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    doc["experiement"] = doc.pop("experiment", {"runs": 1})
    doc["scenarios"] = [str((SMALL.parent / s).resolve()) if isinstance(s, str) else s for s in doc["scenarios"]]
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps(doc), encoding="utf-8")
    r = govsim("validate", str(cfg))
    assert r.returncode == 2
    assert 'did you mean "experiment"' in r.stderr, r.stderr


# --- 19: the Python API's messages --------------------------------------------------------------

def test_python_override_errors_do_not_name_the_command_line():
    import govsim as g

    with pytest.raises(g.ConfigError) as e:
        g.load_config(SMALL, {"needs.no_such": 1})
    assert not str(e.value).startswith("--set"), str(e.value)
    with pytest.raises(g.ConfigError) as e:
        g.load_config(SMALL, ["no-equals-sign"])
    assert not str(e.value).startswith("--set"), str(e.value)


# --- 21: the commands run in Python under an MPI launcher ---------------------------------------

def test_python_commands_refuse_an_mpi_launcher_with_the_way_that_works():
    import govsim as g

    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    if g.distribution()["built_with_mpi"]:
        if not shutil.which("mpirun"):
            pytest.skip("MPI build without mpirun")
        launch = ["mpirun", "-n", "2", "--oversubscribe", str(GOVSIM)]
    else:
        env.update(PMI_SIZE="2", PMI_RANK="0")  # what a launcher sets (a build without MPI reads it too)
        launch = [str(GOVSIM)]
    for cmd in (["robustness", "scenarios/experiments/robustness-small.json"],
                ["sensitivity", "scenarios/experiments/robustness-small.json"],
                ["discover", "results/robustness", "--scenario", "x"],
                ["calibrate", "scenarios/experiments/calibration.json", "--targets", "x.json"]):
        r = subprocess.run([*launch, *cmd], capture_output=True, text=True, cwd=ROOT, timeout=300, env=env)
        assert r.returncode != 0, (cmd, r.stderr)
        assert "mpirun -n N python study.py" in r.stderr, r.stderr
        assert r.stderr.count("error:") == 1, r.stderr  # rank 0 only, no progress bars
        assert "[#" not in r.stderr


# --- 22: every path in every --help example exists ----------------------------------------------

HELP = [["compare"], ["run"], ["sweep"], ["validate"], ["init"], ["describe"], ["schema"], ["merge"],
        ["report"], ["robustness"], ["sensitivity"], ["discover"], ["targets", "check"], ["calibrate"],
        ["territory", "build"], ["territory", "show"]]
OUTPUT_OPTIONS = {"--out", "-o", "--plot", "--pdf", ">"}


@pytest.mark.parametrize("cmd", HELP, ids=" ".join)
def test_help_examples_name_existing_files(cmd):
    r = govsim(*cmd, "--help")
    text = r.stdout + r.stderr
    lines = [ln for ln in text.splitlines() if re.match(r"\s*(govsim|python) ", ln)]
    for ln in lines:
        words = shlex.split(ln.replace("\\", ""))
        for prev, w in zip(["", *words], words):
            if prev in OUTPUT_OPTIONS or w.startswith("-") or "/" not in w:
                continue
            if w.startswith(("results/", "my-study")) or "=" in w:
                continue  # written by an earlier command of the example
            found = any(ROOT.glob(w)) if "*" in w else (ROOT / w).exists()
            assert found, f"govsim {' '.join(cmd)} --help names {w}, which does not exist"


def test_no_progress_bar_before_a_config_error(capfd):
    import govsim as g

    with pytest.raises(g.ConfigError):
        g.compare(SMALL, runs=0, progress=True)
    assert capfd.readouterr().err == ""


def test_communes_after_a_sweep_have_no_made_up_coordinates(tmp_path):
    import govsim as g

    res = g.sweep(ROOT / "scenarios" / "experiments" / "sweep-uncertain.json", runs=1, out=tmp_path / "s",
                  overrides={"sim.population_scale": 0.01, "sim.horizon_weeks": 8})
    c = res.communes()
    assert len(c) == 267 * len(res.scenarios)
    assert c["lat"].isna().all() and c["lon"].isna().all()  # the generated territory has none
    assert c["x_km"].notna().all() and c["adults"].notna().all()
