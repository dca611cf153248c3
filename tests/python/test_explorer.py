"""`govsim explore` (govsim.explorer): the JSON API of a server started as a user starts it, the
numbers it shows against `govsim compare` on the saved scenario file, bad input (HTTP 4xx, the
server stays up), loopback only, Ctrl-C leaving nothing behind; and, in process, the cache and
the cancellation of a stale evaluation. The page in Chromium: test_explorer_browser.py."""

from __future__ import annotations

import http.client
import json
import math
import os
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from explorer_server import GOVERNANCE, RUNS, SCALE, govsim_bin, started, wait_for, write_config

OUTCOMES = ["non_recours_rate", "autonomy_rate", "illectronisme_rate", "mean_wait_weeks", "coverage_30min",
            "total_cost_eur"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = started(tmp_path_factory.mktemp("explore"))
    yield s
    s.stop()


def test_levers_come_from_the_registry_and_the_seed_scenario(server):
    import govsim

    status, doc = server.request("api/levers?seed=regional-hubs")
    assert status == 200 and doc["baseline"] == "status-quo" and doc["seed"] == "regional-hubs"
    assert doc["scale"] == SCALE and doc["runs"] == RUNS
    levers = {lv["name"]: lv for lv in doc["levers"]}
    reg = govsim.parameters().set_index("name")
    for name in ("governance.funding_structure", "animation.intensity", "referral.partners_joined",
                 "network.france_services.fte", "network.epn.hours_per_week", "network.library.sites",
                 "mobile.units", "stations.per_point"):
        lv, row = levers[name], reg.loc[name]
        assert lv["unit"] == (row["unit"] or "") and lv["help"] == row["doc"]
        if row["type"] != "choice":
            assert (lv["min"], lv["max"]) == (row["min"], row["max"])
    assert levers["governance.owner_level"]["choices"] == list(reg.loc["governance.owner_level", "choices"])
    hubs = govsim.load_scenario(GOVERNANCE / "regional-hubs.json").parameters
    assert all(lv["value"] == hubs[n] for n, lv in levers.items())
    _, base = server.request("api/levers")
    assert base["seed"] == "status-quo" and any(levers[b["name"]]["value"] != b["value"] for b in base["levers"])


@pytest.mark.parametrize("body, field, expected", [
    ({"levers": {"network.epn.fte": 12}}, "/levers/network.epn.fte", "a number from 0 to 10 (FTE/site), got 12"),
    ({"levers": {"network.epn.fte": "two"}}, "/levers/network.epn.fte", "a number from 0 to 10"),
    ({"levers": {"mobile.units": 1.5}}, "/levers/mobile.units", "an integer from 0 to 1000 (units), got 1.5"),
    ({"levers": {"mobile.units": -1}}, "/levers/mobile.units", "an integer from 0 to 1000"),
    ({"levers": {"governance.owner_level": "planet"}}, "/levers/governance.owner_level",
     "one of commune, epci, department, region, got 'planet'"),
    ({"levers": {"sim.seed_offset": 1}}, "/levers/sim.seed_offset", "one of the levers"),
    ({"levers": [1, 2]}, "/levers", "an object of lever name -> value, got list"),
    ({"seed": "utopia", "levers": {}}, "/seed", "one of the config's scenarios (status-quo, regional-hubs)"),
    ([1], "request body", "a JSON object, got list"),
])
def test_bad_levers_are_a_400_naming_the_field_and_what_was_expected(server, body, field, expected):
    status, doc = server.request("api/evaluate", body)
    assert status == 400, doc
    assert doc["error"].startswith(field + ":") and expected in doc["error"], doc["error"]


def test_malformed_requests_are_a_4xx_and_the_server_stays_up(server):
    status, doc = server.request("api/evaluate", raw=b"{levers: ")
    assert status == 400 and doc["error"].startswith("request body: expected a JSON object, got malformed JSON")
    assert server.request("api/evaluate?lang=de", {})[0] == 400
    assert server.request("api/save", {"levers": {}, "name": "../escape"})[0] == 400
    assert server.request("api/save", {"levers": {}, "name": "status-quo"})[0] == 400
    assert server.request("api/levers")[0] == 200
    assert server.proc.poll() is None


def test_loopback_only(server):
    host, port = server.url.split("//")[1].rstrip("/").split(":")
    assert host == "127.0.0.1"
    out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True)
    if out.returncode == 0:  # every listening socket on the port is on 127.0.0.1
        listening = [line.split()[3] for line in out.stdout.splitlines() if line.strip()]
        assert listening == [f"127.0.0.1:{port}"], listening
    # An address of this machine other than loopback: nothing listens there.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: finds the outgoing interface
            own = probe.getsockname()[0]
        except OSError:
            own = None
    if own and not own.startswith("127."):
        with pytest.raises(OSError):
            socket.create_connection((own, int(port)), timeout=2).close()
    # A request naming another host (DNS rebinding) is refused.
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    conn.request("GET", "/api/levers", headers={"Host": "attacker.example"})
    assert conn.getresponse().status == 400
    conn.close()


def _compare_paired(exe: Path, experiment: Path, out: Path) -> dict:
    subprocess.run([str(exe), "compare", str(experiment), "--set", f"sim.population_scale={SCALE}", "--runs",
                    str(RUNS), "--out", str(out)], check=True, capture_output=True, text=True)
    import govsim

    res = govsim.Results(out)
    paired = res.paired()
    return {r.metric: r for r in paired.itertuples(index=False)}, res


