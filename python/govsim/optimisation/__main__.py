"""``python -m govsim.optimisation CONFIG ...`` (``govsim optimise`` execs it)."""

import sys

from .cli import main

sys.exit(main())
