"""``govsim explore``: the planner's explorer, a local web page where moving a lever shows its
effect against the baseline with its paired 95% interval, its verdict and its map by commune,
in seconds (reduced scale, common random numbers), and saves the levers as a scenario file
(docs/planners.md).

Modules: ``levers`` (the levers from the registry, and the check of a page's values),
``session`` (evaluation, cache, cancellation, saving), ``outcomes`` (what an evaluation shows,
with the report's functions), ``page`` (the page's context), ``app`` (Starlette: page, JSON API,
local assets), ``cli`` (the command line and the server)."""

from .levers import Lever, LeverError, levers
from .session import Session, Superseded

__all__ = ["Lever", "LeverError", "Session", "Superseded", "levers"]