def test_numbers_equal_govsim_compare_on_the_saved_scenario_file(server):
    exe = govsim_bin()
    levers = {"network.france_services.fte": 3.2, "mobile.units": 2, "governance.funding_structure": "custodian"}
    status, ev = server.request("api/evaluate?lang=en", {"seed": "regional-hubs", "levers": levers})
    assert status == 200, ev
    assert ev["runs"] == RUNS and ev["changes"]["mobile.units"] == 2
    status, saved = server.request("api/save", {"seed": "regional-hubs", "levers": levers, "name": "hubs-plus",
                                                "title": "Hubs, more agents, 2 mobile units"})
    assert status == 200, saved
    scenario, experiment = Path(saved["path"]), Path(saved["experiment"])
    doc = json.loads(scenario.read_text(encoding="utf-8"))
    assert doc["extends"] and doc["parameters"]["network.france_services.fte"] == 3.2
    check = subprocess.run([str(exe), "validate", str(scenario), str(experiment)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"--set sim.population_scale={SCALE:g} --runs {RUNS}" in saved["commands"]["same_as_page"]
    pairs, res = _compare_paired(exe, experiment, server.folder / "compare")
    name = doc["name"]
    for row in ev["rows"]:
        r, raw = pairs[row["metric"]], row["raw"]
        assert r.scenario == name
        for got, want in ((raw["diff"], r.mean_diff), (raw["ci_low"], r.ci_low), (raw["ci_high"], r.ci_high)):
            assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12), (row["metric"], got, want)
        assert raw["verdict"] == r.verdict
        summary = res.summary().set_index(["scenario", "metric"])
        assert math.isclose(raw["explored"], summary.loc[(name, row["metric"]), "mean"], rel_tol=1e-12)
    assert {r["metric"] for r in ev["rows"]} == set(OUTCOMES)
    ce = res.cost_effectiveness()
    ce = ce[(ce["metric"] == "non_recours_rate") & (ce["scenario"] == name)].iloc[0]
    got = ev["cost_effectiveness"]["raw"]["adults_per_100k_eur"]["value"]
    assert (got is None and not math.isfinite(ce["adults_per_100k_eur"])) or math.isclose(got, ce["adults_per_100k_eur"])
    # The map: one row per commune of Charente, its change in points = scenario - baseline.
    communes = res.communes()
    base = communes[communes["scenario"] == "status-quo"].set_index("code")["non_recours_rate"]
    scen = communes[communes["scenario"] == name].set_index("code")["non_recours_rate"]
    rows = ev["communes"]["rows"]
    assert ev["communes"]["geo"] and len(rows) == len(base)
    for code, *_, change in rows[:50]:
        want = (scen[code] - base[code]) * 100
        assert (change is None and not math.isfinite(want)) or math.isclose(change, want, rel_tol=1e-9, abs_tol=1e-12)


def test_saving_twice_needs_overwrite(server):
    body = {"levers": {"stations.per_point": 1}, "name": "twice"}
    assert server.request("api/save", body)[0] == 200
    status, doc = server.request("api/save", body)
    assert status == 409 and "exists" in doc["error"]
    assert server.request("api/save", {**body, "overwrite": True})[0] == 200


def test_ctrl_c_stops_the_server_and_leaves_nothing(tmp_path):
    s = started(tmp_path)
    result: list = []
    t = threading.Thread(target=lambda: result.append(s.request("api/evaluate", {"levers": {"mobile.units": 3}})))
    t.start()
    assert wait_for(lambda: any(s.tmp.iterdir()))  # its working folder exists while it runs
    rc = s.stop(timeout=30)
    t.join(30)
    assert rc == 0 and "Traceback" not in s.proc.stderr.read()
    assert not any(s.tmp.iterdir()), list(s.tmp.iterdir())  # working folder removed
    port = int(s.url.rstrip("/").rsplit(":", 1)[1])
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    # No process of it is left (the executable became the Python server: one process).
    ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    assert str(tmp_path / "explore.json") not in ps


def test_cache_and_a_newer_evaluation_cancels_a_stale_one(tmp_path):
    from govsim import load_config
    from govsim.explorer import Session, Superseded

    session = Session(load_config(write_config(tmp_path)), scale=SCALE, runs=RUNS, threads=1, out=tmp_path / "saved")
    try:
        outcome: dict = {}

        def stale() -> None:
            try:
                outcome["data"] = session.evaluate(None, {"mobile.units": 4})
            except Superseded as e:
                outcome["error"] = e

        t = threading.Thread(target=stale)
        t.start()
        assert wait_for(lambda: session._flag is not None)  # the stale one is running
        newer = session.evaluate(None, {"mobile.units": 1})
        t.join(60)
        assert isinstance(outcome.get("error"), Superseded) and "data" not in outcome
        assert newer.pair[("explored", "total_cost_eur")].mean_diff > 0  # a mobile unit costs
        assert session.evaluate(None, {"mobile.units": 1}) is newer  # cached by lever values
        assert session.evaluate("status-quo", {"mobile.units": 1.0}) is newer  # the same scenario
    finally:
        session.close()
    assert not session.work.exists()


def test_bad_command_lines_exit_2_naming_the_option(server, tmp_path):
    exe = govsim_bin()
    busy = server.url.rstrip("/").rsplit(":", 1)[1]
    cfg = str(write_config(tmp_path))
    env = dict(os.environ, TMPDIR=str(tmp_path))
    cases = [([cfg, "--scale", "2"], "--scale: expected a share from 0.0001 to 1, got 2"),
             ([cfg, "--port", busy], f"--port: expected a free port on 127.0.0.1, got {busy}"),
             ([str(tmp_path / "missing.json")], "missing.json")]
    procs = [subprocess.Popen([str(exe), "explore", "--no-browser", *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path) for args, _ in cases]
    for p, (args, message) in zip(procs, cases):
        _, err = p.communicate(timeout=60)
        assert p.returncode == 2 and message in err, (args, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["explore.json"]  # nothing written, no folder left
