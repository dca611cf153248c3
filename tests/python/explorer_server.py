"""A `govsim explore` server for the explorer's tests: started as a user starts it (the `govsim`
executable, --no-browser, a free port), on a small config (Charente, 2% of adults, one year,
4 replicates), with the JSON requests the page makes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOVERNANCE = ROOT / "scenarios" / "governance"
SCALE, RUNS = 0.02, 4


def govsim_bin() -> Path | None:
    for cand in (os.environ.get("GOVSIM_BIN"), Path(sys.executable).parent / "govsim"):
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK):
            return Path(cand).resolve()
    return None


def write_config(folder: Path) -> Path:
    """The config explored: the status quo (baseline) and regional hubs on Charente."""
    cfg = {"name": "explore-test", "territory": "charente",
           "scenarios": [str(GOVERNANCE / "status-quo.json"), str(GOVERNANCE / "regional-hubs.json")],
           "baseline": "status-quo", "parameters": {"sim.horizon_weeks": 52},
           "experiment": {"runs": 6, "seed": 424242}}
    path = folder / "explore.json"
    path.write_text(json.dumps(cfg), encoding="utf-8")
    return path


class Server:
    """``govsim explore CONFIG --no-browser`` in ``folder`` (its TMPDIR too: the working folder
    it removes on exit is found there)."""

    def __init__(self, exe: Path, folder: Path, *args: str) -> None:
        self.folder = folder
        self.tmp = folder / "tmp"
        self.tmp.mkdir(exist_ok=True)
        env = dict(os.environ, TMPDIR=str(self.tmp))
        cmd = [str(exe), "explore", str(write_config(folder)), "--no-browser", "--scale", str(SCALE), "--runs",
               str(RUNS), "--threads", "2", "--out", str(folder / "saved"), *args]
        self.proc = subprocess.Popen(cmd, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline()  # "govsim explore: http://127.0.0.1:PORT/ (Ctrl-C to stop)"
        if "http://" not in line:
            self.proc.kill()
            raise RuntimeError(f"no URL from govsim explore: {line!r} {self.proc.stderr.read()}")
        self.url = line.split()[2]

    def request(self, path: str, body: Any = None, raw: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, Any]:
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, headers={"Content-Type": "application/json",
                                                                          **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(2)  # SIGINT, as Ctrl-C
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        return self.proc.returncode


def started(folder: Path) -> Server:
    """A server in ``folder``; the test is skipped without the govsim executable."""
    import pytest

    exe = govsim_bin()
    if exe is None:
        pytest.skip("govsim executable not found (set GOVSIM_BIN or run `make build`)")
    return Server(exe, folder)


def wait_for(pred: Any, timeout: float = 30) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False
