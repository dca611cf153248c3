"""The explorer's web application (Starlette): the page, its JSON API and its local assets.

    GET  /                 the page (French; ?lang=en for English)
    GET  /api/levers       the levers (registry: unit, range, help) and their values in ?seed=SCENARIO
    POST /api/evaluate     {"seed", "levers"} -> outcomes vs the baseline (paired 95% CIs, verdicts),
                           people per €100k, change by commune
    POST /api/save         {"seed", "levers", "name", "title"?, "overwrite"?} -> a scenario file
                           extending the baseline, and an experiment comparing them
    GET  /static/...       the page's script and style (no CDN: works offline)

Bad input is an HTTP 400 whose ``error`` names the field (a JSON pointer: ``/levers/NAME``) and
what was expected; an evaluation made stale by a newer one is a 409 with ``superseded``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .._core import ConfigError
from ..reporting import formats, i18n
from ..reporting.page import _ENV
from .levers import LeverError
from .outcomes import outcomes
from .page import page_context
from .session import Session, Superseded

# The report's Jinja2 environment (autoescaping, the catalogue's gettext) over this package's templates.
_PAGE_ENV = _ENV.overlay(loader=jinja2.PackageLoader("govsim.explorer", "templates"))
STATIC = Path(__file__).with_name("static")


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", i18n.DEFAULT)
    if lang not in i18n.LANGUAGES:
        raise LeverError(f"?lang: expected one of {', '.join(i18n.LANGUAGES)}, got {lang!r}")
    return lang


async def _body(request: Request) -> dict[str, Any]:
    try:
        doc = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError) as e:
        raise LeverError(f"request body: expected a JSON object, got malformed JSON ({e})") from None
    if not isinstance(doc, dict):
        raise LeverError(f"request body: expected a JSON object, got {type(doc).__name__}")
    return doc


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def create_app(session: Session) -> Starlette:
    """The application serving ``session``."""

    async def page(request: Request) -> Response:
        lang = request.query_params.get("lang", i18n.DEFAULT)
        lang = lang if lang in i18n.LANGUAGES else i18n.DEFAULT
        with i18n.use(lang):
            html = _PAGE_ENV.get_template("explorer.html.j2").render(page_context(session, lang))
            html = formats.french_spacing(html) if lang == "fr" else html
        return HTMLResponse(html)

    async def api_levers(request: Request) -> Response:
        seed = session.seed_scenario(request.query_params.get("seed"))
        values = session.start_values(seed)
        return JSONResponse({"seed": seed, "baseline": session.baseline, "scenarios": session.config.scenarios,
                             "scale": session.scale, "runs": session.runs, "master_seed": session.config.seed,
                             "levers": [lv.describe(values[lv.name]) for lv in session.levers]})

    async def api_evaluate(request: Request) -> Response:
        lang = _lang(request)
        doc = await _body(request)
        try:
            data = await run_in_threadpool(session.evaluate, doc.get("seed"), doc.get("levers", {}))
        except Superseded as e:
            return _error(409, str(e), superseded=True)
        answer = await run_in_threadpool(outcomes, data, lang)
        answer["changes"] = session.changes(doc.get("seed"), doc.get("levers", {}))
        answer.update(scale=session.scale, master_seed=session.config.seed, request=doc.get("request"))
        return JSONResponse(answer)

    async def api_save(request: Request) -> Response:
        doc = await _body(request)
        try:
            saved = await run_in_threadpool(session.save, doc.get("seed"), doc.get("levers", {}), doc.get("name"),
                                            doc.get("title", ""), bool(doc.get("overwrite", False)))
        except FileExistsError as e:
            return _error(409, str(e), exists=True)
        return JSONResponse(saved)

    async def bad_input(request: Request, exc: Exception) -> Response:
        return _error(400, str(exc))

    async def server_error(request: Request, exc: Exception) -> Response:  # a bug: said, the server goes on
        return _error(500, f"internal error: {type(exc).__name__}: {exc}")

    return Starlette(
        routes=[Route("/", page), Route("/api/levers", api_levers), Route("/api/evaluate", api_evaluate, methods=["POST"]),
                Route("/api/save", api_save, methods=["POST"]), Mount("/static", StaticFiles(directory=STATIC))],
        # Loopback only: requests naming another host (DNS rebinding) are refused.
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])],
        exception_handlers={LeverError: bad_input, ConfigError: bad_input, Exception: server_error})
