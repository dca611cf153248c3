"""``python -m govsim.uncertainty robustness|sensitivity|discover ...`` (``govsim`` execs it)."""

import sys

from .cli import main

sys.exit(main())
