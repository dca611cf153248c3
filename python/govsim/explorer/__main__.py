"""``python -m govsim.explorer [CONFIG] ...`` (``govsim explore`` execs it)."""

import sys

from .cli import main

sys.exit(main())
