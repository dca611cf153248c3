"""The command line of ``govsim explore`` (``python -m govsim.explorer``, which the ``govsim``
executable runs): loads the config, starts the server on 127.0.0.1 (a free port unless
``--port``), prints its URL, opens it in a browser unless ``--no-browser``, and on Ctrl-C
cancels the evaluation running, removes its working folder and exits."""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._core import ConfigError

HOST = "127.0.0.1"  # loopback only: the page runs simulations and writes files


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govsim explore", description=(
        "A local web page to explore the levers of a scenario: each change is run against the baseline at a "
        "reduced scale on common random numbers, and the page shows the outcomes with their paired 95%% "
        "intervals and verdicts, the cost-effectiveness and the change by commune; it saves the levers as a "
        "scenario file extending the baseline (docs/planners.md)."),
        epilog="Example:\n  govsim explore scenarios/experiments/seed-scenarios.json --runs 8 --scale 0.1",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config", nargs="?", help="experiment config (JSON): its baseline and its scenarios to start "
                                             "from (default: the sources' scenarios/experiments/seed-scenarios.json)")
    p.add_argument("--territory", help="run on this territory instead of the config's: an embedded name or a file")
    p.add_argument("--set", action="append", default=[], help="override a parameter: --set name=value")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open the page in a browser")
    p.add_argument("--runs", type=int, default=8, help="replicates per evaluation (default 8)")
    p.add_argument("--scale", type=float, default=0.1, help="share of the adults simulated (default 0.1)")
    p.add_argument("--threads", type=int, default=0, help="worker threads (0 = all cores)")
    p.add_argument("--out", default="explored", help="folder of the saved scenario files (default: explored)")
    return p


def _check(a: argparse.Namespace) -> None:
    if a.runs < 2:
        raise ConfigError(f"--runs: expected an integer of at least 2 (for an interval), got {a.runs}")
    if not 0.0001 <= a.scale <= 1:
        raise ConfigError(f"--scale: expected a share from 0.0001 to 1, got {a.scale:g}")
    if not 0 <= a.port <= 65535:
        raise ConfigError(f"--port: expected a port from 0 to 65535 (0: a free one), got {a.port}")


def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as e:
        sock.close()
        raise ConfigError(f"--port: expected a free port on {HOST}, got {port} ({e.strerror})") from None
    sock.listen(64)
    return sock


def serve(session: Any, port: int = 0, browser: bool = True, announce: Any = print) -> None:
    """Serves ``session`` on 127.0.0.1:``port`` until Ctrl-C (SIGINT) or SIGTERM."""
    import uvicorn

    from .app import create_app

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            session.cancel()  # the evaluation running stops after its runs in flight
            super().handle_exit(sig, frame)

    try:
        sock = _listen(port)
    except ConfigError:
        session.close()
        raise
    url = f"http://{HOST}:{sock.getsockname()[1]}/"
    server = Server(uvicorn.Config(create_app(session), log_level="warning", timeout_graceful_shutdown=5))

    def when_started() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            announce(f"govsim explore: {url} (Ctrl-C to stop)")
            sys.stdout.flush()
            if browser:
                webbrowser.open(url)

    threading.Thread(target=when_started, daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises the signal again once it has shut down: Ctrl-C is how to stop
        pass
    finally:
        sock.close()
        session.close()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        a = _parser().parse_args(argv)
        _check(a)
        from .. import source_dir
        from ..api import load_config
        from .session import Session

        config = a.config or str(Path(source_dir()) / "scenarios" / "experiments" / "seed-scenarios.json")
        cfg = load_config(config, a.set or None, territory=a.territory)
        serve(Session(cfg, scale=a.scale, runs=a.runs, threads=a.threads, out=a.out), a.port,
              browser=not a.no_browser)
    except SystemExit as e:  # --help (0) or a usage error (2)
        return 0 if e.code in (0, None) else 2
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0
